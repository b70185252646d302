#!/usr/bin/env bash
# Pull benchmark: API mode vs the real `wmill sync pull` (windmill-cli 1.819.0 from src/test/wmill) on the
# same emulator. Usage: sync-windmill/bench/run.sh [scripts=3000] [flows=300] [skip-cli]
# Not part of `verify`. The CLI side takes about 15 minutes for 3000 scripts + 300 flows.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
scripts="${1:-3000}"
flows="${2:-300}"
cd "$root"
./mvnw -B -ntp -q -pl sync-windmill test-compile
./mvnw -B -ntp -q -pl sync-windmill dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp="$here/target/classes:$here/target/test-classes:$(cat "$here/target/bench.cp")"
java -Xmx1g -cp "$cp" dev.workspacesync.windmill.bench.PullBenchmark "$scripts" "$flows" \
  "$here/src/test/wmill/node_modules/.bin/wmill" "$work" ${3:-}
