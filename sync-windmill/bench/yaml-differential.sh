#!/usr/bin/env bash
# Long runs of the YAML differential test: CliYaml against the yaml library bundled in the pinned wmill CLI,
# a fresh seed per round. Usage: sync-windmill/bench/yaml-differential.sh [rounds=20] [documents=5000]
# Stops at the first round with a difference and prints its seed (replay it in the build with
# -Dtest=CliYamlDifferentialTest -Dyaml.seed=N -Dyaml.count=N). Not part of `verify`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"
# One reactor build (sync-core from its target/, never from ~/.m2), compiling and listing the classpath.
./mvnw -B -ntp -q -pl sync-windmill -am test-compile dependency:build-classpath -Dspotless.check.skip=true \
  -Dmdep.outputFile=target/yaml-diff.cp -Dmdep.includeScope=test
cd "$here"
java -cp "target/classes:target/test-classes:$(cat target/yaml-diff.cp)" \
  dev.workspacesync.windmill.internal.CliYamlDifferentialTest "${1:-20}" "${2:-5000}"
