#!/usr/bin/env bash
# Before/after: two or more Slotgate builds side by side in one run, against one local 3-primary cluster, alternating
# with a direct cluster-aware run each round. Prints a Markdown table of median ops/s, ratio to direct and the proxy's
# CPU time per request (from /proc: all of it, and the user-mode part, which is Slotgate's own code and steadier than
# the kernel's share on a busy machine), per build and scenario.
#
#   bench/compare.sh [--rounds N] [--tests get,set] [--pipelines 1,16] NAME=BINARY [NAME=BINARY ...]
#
# A BINARY is a published slotgate (Native AOT or apphost), or a wrapper script that execs one with environment
# variables set (to compare settings of one build). Needs redis-server, redis-cli and redis-benchmark.
set -euo pipefail

rounds=3 tests=get,set pipelines=1,16 builds=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    --pipelines) pipelines="$2"; shift 2 ;;
    *=*) builds+=("$1"); shift ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "${#builds[@]}" -ge 1 ] || { echo "usage: compare.sh [--rounds N] NAME=BINARY ..." >&2; exit 2; }
for tool in redis-server redis-cli redis-benchmark bc; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is required (apt-get install -y redis-server redis-tools bc)" >&2; exit 1; }
done

work="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# A free port below 55535 whose cluster bus port (+10000) is free too.
free_port() {
  python3 - <<'PY'
import random, socket
while True:
    port = random.randint(20000, 55000)
    try:
        for p in (port, port + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", p)); s.close()
        print(port); break
    except OSError:
        pass
PY
}

# Waits up to 10 s for a PONG on a port; false if nothing answers.
wait_ping() {
  for _ in $(seq 100); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

nodes=()
for i in 1 2 3; do
  for attempt in 1 2 3; do
    port="$(free_port)"; mkdir -p "$work/n$port"
    (cd "$work/n$port" && exec redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
      --save '' --appendonly no --daemonize no --logfile r.log) & pids+=($!)
    if wait_ping "$port"; then nodes+=("127.0.0.1:$port"); break; fi
    [ "$attempt" -lt 3 ] || { echo "compare.sh: redis-server did not start on port $port" >&2; exit 1; }
  done
done
echo yes | redis-cli --cluster create "${nodes[@]}" >/dev/null
for _ in $(seq 100); do
  redis-cli -p "${nodes[0]#*:}" cluster info | grep -q 'cluster_state:ok' && break
  sleep 0.2
done

names=() ports=() procs=()
for build in "${builds[@]}"; do
  name="${build%%=*}" bin="${build#*=}" port="$(free_port)"
  "$bin" --seed "${nodes[0]}" --listen "127.0.0.1:$port" --log-level Warning --admin:listen=off >"$work/$name.log" 2>&1 & procs+=($!); pids+=($!)
  names+=("$name"); ports+=("$port")
done
for i in "${!ports[@]}"; do
  wait_ping "${ports[$i]}" || { echo "compare.sh: ${names[$i]} did not answer on port ${ports[$i]}:" >&2; tail -5 "$work/${names[$i]}.log" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14+$15, $14}' "/proc/$1/stat"; }
rps() { tr '\r' '\n' | grep -a 'requests per second' | tail -1 | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'; }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f\n", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '| Scenario | Direct ops/s |'; for name in "${names[@]}"; do printf ' %s ops/s | %s/direct | %s µs CPU/req | %s µs user/req |' "$name" "$name" "$name" "$name"; done; echo
printf '| --- | ---: |'; for _ in "${names[@]}"; do printf ' ---: | ---: | ---: | ---: |'; done; echo
for test in ${tests//,/ }; do
  for pipe in ${pipelines//,/ }; do
    n=$(( pipe > 1 ? 1000000 : 200000 ))
    args=(-c 50 -n "$n" -P "$pipe" -r 100000 -t "$test" -q)
    : >"$work/direct"; for name in "${names[@]}"; do : >"$work/$name.rps"; : >"$work/$name.cpu"; : >"$work/$name.user"; done
    for _ in $(seq "$rounds"); do
      timeout 120 redis-benchmark --cluster -h 127.0.0.1 -p "${nodes[0]#*:}" "${args[@]}" 2>/dev/null | rps >>"$work/direct"
      for i in "${!names[@]}"; do
        read -r before before_user <<<"$(cpu_ticks "${procs[$i]}")"
        timeout 120 redis-benchmark -h 127.0.0.1 -p "${ports[$i]}" "${args[@]}" 2>/dev/null | rps >>"$work/${names[$i]}.rps"
        read -r after after_user <<<"$(cpu_ticks "${procs[$i]}")"
        echo "scale=2; ($after - $before) * 1000000 / $(getconf CLK_TCK) / $n" | bc >>"$work/${names[$i]}.cpu"
        echo "scale=2; ($after_user - $before_user) * 1000000 / $(getconf CLK_TCK) / $n" | bc >>"$work/${names[$i]}.user"
      done
    done
    direct="$(median <"$work/direct")"
    printf '| %s, pipeline %s | %.0f |' "${test^^}" "$pipe" "$direct"
    for name in "${names[@]}"; do
      r="$(median <"$work/$name.rps")" c="$(median <"$work/$name.cpu")" u="$(median <"$work/$name.user")"
      printf ' %.0f | %.2f | %.2f | %.2f |' "$r" "$(echo "$r / $direct" | bc -l)" "$c" "$u"
    done
    echo
  done
done
