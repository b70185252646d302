#!/usr/bin/env bash
# Long run of the naming differential test (our naming functions vs the wmill CLI's own code) and of the
# end-to-end name parity test (our pull vs `wmill sync pull` on random names).
#   sync-windmill/src/test/wmill/naming-long-run.sh [runs] [names-per-run] [e2e-runs]
# Each run prints its seed; replay one with -Dnames.seed=N -Dnames.count=M (or -Dnames.e2eSeed=N).
set -euo pipefail
runs=${1:-20}
count=${2:-50000}
e2e=${3:-5}
cd "$(dirname "$0")/../../../.."
for ((i = 0; i < runs; i++)); do
  seed=$(( $(date +%s%N) % 100000000000000 ))
  echo "== run $((i + 1))/$runs: seed $seed, $count names"
  ./mvnw -B -ntp -q -pl sync-windmill -am verify -Dtest=CliNamingDifferentialTest \
    -Dnames.seed="$seed" -Dnames.count="$count" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true -Djacoco.skip=true \
    -Dmaven.javadoc.skip=true -Dwmill.npm.skip="$([ -d sync-windmill/src/test/wmill/node_modules ] && echo true || echo false)"
done
echo "== end to end: $e2e random workspaces judged by wmill sync pull"
./mvnw -B -ntp -q -pl sync-windmill -am verify -Dtest=NameParityTest -Dnames.e2eRuns="$e2e" \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dspotless.check.skip=true \
  -Djacoco.skip=true -Dmaven.javadoc.skip=true
