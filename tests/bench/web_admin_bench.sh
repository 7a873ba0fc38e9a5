#!/bin/bash
# web_admin_bench.sh — what the web admin costs the relay: the server's idle memory with admin.listen empty
# and set, the users and queue lists' latency over 10,000 users and 10,000 queued messages (alone, then
# during SMTP load), and the SMTP throughput with and without that admin traffic. Prints figures beside the
# targets; never fails on speed.
#
# Usage: tests/bench/web_admin_bench.sh BUILD_DIR [--users-path P] [--queue-path P] [--users N]
#          [--messages N] [--rounds N] [--web-requests N] [--web-connections N] [--web-rate R]
# The paths default to the real endpoints; on a tree that lacks one, point it at another GET (e.g.
# --users-path /api/v1/me) to exercise the rest of the bench. During SMTP load the admin traffic is paced
# at --web-rate requests/s (default 100, far above a browser polling its lists; 0: as fast as it goes).
#
# The 10,000 users are inserted straight into the users table with sqlite3, each with one sender address
# and the same dummy PHC hash (which no password matches): `postern user add` would compute 10,000 Argon2id
# hashes, minutes of CPU that measure nothing the lists depend on. The queued messages go through SMTP
# (smtp_load), with no smarthost configured so that they stay queued.
set -euo pipefail

build=${1:?usage: web_admin_bench.sh BUILD_DIR [--users-path P] [--queue-path P] [--users N] [--messages N] [--rounds N] [--web-requests N] [--web-connections N] [--web-rate R]}
shift
users_path='/api/v1/users?limit=50'
queue_path='/api/v1/queue?limit=50'
fill_users=10000
fill_messages=10000
rounds=5
web_requests=2000
web_connections=4
web_rate=100
while [ $# -gt 0 ]; do
  case $1 in
    --users-path) users_path=$2 ;;
    --queue-path) queue_path=$2 ;;
    --users) fill_users=$2 ;;
    --messages) fill_messages=$2 ;;
    --rounds) rounds=$2 ;;
    --web-requests) web_requests=$2 ;;
    --web-connections) web_connections=$2 ;;
    --web-rate) web_rate=$2 ;;
    *) echo "web_admin_bench: unknown option $1" >&2; exit 1 ;;
  esac
  shift 2
done

postern="$build/app/postern"
smtp_load="$build/tests/bench/smtp_load"
web_load="$build/tests/bench/web_load"
for tool in "$postern" "$smtp_load" "$web_load" /usr/bin/sqlite3; do
  [ -x "$tool" ] || { echo "web_admin_bench: $tool not found (build postern smtp_load web_load; apt-get install sqlite3)" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/postern-web-bench.XXXXXX)
data="$work/data"
mkdir -m 0700 "$data"
chmod 0755 "$work"
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
smtp_port=$(free_port)
admin_port=$(free_port)
admin_password_file="$work/admin-password"
printf '%s\n' 'bench-admin-passphrase' >"$admin_password_file"

export POSTERN_DATA_DIR=$data POSTERN_HOSTNAME=bench.postern.test POSTERN_LOG_LEVEL=information \
       POSTERN_LISTEN_SUBMISSION=127.0.0.1:$smtp_port POSTERN_LISTEN_SUBMISSIONS= POSTERN_LISTEN_ALTERNATE= \
       POSTERN_LIMITS_MESSAGES_PER_HOUR=0 POSTERN_LIMITS_RECIPIENTS_PER_DAY=0 \
       POSTERN_SMTP_MAX_CONNECTIONS_PER_IP=300 POSTERN_SMTP_MAX_CONNECTIONS=300 POSTERN_RELAY_SMARTHOST=
"$postern" admin add benchadmin <"$admin_password_file" >/dev/null
echo bench-password | "$postern" user add bench@example.org >/dev/null

# start ADMIN_LISTEN: one server in the background; server_pid is its process.
start() {
  POSTERN_ADMIN_LISTEN=$1 "$postern" >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    [ "$(grep -c "ready as" "$work/server.log" || true)" -ge "$started" ] && return 0
    sleep 0.1
  done
  echo "web_admin_bench: the server did not start; its log:" >&2
  tail -20 "$work/server.log" >&2
  exit 1
}
stop() {
  kill "$server_pid"
  wait "$server_pid" || true
  server_pid=
}
# memory: VmRSS from status, Pss (the shared libraries' pages divided among their users) from smaps_rollup.
memory() {
  local rss pss
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")
  pss=$(awk '/^Pss:/ {print $2}' "/proc/$server_pid/smaps_rollup")
  echo "$rss $pss"
}
mib() { awk -v k="$1" 'BEGIN {printf "%.1f MiB", k / 1024}'; }

echo "== idle memory (a fresh start, 2 s after ready, no client yet)"
started=1
start ""
sleep 2
read -r rss_off pss_off < <(memory)
stop
started=2
start "127.0.0.1:$admin_port"
sleep 2
read -r rss_on pss_on < <(memory)
stop
printf 'admin.listen empty:  VmRSS %s, Pss %s\n' "$(mib "$rss_off")" "$(mib "$pss_off")"
printf 'admin.listen set:    VmRSS %s, Pss %s\n' "$(mib "$rss_on")" "$(mib "$pss_on")"
printf 'added by the admin:  VmRSS %s, Pss %s   (target: <= 3 MiB)\n' \
  "$(mib $((rss_on - rss_off)))" "$(mib $((pss_on - pss_off)))"

echo "== filling: $fill_users users (sqlite3, dummy hash), $fill_messages queued messages (smtp_load)"
dummy_hash='$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hiZW5jaGJlbmNoYg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
/usr/bin/sqlite3 "$data/postern.db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $fill_users)
INSERT INTO users (login, password_hash, enabled, created_at, updated_at)
  SELECT printf('user%05d@example.org', i), '$dummy_hash', 1, strftime('%s', 'now'), strftime('%s', 'now') FROM n;
INSERT INTO sender_addresses (user_id, pattern, created_at)
  SELECT id, login, created_at FROM users WHERE login GLOB 'user[0-9]*@example.org';
COMMIT;
SQL
echo "users in the table: $(/usr/bin/sqlite3 "$data/postern.db" 'SELECT count(*) FROM users')"
started=3
start "127.0.0.1:$admin_port"
# One login first: the credential cache then answers the fill's 20 concurrent logins, which would otherwise
# exceed auth.max_concurrent_verifications (454).
"$smtp_load" --port "$smtp_port" --connections 1 --messages 1 --size 4096 >/dev/null
fill_connections=20
"$smtp_load" --port "$smtp_port" --connections "$fill_connections" \
  --messages $(((fill_messages + fill_connections - 1) / fill_connections)) --size 4096 | grep -v -E "^(scenario|latency)"
echo "queue: $("$postern" queue list | tail -1)"
read -r rss pss < <(memory)
printf 'server memory now: VmRSS %s, Pss %s\n' "$(mib "$rss")" "$(mib "$pss")"

web() { # PATH [web_load options...]
  local path=$1
  shift
  "$web_load" --port "$admin_port" --login benchadmin --password-file "$admin_password_file" \
    --connections "$web_connections" --path "$path" "$@"
}
field() { sed -n "s/.*$1 \([0-9.]*\) ms.*/\1/p"; }
declare -A p50 p99

echo "== admin lists alone: $web_requests requests each over $web_connections connections"
for name in users queue; do
  path=$users_path
  [ $name = queue ] && path=$queue_path
  out=$(web "$path" --requests "$web_requests")
  echo "$out"
  p50[$name-alone]=$(field p50 <<<"$out")
  p99[$name-alone]=$(field p99 <<<"$out")
done

# S1: 20 STARTTLS connections x 10 messages x 4 KiB; logins cached by the fill above. One round prints
# its messages/s; ROUNDS rounds in a row make one phase.
smtp_rounds() {
  for _ in $(seq "$rounds"); do
    "$smtp_load" --port "$smtp_port" --connections 20 --messages 10 --size 4096 |
      sed -n 's/^messages accepted: .* = \([0-9.]*\) messages\/s.*/\1/p'
  done
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "== SMTP S1 ($rounds rounds of 20 connections x 10 messages x 4 KiB, STARTTLS) with and without admin traffic"
smtp_rounds >"$work/smtp-before"
for name in users queue; do
  path=$users_path
  [ $name = queue ] && path=$queue_path
  smtp_rounds >"$work/smtp-$name" &
  load_pid=$!
  out=$(web "$path" --while-pid "$load_pid" --rate "$web_rate")
  wait "$load_pid"
  echo "-- GET $path during SMTP load"
  echo "$out"
  p50[$name-load]=$(field p50 <<<"$out")
  p99[$name-load]=$(field p99 <<<"$out")
done
smtp_rounds >"$work/smtp-after"
cat "$work/smtp-before" "$work/smtp-after" >"$work/smtp-none"
for phase in none users queue; do
  printf 'SMTP messages/s, admin traffic %-5s: %s (median %s)\n' "$phase" \
    "$(paste -sd' ' "$work/smtp-$phase")" "$(median <"$work/smtp-$phase")"
done

echo "== summary (targets from the issue)"
base=$(median <"$work/smtp-none")
printf 'idle memory added by admin.listen: VmRSS %s, Pss %s (target <= 3 MiB)\n' \
  "$(mib $((rss_on - rss_off)))" "$(mib $((pss_on - pss_off)))"
printf 'users list p50/p99: alone %s / %s ms, during SMTP load %s / %s ms (target p99 <= 20 ms)\n' \
  "${p50[users-alone]}" "${p99[users-alone]}" "${p50[users-load]}" "${p99[users-load]}"
printf 'queue list p50/p99: alone %s / %s ms, during SMTP load %s / %s ms (target p99 <= 50 ms)\n' \
  "${p50[queue-alone]}" "${p99[queue-alone]}" "${p50[queue-load]}" "${p99[queue-load]}"
for name in users queue; do
  with=$(median <"$work/smtp-$name")
  awk -v b="$base" -v w="$with" -v n="$name" 'BEGIN {
    printf "SMTP messages/s with %s-list traffic: %.0f vs %.0f without = %+.1f %% (target: no lower than -5 %%)\n",
      n, w, b, (w - b) * 100 / b }'
done
stop
