#!/usr/bin/env bash
# Whole process, side by side: no-op sync of 20,000 files vs git status --porcelain.
# Usage: sync-databricks/bench/process-noop.sh [rounds=5] [name=jar[,jvm-option...] ...] (see sync-examples/bench/whole-process.sh).
exec "$(dirname "$0")/../../sync-examples/bench/whole-process.sh" databricks-noop "$@"
