#!/usr/bin/env bash
# Whole process, side by side: the CLI's pull of 3,000 scripts + 300 flows into a directory vs unzip -q of the same archive.
# Usage: sync-windmill/bench/process-pull-vs-unzip.sh [rounds=5] [name=jar[,jvm-option...] ...] (see sync-examples/bench/whole-process.sh).
exec "$(dirname "$0")/../../sync-examples/bench/whole-process.sh" windmill-unzip "$@"
