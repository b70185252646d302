#!/usr/bin/env bash
# Whole process, side by side: one change in a 20,000-file project pushed vs git add -A && git commit && git push.
# Usage: sync-git/bench/process-one-change.sh [rounds=5] [name=jar[,jvm-option...] ...] (see sync-examples/bench/whole-process.sh).
exec "$(dirname "$0")/../../sync-examples/bench/whole-process.sh" git-change "$@"
