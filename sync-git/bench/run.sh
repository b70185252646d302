#!/bin/sh
# Benchmark of the git destination against the git CLI (not run by `verify`).
# Usage: sync-git/bench/run.sh [files=20000] [rounds=7]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
module=$(dirname "$here")
cd "$module/.."
./mvnw -B -ntp -q -pl sync-git test-compile dependency:build-classpath \
    -Dmdep.outputFile="$module/target/bench.classpath" -Dmdep.includeScope=test
cp="$module/target/classes:$(cat "$module/target/bench.classpath")"
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
    "$here/CommitPushBenchmark.java" "$@"
