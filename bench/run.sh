#!/usr/bin/env bash
# End-to-end benchmark: a local Redis Cluster, Slotgate (published Release build, separate process) in front of it, and
# redis-benchmark against both, alternating. Installs redis-server, redis-tools and gnuplot when missing.
# Results: artifacts/bench/results.{md,json,csv,png}. Options are passed to the harness (bench/README.md), plus:
#   --slotgate PATH   benchmark this slotgate build instead of publishing one (e.g. a Native AOT binary)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "run.sh: the .NET 10 SDK is required but 'dotnet' is not on PATH." >&2
  exit 1
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
command -v gnuplot >/dev/null 2>&1 || missing+=(gnuplot-nox)
# The PHP-FPM churn probe runs phpredis; perf counts Slotgate's system calls and context switches per request.
{ command -v php >/dev/null 2>&1 && php -r 'exit(extension_loaded("redis") ? 0 : 1);' >/dev/null 2>&1; } || missing+=(php-cli php-redis)
command -v perf >/dev/null 2>&1 || missing+=(linux-perf)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi
  echo "run.sh: installing ${missing[*]} with apt-get..." >&2
  "${sudo_cmd[@]}" apt-get update -qq >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# 10,000 idle clients need 10,000 sockets in the harness and as many in slotgate, which inherits this limit.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 20000 ]; then
  echo "run.sh: warning: open-file limit is $(ulimit -n); the 10,000 idle clients probe will fail (pass --idle-clients N)." >&2
fi

out_dir="artifacts/bench"
slotgate=""
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --slotgate) slotgate="${2:?--slotgate needs a path}"; shift 2 ;;
    --slotgate=*) slotgate="${1#--slotgate=}"; shift ;;
    --out) out_dir="${2:?--out needs a directory}"; shift 2 ;;
    --out=*) out_dir="${1#--out=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if [ -z "$slotgate" ]; then
  publish_dir="$out_dir/slotgate"
  echo "run.sh: publishing Slotgate (Release) to $publish_dir..." >&2
  dotnet publish src/Slotgate -c Release -o "$publish_dir" -v quiet -nologo >&2
  slotgate="$publish_dir/slotgate"
fi

dotnet build bench/Slotgate.LoadBench -c Release -v quiet -nologo >&2

# The exact command goes into results.md, so a table can always be traced back to how it was made.
SLOTGATE_LOADBENCH_COMMAND="bench/run.sh${*:+ $*}" \
  exec dotnet bench/Slotgate.LoadBench/bin/Release/net10.0/Slotgate.LoadBench.dll \
  --slotgate "$slotgate" --out "$out_dir" "${args[@]}"
