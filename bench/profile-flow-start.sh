#!/usr/bin/env bash
# Where a flow start's time goes, on SQLite: the release server (no mail server, so only the
# request path and the worker's bookkeeping count) under `wrk` (16 connections on 2 threads, or
# CONNECTIONS) on password-reset starts for unknown addresses, each from its own client
# address; after a 5 s warm-up, 10 s measured with the server's CPU, sleeps and preemptions
# per thread kind (/proc/PID/task/*/stat and status) and its system calls (perf's syscall
# tracepoints), divided by the requests answered.
#
#   bench/profile-flow-start.sh [CONNECTIONS]   (from the repository root; installs wrk and perf)
#
# With one connection every start is alone in its batch: the latency is one request's own path.
# SSPR_BENCH_LOG, when set, is the server's log filter (for example
# `warn,sspr_server::store::group_commit=debug` for every checkpoint and every batch over 2 ms),
# and the server's log is kept in target/profile-flow-start.log.
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-16}
wrk_threads=$((connections < 2 ? connections : 2))
need() { command -v "$1" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need wrk wrk
need perf linux-perf
cargo build --release -p sspr-server -q
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/web"
SSPR_LISTEN=127.0.0.1:$port SSPR_PUBLIC_ORIGIN=http://127.0.0.1:$port \
  SSPR_DATABASE_URL="sqlite://$work/sspr.db?mode=rwc" \
  SSPR_SECRET=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n') \
  SSPR_TRUST_FORWARDED_FOR=true SSPR_DEV=false SSPR_LOG="${SSPR_BENCH_LOG:-warn}" SSPR_WEB_DIR="$work/web" \
  SSPR_FLOW_STARTS_PER_MINUTE=1000000000 SSPR_REQUESTS_PER_MINUTE=1000000000 \
  target/release/sspr-server serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true; [ -z "${SSPR_BENCH_LOG:-}" ] || cp "$work/server.log" target/profile-flow-start.log; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.2; done
lua=bench/wrk/request-unknown.lua
wrk -t$wrk_threads -c$connections -d5s -s $lua "http://127.0.0.1:$port" >/dev/null
# Per thread: its kind, user and system ticks, and the times it went to sleep (voluntary
# context switches: each one a wake-up later, which on a virtual machine whose other vCPU is
# halted costs the hypervisor's wake of that vCPU) and was preempted.
threads() {
  for t in /proc/$pid/task/*; do
    echo "$(basename "$t") $(tr ' ' _ <"$t/comm") $(awk '{print $14, $15}' "$t/stat")" \
      "$(awk '/^voluntary_ctxt/ {v=$2} /^nonvoluntary_ctxt/ {n=$2} END {print v, n}' "$t/status")"
  done | sort
}
threads >"$work/before"
events=fsync,futex,pwrite64,pread64,getrandom
perf stat -x, -e "$(echo $events | sed 's/\([a-z0-9_]*\)/syscalls:sys_enter_\1/g'),context-switches" \
  -p $pid -o "$work/perf" -- sleep 10 &
perf_pid=$!
out=$(wrk -t$wrk_threads -c$connections -d10s -s $lua "http://127.0.0.1:$port" | grep BENCH_JSON)
wait $perf_pid
threads >"$work/after"
requests=$(echo "$out" | sed 's/.*"requests":\([0-9]*\).*/\1/')
echo "wrk: $out"
echo "server CPU a request, by thread kind (ms; user + system), and its sleeps and preemptions:"
join "$work/before" "$work/after" | awk -v n="$requests" -v hz="$(getconf CLK_TCK)" '
  { u[$2] += $8 - $3; s[$2] += $9 - $4; v[$2] += $10 - $5; p[$2] += $11 - $6 }
  END { for (k in u) if (u[k] + s[k] > 0) printf "  %-16s %.3f + %.3f  %5.1f sleeps %5.1f preempted\n", k, u[k]*1000/hz/n, s[k]*1000/hz/n, v[k]/n, p[k]/n }'
echo "system calls a request (perf counts over 10 s of the run):"
awk -F, -v n="$requests" '$3 ~ /sys_enter_|context-switches/ { sub(/syscalls:sys_enter_/, "", $3); printf "  %-16s %.1f\n", $3, $1/n }' "$work/perf"
