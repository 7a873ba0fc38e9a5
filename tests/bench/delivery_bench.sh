#!/bin/bash
# delivery_bench.sh — end-to-end throughput: smtp_load (N parallel STARTTLS connections × M messages of S
# octets) → Postern → Postfix's smtp-sink on loopback, and the queue-in rate with the smarthost down.
# Prints figures; never fails on speed. Usage: tests/bench/delivery_bench.sh [BUILD_DIR] [N] [M] [S]
set -euo pipefail

build=${1:-build/test}
connections=${2:-20}
messages=${3:-10}
size=${4:-4096}
total=$((connections * messages))
postern="$build/app/postern"
load="$build/tests/bench/smtp_load"
for tool in "$postern" "$load" /usr/sbin/smtp-sink; do
  [ -x "$tool" ] || { echo "delivery_bench: $tool not found (build the tests; apt-get install postfix)" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/postern-delivery-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sink_port=$(free_port)
sink_user=()
[ "$(id -u)" = 0 ] && sink_user=(-u nobody)
/usr/sbin/smtp-sink "${sink_user[@]}" 127.0.0.1:"$sink_port" 256 >"$work/sink.log" 2>&1 &
pids+=($!)

# run SCENARIO SMARTHOST: one server, one load run, then (if delivering) wait until every message is sent.
run() {
  local scenario=$1 smarthost=$2 data="$work/data-$1" port
  port=$(free_port)
  mkdir -p "$data"
  export POSTERN_DATA_DIR=$data POSTERN_HOSTNAME=bench.postern.test POSTERN_LOG_LEVEL=information \
         POSTERN_LISTEN_SUBMISSION=127.0.0.1:$port POSTERN_LISTEN_SUBMISSIONS= POSTERN_LISTEN_ALTERNATE= POSTERN_ADMIN_LISTEN= \
         POSTERN_SMTP_MAX_CONNECTIONS_PER_IP=300 POSTERN_SMTP_MAX_CONNECTIONS=300 \
         POSTERN_LIMITS_MESSAGES_PER_HOUR=0 POSTERN_LIMITS_RECIPIENTS_PER_DAY=0 \
         POSTERN_RELAY_SMARTHOST=$smarthost POSTERN_RELAY_TLS=none POSTERN_QUEUE_RETRY_SCHEDULE=1h
  echo bench-password | "$postern" user add bench@example.org >/dev/null
  "$postern" >"$data/server.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do grep -q "ready as" "$data/server.log" && break; sleep 0.1; done
  # Warm-up: one message per connection, so the timed run measures mail, not the first Argon2id logins
  # (the credential cache keeps them for auth.cache_ttl).
  "$load" --port "$port" --connections "$connections" --messages 1 --size "$size" >/dev/null
  local warm=0 start end sent
  if [ "$scenario" = delivering ]; then
    warm=$connections
    for _ in $(seq 600); do [ "$(grep -c "status=sent" "$data/server.log" || true)" -ge "$warm" ] && break; sleep 0.05; done
  fi
  start=$(date +%s.%N)
  echo "== $scenario: $connections connections x $messages messages x $size octets (logins cached)"
  "$load" --port "$port" --connections "$connections" --messages "$messages" --size "$size" --server-pid "$pid"
  if [ "$scenario" = delivering ]; then
    for _ in $(seq 1200); do
      sent=$(( $(grep -c "status=sent" "$data/server.log" || true) - warm ))
      [ "$sent" -ge "$total" ] && break
      sleep 0.05
    done
    end=$(date +%s.%N)
    /usr/bin/python3 -c "import sys; t=float(sys.argv[2])-float(sys.argv[1]); print('end to end: %d of %d messages at the sink in %.2f s = %.0f messages/s' % (int(sys.argv[3]), int(sys.argv[4]), t, int(sys.argv[3]) / t))" \
      "$start" "$end" "$sent" "$total"
  else
    echo "queued (smarthost down): $("$postern" queue list | tail -1)"
  fi
  kill "$pid"
  wait "$pid" || true
}

run delivering 127.0.0.1:"$sink_port"
run smarthost-down 127.0.0.1:"$(free_port)"
