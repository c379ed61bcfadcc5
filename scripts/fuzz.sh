#!/usr/bin/env bash
# Fuzzing campaigns (tests/Slotgate.Fuzz), at the lowest CPU priority, outside the test suite. See docs/fuzzing.md.
#
#   scripts/fuzz.sh <parser|scanner|session|proxyheader|all> [--inputs N] [--seed S] [--start I]
#       Generator-driven campaign: structured RESP inputs and mutations, every invariant checked per input. Exits 1
#       when an input broke one (each failure is printed with its seed, index and bytes; replay one with
#       --seed S --start I --inputs 1).
#   scripts/fuzz.sh afl <parser|scanner> [SECONDS]
#       Coverage-guided campaign: AFL++ (Debian's afl++, installed when missing and we are root) drives the target
#       through SharpFuzz's instrumentation of slotgate.dll for SECONDS (default 600). Findings (queue, crashes, hangs)
#       go to artifacts/fuzz/afl-TARGET/; exits 1 when a crash or hang was saved.
#
# The build output is copied to a private directory first, so rebuilding while a long campaign runs cannot change the
# binaries under it.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if [ "$#" -eq 0 ]; then
  set -- all --inputs 100000
fi

dotnet build "$repo_root/tests/Slotgate.Fuzz" -c Release -v quiet -nologo -clp:ErrorsOnly >&2
run_dir="$(mktemp -d)"
trap 'rm -rf "$run_dir"' EXIT
cp -r "$repo_root/tests/Slotgate.Fuzz/bin/Release/net10.0/." "$run_dir/"

if [ "$1" != "afl" ]; then
  nice -n 19 dotnet "$run_dir/Slotgate.Fuzz.dll" "$@"
  exit
fi

target="${2:?usage: scripts/fuzz.sh afl <parser|scanner> [SECONDS]}"
seconds="${3:-600}"
if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "fuzz.sh: afl-fuzz is missing; install Debian's afl++ (apt-get install afl++)." >&2
    exit 2
  fi
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends afl++ >&2
fi
tools="$repo_root/artifacts/tools"
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >&2
fi
# Only Slotgate itself is instrumented: coverage of the harness and the framework would only be noise.
"$tools/sharpfuzz" "$run_dir/slotgate.dll" >&2

findings="$repo_root/artifacts/fuzz/afl-$target"
mkdir -p "$findings"
if [ -d "$findings/default/queue" ]; then
  seeds=-   # resume the previous campaign's queue
else
  seeds="$findings/seeds"
  dotnet "$run_dir/Slotgate.Fuzz.dll" corpus "$target" "$seeds"
fi
# The target is "dotnet", not an instrumented native binary, and shares its cores with other work.
status=0
AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
  timeout --signal=INT "$seconds" nice -n 19 \
  afl-fuzz -i "$seeds" -o "$findings" -t 5000 -m none -- dotnet "$run_dir/Slotgate.Fuzz.dll" afl "$target" >"$findings/afl.log" 2>&1 || status=$?
stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
  echo "fuzz.sh: afl-fuzz did not start (exit $status); see $findings/afl.log" >&2
  exit 1
fi
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs) ' "$stats"
crashes="$(sed -n 's/^saved_crashes *: *//p' "$stats")"
hangs="$(sed -n 's/^saved_hangs *: *//p' "$stats")"
[ "${crashes:-0}" -eq 0 ] && [ "${hangs:-0}" -eq 0 ]
