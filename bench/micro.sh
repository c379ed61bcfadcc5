#!/usr/bin/env bash
# Runs Slotgate's BenchmarkDotNet micro-benchmarks (bench/Slotgate.Benchmarks) and writes the reports under
# artifacts/bench/micro/results/ as one joined table (--join).
#
#   bench/micro.sh                     every benchmark, short job (a few minutes on 2 cores)
#   bench/micro.sh '*HashSlot*'        only the classes or methods matching the filter
#   MICRO_JOB=dry bench/micro.sh       one invocation each: checks that every benchmark runs, measures nothing
#   bench/micro.sh '*' --profiler EP   extra arguments go to BenchmarkDotNet as they are
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

filter="${1:-*}"
if [[ $# -gt 0 ]]; then
  shift
fi

exec dotnet run -c Release --project bench/Slotgate.Benchmarks -- \
  --filter "$filter" \
  --job "${MICRO_JOB:-short}" \
  --artifacts artifacts/bench/micro \
  --join \
  "$@"
