#!/usr/bin/env bash
# Long run of GeneratedWorkspaceParityTest: N fresh seeded workspaces from the server's export shapes, each
# judged by the real wmill CLI (pull bytes, push --dry-run 0 changes). Every seed is printed; replay one with
# -Dshapes.seed=N. Usage:
#   sync-windmill/bench/generated-workspaces.sh [runs=50] [narrowed=false]
# The whole alphabet is the default; narrowed=true draws from the old narrow one (see ServerShapes.Alphabet).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./mvnw -B -ntp -pl sync-windmill -am verify -Dmaven.javadoc.skip=true -Djacoco.skip=true \
  -Dspotless.check.skip=true -Dsurefire.failIfNoSpecifiedTests=false \
  -Dtest=GeneratedWorkspaceParityTest -Dshapes.runs="${1:-50}" -Dshapes.narrowed="${2:-false}"
