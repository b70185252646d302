#!/usr/bin/env bash
# Benchmarks the Databricks destination against the workspace emulator (not run by `verify`).
# Usage: sync-databricks/bench/run.sh [-Dbench.files=5000] [-Dbench.big=20000] [-Dbench.latency-ms=40]
#        [-Dbench.concurrency=8] [-Dbench.rate=0] [-Dbench.dir=/tmp/x]
# Needs git on the PATH (the no-op scenario compares with `git status --porcelain`).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -ntp -q -o -pl sync-databricks test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
module=sync-databricks
exec java -Xmx1g "$@" \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  dev.workspacesync.databricks.bench.WorkspaceBenchmark
