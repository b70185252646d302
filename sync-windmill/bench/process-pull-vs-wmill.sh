#!/usr/bin/env bash
# Whole process, side by side: the CLI's pull of 300 scripts + 30 flows into a directory vs the real wmill sync pull.
# Usage: sync-windmill/bench/process-pull-vs-wmill.sh [rounds=5] [name=jar[,jvm-option...] ...] (see sync-examples/bench/whole-process.sh).
exec "$(dirname "$0")/../../sync-examples/bench/whole-process.sh" windmill-wmill "$@"
