#!/usr/bin/env bash
# Runs the whole test suite the way CI does. Installs Redis (the tests start real clusters) when it is missing,
# runs dotnet test with a TRX logger, and prints "N passed, N failed" as the very last line.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
results_dir="$repo_root/artifacts/test-results"
cd "$repo_root"

totals() {
  echo "$1 passed, $2 failed"
}

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required but 'dotnet' is not on PATH." >&2
  echo "Install it from https://dotnet.microsoft.com/download (e.g. the dotnet-install.sh script with --channel 10.0)." >&2
  totals 0 0
  exit 1
fi

have_redis_server() {
  command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || [ -x /usr/sbin/redis-server ]
}

if ! have_redis_server || ! command -v redis-cli >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo -n)
    else
      echo "test.sh: redis-server is missing and we are not root; install the Debian packages redis-server and redis-tools." >&2
      totals 0 0
      exit 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: redis-server is missing and apt-get is not available; install Redis 7+ (redis-server, redis-cli) by hand." >&2
    totals 0 0
    exit 1
  fi
  echo "test.sh: installing redis-server and redis-tools with apt-get..." >&2
  "${sudo_cmd[@]}" apt-get update -qq >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >&2
fi

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

rm -rf "$results_dir"
mkdir -p "$results_dir"

# A hung test (a cluster that never converges, a blocked socket) must not eat the CI budget: the blame collector kills
# the test host after 5 minutes without progress. No dump: it would be large and nobody reads it in CI.
test_status=0
dotnet test Slotgate.slnx -c Release \
  --logger "trx;LogFileName=results.trx" \
  --results-directory "$results_dir" \
  --blame-hang-timeout 5m --blame-hang-dump-type none \
  </dev/null || test_status=$?

# Sum the <Counters .../> element of every TRX file. Errors, timeouts and aborts count as failures: each is a test
# that did not pass.
counter() { # counter NAME: the value of attribute NAME in $counters, 0 when absent
  local value
  value="$(printf '%s\n' "$counters" | sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p")"
  echo "${value:-0}"
}
passed=0
failed=0
found=0
counters=""
while IFS= read -r -d '' trx; do
  found=$((found + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  passed=$((passed + $(counter passed)))
  failed=$((failed + $(counter failed) + $(counter error) + $(counter timeout) + $(counter aborted)))
done < <(find "$results_dir" -name '*.trx' -print0)

if [ "$found" -eq 0 ]; then
  echo "test.sh: no TRX results were written to $results_dir (build failure or crashed test host?)." >&2
  totals 0 0
  exit $(( test_status != 0 ? test_status : 1 ))
fi

totals "$passed" "$failed"
if [ "$test_status" -ne 0 ]; then
  exit "$test_status"
fi
if [ "$failed" -ne 0 ]; then
  exit 1
fi
