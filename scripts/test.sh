#!/usr/bin/env bash
# Runs the whole test suite the way CI does. Installs what is missing: Redis (the tests start real clusters), the
# Debian packages of the Python and PHP client libraries and the pinned Node.js one (tests/clients/), the pinned
# Kubernetes schema package (tests/Slotgate.Controller.Tests/Schemas/), Chromium (the dashboard test), and Garnet
# (the NuGet tool garnet-server, the second backend the tests run against). Then runs
# dotnet test with a TRX logger, and prints "N passed, N failed" as the very last line.
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

# The client-library tests (tests/clients/) run redis-py and phpredis from Debian packages. Any python3 on PATH will do:
# a version manager's shim may come first and not see Debian's dist-packages, so every one is tried.
have_python_redis() {
  local python
  for python in $(type -ap python3); do
    "$python" -c 'import redis' >/dev/null 2>&1 && return 0
  done
  return 1
}

have_php_redis() {
  command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("redis") ? 0 : 1);' >/dev/null 2>&1
}

# Install only what is missing, with one apt-get update. Redis itself is required (every cluster test needs it); the
# client libraries are not: without them only their tests fail, each saying what to install.
redis_missing=0
apt_packages=()
if ! have_redis_server || ! command -v redis-cli >/dev/null 2>&1; then
  redis_missing=1
  apt_packages+=(redis-server redis-tools)
fi
if ! have_python_redis; then
  apt_packages+=(python3-redis)
fi
if ! have_php_redis; then
  apt_packages+=(php-cli php-redis)
fi
# The admin dashboard test loads the page in headless Chromium.
if ! command -v chromium >/dev/null 2>&1; then
  apt_packages+=(chromium)
fi

if [ "${#apt_packages[@]}" -gt 0 ]; then
  sudo_cmd=()
  can_install=1
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo_cmd=(sudo -n)
    else
      can_install=0
      cannot_install="we are not root and sudo is missing"
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    can_install=0
    cannot_install="apt-get is not available"
  fi
  if [ "$can_install" -eq 1 ]; then
    echo "test.sh: installing ${apt_packages[*]} with apt-get..." >&2
    "${sudo_cmd[@]}" apt-get update -qq >&2
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >&2
  elif [ "$redis_missing" -eq 1 ]; then
    echo "test.sh: redis-server is missing and $cannot_install; install Redis 7+ (Debian: redis-server, redis-tools) by hand." >&2
    totals 0 0
    exit 1
  else
    echo "test.sh: $cannot_install, so ${apt_packages[*]} stay missing; their client tests will fail." >&2
  fi
fi

# npm_ci DIR WHAT: the packages pinned in DIR/package-lock.json, installed with npm ci only when DIR/node_modules is
# missing or older than the lock file; WHAT names the tests that fail without them.
npm_ci() {
  local dir="$1" what="$2"
  if ! command -v npm >/dev/null 2>&1; then
    echo "test.sh: npm is not on PATH; $what will fail. Install Node.js 20+ with npm." >&2
    return 0
  fi
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "test.sh: installing the packages for $what with npm ci..." >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 || echo "test.sh: npm ci failed; $what will fail." >&2
  fi
}
# ioredis, for the Node.js client test.
npm_ci "$repo_root/tests/clients/node" "the ioredis client test"
# The Kubernetes core schemas (kubernetes-models) the controller and manifest tests validate against.
npm_ci "$repo_root/tests/Slotgate.Controller.Tests/Schemas" "the schema validation tests"

export DOTNET_NOLOGO=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Garnet, the second backend (tests/Slotgate.Tests/Garnet/): the pinned NuGet tool garnet-server, installed into
# artifacts/tools (gitignored) only when that version is not there yet. Without it only the Garnet tests fail, each
# saying what to install.
garnet_version="2.2.12"
garnet_dir="$repo_root/artifacts/tools"
if ! dotnet tool list --tool-path "$garnet_dir" 2>/dev/null | grep -Eiq "^garnet-server[[:space:]]+$garnet_version[[:space:]]"; then
  echo "test.sh: installing garnet-server $garnet_version into artifacts/tools..." >&2
  if [ -d "$garnet_dir/.store/garnet-server" ]; then
    dotnet tool update garnet-server --version "$garnet_version" --tool-path "$garnet_dir" >&2 ||
      echo "test.sh: updating garnet-server failed; the Garnet tests will fail." >&2
  else
    dotnet tool install garnet-server --version "$garnet_version" --tool-path "$garnet_dir" >&2 ||
      echo "test.sh: installing garnet-server failed; the Garnet tests will fail." >&2
  fi
fi

rm -rf "$results_dir"
mkdir -p "$results_dir"

# A hung test (a cluster that never converges, a blocked socket) must not eat the CI budget: the blame collector kills
# the test host after 5 minutes without progress. No dump: it would be large and nobody reads it in CI.
# The whole solution is built first (benchmarks and tools too, so they cannot rot unseen), then each test project runs
# with a TRX file of its own name: one shared name would let the last project's results overwrite the others'.
test_status=0
dotnet build Slotgate.slnx -c Release </dev/null || test_status=$?
if [ "$test_status" -eq 0 ]; then
  for project in tests/*/*.Tests.csproj; do
    name="$(basename "$project" .csproj)"
    dotnet test "$project" -c Release --no-build \
      --logger "trx;LogFileName=$name.trx" \
      --results-directory "$results_dir" \
      --blame-hang-timeout 5m --blame-hang-dump-type none \
      </dev/null || test_status=$?
  done
fi

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
