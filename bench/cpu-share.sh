#!/usr/bin/env bash
# Runs one redis-benchmark and prints how busy each process was during it: redis-benchmark itself, every
# redis-server and every slotgate on the machine, as a share of one core (100% = one core busy for the whole run),
# and their sum against the cores available. It tells a CPU-bound setup (the sum near the core count) from one
# bound by the latency of its hops (cores left idle while every process waits for another).
#
#   bench/cpu-share.sh REDIS-BENCHMARK-ARGS...
#   e.g. with scripts/demo.sh running:
#     bench/cpu-share.sh --cluster -p 30001 -c 50 -n 200000 -r 100000 -t get    # direct, cluster-aware
#     bench/cpu-share.sh -p 7000 -c 50 -n 200000 -r 100000 -t get               # through Slotgate
set -euo pipefail
command -v redis-benchmark >/dev/null || { echo "cpu-share.sh: redis-benchmark is required (apt-get install -y redis-tools)" >&2; exit 1; }
[ "$#" -gt 0 ] || { echo "usage: cpu-share.sh REDIS-BENCHMARK-ARGS..." >&2; exit 2; }

tick="$(getconf CLK_TCK)"
snapshot() {
  for pid in $(pgrep -x redis-server) $(pgrep -x slotgate); do
    [ -r "/proc/$pid/stat" ] && echo "$pid $(awk '{print $14+$15}' "/proc/$pid/stat") $(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -c1-60)"
  done
}
before="$(snapshot)"
start="$(date +%s.%N)"
times="$(mktemp)"; out="$(mktemp)"; trap 'rm -f "$times" "$out"' EXIT
TIMEFORMAT='%U %S'
{ time redis-benchmark -q "$@" >"$out" 2>/dev/null; } 2>"$times"
tr '\r' '\n' <"$out" | grep -a 'requests per second' | tail -1
elapsed="$(echo "$(date +%s.%N) - $start" | bc -l)"
after="$(snapshot)"

total=0
share() { echo "scale=1; $1 * 100 / $elapsed" | bc -l; }
bench="$(awk '{print $1 + $2}' "$times")"
printf '%-62s %6s%%\n' "redis-benchmark" "$(share "$bench")"
total="$(echo "$total + $bench" | bc -l)"
while read -r pid ticks cmd; do
  old="$(awk -v p="$pid" '$1 == p {print $2}' <<<"$before")"
  [ -n "$old" ] || continue
  used="$(echo "($ticks - $old) / $tick" | bc -l)"
  printf '%-62s %6s%%\n' "$cmd" "$(share "$used")"
  total="$(echo "$total + $used" | bc -l)"
done <<<"$after"
printf '%-62s %6s%% of %s00%%\n' "all of these" "$(share "$total")" "$(nproc)"
