#!/usr/bin/env bash
# Whole process, side by side: --version vs java -version.
# Usage: sync-examples/bench/process-version.sh [rounds=5] [name=jar[,jvm-option...] ...] (see sync-examples/bench/whole-process.sh).
exec "$(dirname "$0")/../../sync-examples/bench/whole-process.sh" version "$@"
