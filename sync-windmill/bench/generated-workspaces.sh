#!/usr/bin/env bash
# Long run of GeneratedWorkspaceParityTest: N fresh seeded workspaces from the server's export shapes, each
# judged by the real wmill CLI (pull bytes, push --dry-run 0 changes). Every seed is printed; replay one with
# -Dshapes.seed=N. Usage:
#   sync-windmill/bench/generated-workspaces.sh [runs=50] [full=false]
# full=true draws from the whole alphabet, including what waits on fixes (see ServerShapes.Alphabet).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -B -ntp -pl sync-windmill -am verify -Dmaven.javadoc.skip=true -Djacoco.skip=true \
  -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest=GeneratedWorkspaceParityTest -Dshapes.runs="${1:-50}" -Dshapes.full="${2:-false}"
