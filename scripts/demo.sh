#!/usr/bin/env bash
# Starts a local Redis Cluster (3 primaries + 3 replicas on 127.0.0.1:30001-30006) and Slotgate in front of it on
# port 7000. Installs redis-server when it is missing. Extra arguments are passed to Slotgate (e.g. --log-level Debug).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo.sh: the .NET 10 SDK is required but 'dotnet' is not on PATH." >&2
  exit 1
fi

if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
  fi
  echo "demo.sh: installing redis-server and redis-tools with apt-get..." >&2
  "${sudo_cmd[@]}" apt-get update -qq >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server redis-tools >&2
fi

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build src/Slotgate.Demo -c Release -v quiet -nologo >&2
exec dotnet src/Slotgate.Demo/bin/Release/net10.0/slotgate-demo.dll "$@"
