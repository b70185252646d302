#!/usr/bin/env bash
# Whole process, side by side: first upload of 2,000 files (20 ms latency, 8 in flight) vs a minimal client.
# Usage: sync-databricks/bench/process-upload.sh [rounds=5] [name=jar[,jvm-option...] ...] (see sync-examples/bench/whole-process.sh).
exec "$(dirname "$0")/../../sync-examples/bench/whole-process.sh" databricks-upload "$@"
