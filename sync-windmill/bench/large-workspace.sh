#!/usr/bin/env bash
# A large real workspace through the default archive limits: 100,000 scripts (200,000 entries) and three
# 50 MiB files, pulled end to end from the emulator. Usage:
#   sync-windmill/bench/large-workspace.sh [scripts=100000] [large-files=3] [large-MiB=50] [heap=1g]
# Not part of `verify` (the suite runs a smaller variant: ArchiveLimitsTest#aLargeRealWorkspacePassesTheDefaults).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
./mvnw -B -ntp -q -pl sync-windmill test-compile -Dwmill.npm.skip=true
./mvnw -B -ntp -q -pl sync-windmill dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp="$here/target/classes:$here/target/test-classes:$(cat "$here/target/bench.cp")"
java "-Xmx${4:-1g}" -cp "$cp" dev.workspacesync.windmill.bench.LargeWorkspaceBenchmark "$work" \
  "${1:-100000}" "${2:-3}" "${3:-50}"
