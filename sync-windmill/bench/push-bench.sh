#!/usr/bin/env bash
# Push benchmark: our windmill destination vs the real `wmill sync push` (windmill-cli 1.819.0 from
# src/test/wmill) on the same emulator: a pulled tree into an empty workspace, then 1 changed script.
# Usage: sync-windmill/bench/push-bench.sh [scripts=3000] [flows=300] [rounds=3] [skip-cli]
# Not part of `verify`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
# In-reactor (nothing installed into ~/.m2): sync-core's classes come from its target/.
./mvnw -B -ntp -q -pl sync-windmill -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp="$here/target/classes:$here/target/test-classes:$(cat "$here/target/bench.cp")"
uptime
java -Xmx1g -cp "$cp" dev.workspacesync.windmill.bench.PushBenchmark "${1:-3000}" "${2:-300}" "${3:-3}" \
  "$here/src/test/wmill/node_modules/.bin/wmill" "$work" ${4:-}
uptime
