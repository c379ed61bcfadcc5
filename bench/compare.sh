#!/usr/bin/env bash
# Before/after: two or more Slotgate builds side by side in one run, against one local 3-primary cluster, alternating
# with a direct cluster-aware run each round. Prints a Markdown table of median ops/s, ratio to direct and the proxy's
# CPU time per request (from /proc: all of it, and the user-mode part, which is Slotgate's own code and steadier than
# the kernel's share on a busy machine), per build and scenario.
#
#   bench/compare.sh [--rounds N] [--tests get,set] [--pipelines 1,16] [--syscalls] [--php N] [--twemproxy] NAME=BINARY [NAME=BINARY ...]
#
# --tests also takes "churn": GET with a new connection per request (redis-benchmark -k 0), pipeline 1 only.
# --syscalls adds each build's system calls and context switches per request, counted by the kernel's tracepoints
# (perf stat -e raw_syscalls:sys_enter,context-switches; needs linux-perf and root or perf_event_paranoid <= 1).
# --php N adds the PHP-FPM churn scenario: N sequential requests per round, each connecting, doing SET and GET, and
# closing (bench/php/churn.php, phpredis): RedisCluster straight to the cluster against Redis through each build.
# --twemproxy adds a column for twemproxy (nutcracker, C, one thread, epoll; apt-get install -y nutcracker), the C
# proxy Debian packages, as a baseline for what a C proxy costs per request and per connection on this machine. It is
# not cluster-aware, so it shards over three standalone redis-servers of its own (ketama) rather than the cluster: the
# same work per command (hash the key, forward, relay the reply), without MOVED/ASK.
#
# A BINARY is a published slotgate (Native AOT or apphost), or a wrapper script that execs one with environment
# variables set (to compare settings of one build). Needs redis-server, redis-cli and redis-benchmark.
set -euo pipefail

rounds=3 tests=get,set pipelines=1,16 builds=() syscalls=0 php_requests=0 twemproxy=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --syscalls) syscalls=1; shift ;;
    --php) php_requests="$2"; shift 2 ;;
    --twemproxy) twemproxy=1; shift ;;
    --tests) tests="$2"; shift 2 ;;
    --pipelines) pipelines="$2"; shift 2 ;;
    *=*) builds+=("$1"); shift ;;
    *) echo "compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "${#builds[@]}" -ge 1 ] || [ "$twemproxy" -eq 1 ] || { echo "usage: compare.sh [--rounds N] NAME=BINARY ..." >&2; exit 2; }
if [ "$twemproxy" -eq 1 ] && ! command -v nutcracker >/dev/null; then
  echo "compare.sh: --twemproxy needs nutcracker (apt-get install -y nutcracker)" >&2; exit 1
fi
for tool in redis-server redis-cli redis-benchmark bc; do
  command -v "$tool" >/dev/null || { echo "compare.sh: $tool is required (apt-get install -y redis-server redis-tools bc)" >&2; exit 1; }
done

if [ "$syscalls" -eq 1 ] && ! perf stat -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
  echo "compare.sh: --syscalls needs perf with tracepoint access (apt-get install -y linux-perf; run as root)" >&2; exit 1
fi
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ "$php_requests" -gt 0 ] && ! php -r 'exit(extension_loaded("redis") ? 0 : 1);' 2>/dev/null; then
  echo "compare.sh: --php needs php with phpredis (apt-get install -y php-cli php-redis)" >&2; exit 1
fi

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
if [ "$twemproxy" -eq 1 ]; then
  servers=""
  for i in 1 2 3; do
    port="$(free_port)"; mkdir -p "$work/s$port"
    (cd "$work/s$port" && exec redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --logfile r.log) & pids+=($!)
    wait_ping "$port" || { echo "compare.sh: redis-server did not start on port $port" >&2; exit 1; }
    servers+="    - 127.0.0.1:$port:1"$'\n'
  done
  port="$(free_port)" stats_port="$(free_port)"
  cat >"$work/nutcracker.yml" <<YML
bench:
  listen: 127.0.0.1:$port
  hash: fnv1a_64
  distribution: ketama
  redis: true
  auto_eject_hosts: false
  servers:
$servers
YML
  nutcracker -c "$work/nutcracker.yml" -s "$stats_port" -o "$work/twemproxy.log" & procs+=($!); pids+=($!)
  names+=(twemproxy); ports+=("$port")
fi
for i in "${!ports[@]}"; do
  wait_ping "${ports[$i]}" || { echo "compare.sh: ${names[$i]} did not answer on port ${ports[$i]}:" >&2; tail -5 "$work/${names[$i]}.log" >&2; exit 1; }
done

cpu_ticks() { awk '{print $14+$15, $14}' "/proc/$1/stat"; }
# perf_start PID: counts the process's system calls and context switches until perf_stop; perf_counts N gives them per request.
perf_start() {
  [ "$syscalls" -eq 1 ] || return 0
  perf stat -x, -e raw_syscalls:sys_enter,context-switches -p "$1" -o "$work/perf.out" & perf_pid=$!
  sleep 0.2
}
perf_stop() {
  [ "$syscalls" -eq 1 ] || return 0
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
}
perf_counts() {
  [ "$syscalls" -eq 1 ] || return 0
  awk -F, -v n="$1" '$3=="raw_syscalls:sys_enter"{s=$1} $3=="context-switches"{c=$1} END{printf "%.2f %.2f\n", s/n, c/n}' "$work/perf.out"
}
# measure NAME INDEX N COMMAND...: runs COMMAND against build INDEX and appends its CPU (and perf) figures per request.
measure() {
  local name="$1" i="$2" n="$3"; shift 3
  read -r before before_user <<<"$(cpu_ticks "${procs[$i]}")"
  perf_start "${procs[$i]}"
  "$@" >>"$work/$name.rps"
  perf_stop
  local counts; counts="$(perf_counts "$n")"
  read -r after after_user <<<"$(cpu_ticks "${procs[$i]}")"
  echo "scale=2; ($after - $before) * 1000000 / $(getconf CLK_TCK) / $n" | bc >>"$work/$name.cpu"
  echo "scale=2; ($after_user - $before_user) * 1000000 / $(getconf CLK_TCK) / $n" | bc >>"$work/$name.user"
  if [ -n "$counts" ]; then
    echo "${counts% *}" >>"$work/$name.sys"; echo "${counts#* }" >>"$work/$name.ctx"
  fi
}
reset_figures() {
  : >"$work/direct"
  for name in "${names[@]}"; do : >"$work/$name.rps"; : >"$work/$name.cpu"; : >"$work/$name.user"; : >"$work/$name.sys"; : >"$work/$name.ctx"; done
}
# print_row LABEL DIRECT: one table row, each build's median figures beside the direct median.
print_row() {
  local direct; direct="$(median <"$work/direct")"
  printf '| %s | %.0f |' "$1" "$direct"
  for name in "${names[@]}"; do
    r="$(median <"$work/$name.rps")" c="$(median <"$work/$name.cpu")" u="$(median <"$work/$name.user")"
    printf ' %.0f | %.2f | %.2f | %.2f |' "$r" "$(echo "$r / $direct" | bc -l)" "$c" "$u"
    if [ "$syscalls" -eq 1 ]; then printf ' %s | %s |' "$(median <"$work/$name.sys")" "$(median <"$work/$name.ctx")"; fi
  done
  echo
}
rps() { tr '\r' '\n' | grep -a 'requests per second' | tail -1 | sed -E 's/.*: ([0-9.]+) requests per second.*/\1/'; }
bench_rps() { "$@" 2>/dev/null | rps; }
php_rps() { "$@" | awk '{printf "%.2f\n", 1000000 / $1}'; }
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f\n", (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

printf '| Scenario | Direct ops/s |'
for name in "${names[@]}"; do
  printf ' %s ops/s | %s/direct | %s µs CPU/req | %s µs user/req |' "$name" "$name" "$name" "$name"
  if [ "$syscalls" -eq 1 ]; then printf ' %s syscalls/req | %s ctx switches/req |' "$name" "$name"; fi
done; echo
printf '| --- | ---: |'
for _ in "${names[@]}"; do printf ' ---: | ---: | ---: | ---: |'; if [ "$syscalls" -eq 1 ]; then printf ' ---: | ---: |'; fi; done; echo
for test in ${tests//,/ }; do
  for pipe in ${pipelines//,/ }; do
    if [ "$test" = churn ]; then
      [ "$pipe" -eq 1 ] || continue
      n=30000 args=(-c 50 -n 30000 -k 0 -r 100000 -t get -q)
    else
      n=$(( pipe > 1 ? 1000000 : 200000 ))
      args=(-c 50 -n "$n" -P "$pipe" -r 100000 -t "$test" -q)
    fi
    reset_figures
    for _ in $(seq "$rounds"); do
      timeout 120 redis-benchmark --cluster -h 127.0.0.1 -p "${nodes[0]#*:}" "${args[@]}" 2>/dev/null | rps >>"$work/direct"
      for i in "${!names[@]}"; do
        measure "${names[$i]}" "$i" "$n" bench_rps timeout 120 redis-benchmark -h 127.0.0.1 -p "${ports[$i]}" "${args[@]}"
      done
    done
    if [ "$test" = churn ]; then print_row "GET, new connection per request (-k 0)"; else print_row "${test^^}, pipeline $pipe"; fi
  done
done
if [ "$php_requests" -gt 0 ]; then
  # Latency per request rather than ops/s: the "ops/s" columns show requests per second of one sequential PHP process.
  reset_figures
  for _ in $(seq "$rounds"); do
    php "$script_dir/php/churn.php" cluster "${nodes[0]}" "$php_requests" | awk '{printf "%.2f\n", 1000000 / $1}' >>"$work/direct"
    for i in "${!names[@]}"; do
      measure "${names[$i]}" "$i" "$php_requests" php_rps php "$script_dir/php/churn.php" single "127.0.0.1:${ports[$i]}" "$php_requests"
    done
  done
  print_row "PHP-FPM churn (connect, SET, GET, close; requests/s of one process)"
fi
