#!/usr/bin/env bash
# Runs a fuzzing campaign (tests/Slotgate.Fuzz) at the lowest CPU priority, outside the test suite:
#   scripts/fuzz.sh <parser|scanner|session|all> [--inputs N] [--seed S] [--start I]
# Builds in Release, then runs a private copy of the build output, so that rebuilding while a long campaign runs
# cannot change the binaries under it. Prints progress every 30 s and a summary per target; exits 1 when any input
# broke an invariant (each failure is printed with its seed, index and bytes; replay one with --start I --inputs 1).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if [ "$#" -eq 0 ]; then
  set -- all --inputs 100000
fi

dotnet build "$repo_root/tests/Slotgate.Fuzz" -c Release -v quiet -nologo >&2
run_dir="$(mktemp -d)"
trap 'rm -rf "$run_dir"' EXIT
cp -r "$repo_root/tests/Slotgate.Fuzz/bin/Release/net10.0/." "$run_dir/"
nice -n 19 dotnet "$run_dir/Slotgate.Fuzz.dll" "$@"
