#!/usr/bin/env bash
# Whole-process benchmark: the packaged CLI (java -jar workspace-sync.jar, a JVM per run, as a user and the
# commit hook run it) side by side with a baseline in one process tree, several rounds, medians and ratios.
# Not part of `verify`. Usage:
#   sync-examples/bench/whole-process.sh FIGURE [rounds=5] [name=jar[,jvm-option...] ...]
# FIGURE: windmill-unzip (3,000 scripts + 300 flows vs unzip -q of the same archive), windmill-wmill
# (300 + 30 vs the real wmill sync pull), databricks-upload (2,000 files, 20 ms latency, 8 in flight vs a
# minimal client), databricks-noop (20,000 files vs git status --porcelain), git-change (one change in
# 20,000 files vs git add -A && git commit && git push), version (--version vs java -version).
# Without variants: ours=the jar just built, launched as the commit hook and the Docker image launch it (with
# a class-data archive written by its first run, as the commit hook does; see README). Pass e.g. before=/tmp/old.jar to compare another build in the same run.
set -euo pipefail
figure="$1"
rounds="${2:-5}"
shift $(( $# >= 2 ? 2 : 1 ))
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
npm_skip=true
[ "$figure" = windmill-wmill ] && npm_skip=false
# BENCH_NO_BUILD=1 reuses the last build (jar and class path).
[ "${BENCH_NO_BUILD:-}" = 1 ] || ./mvnw -B -ntp -q package -pl sync-examples -am -DskipTests -Dspotless.check.skip=true -Dwmill.npm.skip="$npm_skip" \
  dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
jar="$root/sync-examples/target/workspace-sync.jar"
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=("ours=$jar,cds=ours.jsa")
cp="$root/sync-examples/target/test-classes:$(cat "$root/sync-examples/target/bench.cp")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
java -Xmx2g -Dslf4j.provider=org.slf4j.simple.SimpleServiceProvider -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$cp" "$root/sync-examples/bench/WholeProcessBenchmark.java" "$figure" "$rounds" "$work/run" \
  "$root/sync-windmill/src/test/wmill/node_modules/.bin/wmill" "${variants[@]}"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
