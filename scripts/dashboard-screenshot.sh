#!/usr/bin/env bash
# Takes the README's picture of the dashboard: starts the application in virtual time (run.sh), creates one user whose
# 09:00 is a minute ahead with a known trace id, moves the clock to just before it, waits until the message is Sent,
# and screenshots that trace in the dashboard (docs/dashboard-trace.png). Stops the application at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-docs/dashboard-trace.png}
GATEWAY=http://127.0.0.1:5100
ADMIN_KEY=screenshot-$(date +%s%N)
# 08:00 UTC on 1 June 2027 is 09:00 in London (summer time).
./scripts/run.sh --Parameters:clock-start=2027-06-01T07:50:00Z --Parameters:admin-api-key="$ADMIN_KEY" \
  --Gateway:ExposeAdmin=true >/tmp/birthday-dashboard-screenshot.log 2>&1 &
run=$!
trap 'kill -TERM "$run" 2>/dev/null || true; wait "$run" || true' EXIT

for _ in $(seq 1 240); do
  grep -q "every service healthy" /tmp/birthday-dashboard-screenshot.log && break
  sleep 1
done
grep -q "every service healthy" /tmp/birthday-dashboard-screenshot.log || { echo "the application did not start" >&2; exit 1; }

trace_id=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
span_id=$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')
user=$(curl -fsS -X POST "$GATEWAY/api/v1/users" -H 'Content-Type: application/json' -H "traceparent: 00-$trace_id-$span_id-01" \
  -d "{\"firstName\":\"Ada\",\"lastName\":\"Lovelace\",\"email\":\"ada-$trace_id@example.com\",\"timezone\":\"Europe/London\",\"birthdayDate\":\"1990-06-01\"}")
id=$(echo "$user" | sed 's/.*"id":"\([^"]*\)".*/\1/')
curl -fsS -X PUT "$GATEWAY/admin/v1/clock" -H "X-Admin-Key: $ADMIN_KEY" -H 'Content-Type: application/json' \
  -d '{"now":"2027-06-01T07:59:58Z"}' >/dev/null

for _ in $(seq 1 60); do
  curl -fsS "$GATEWAY/api/v1/users/$id/messages" | grep -q '"status":"Sent"' && break
  sleep 1
done
curl -fsS "$GATEWAY/api/v1/users/$id/messages" | grep -q '"status":"Sent"' || { echo "the message was not sent" >&2; exit 1; }

sleep 5 # the services export their spans in batches
node scripts/dashboard/trace-screenshot.mjs "$trace_id" "$OUT"
echo "trace $trace_id"
