#!/usr/bin/env bash
# Sourced by compose-up.sh once the stack is up: checks it end to end, through the ports it publishes on 127.0.0.1
# (gateway, email simulator, dashboard) and `docker-compose exec` into the servers. Needs compose() and the addresses
# compose-up.sh sets (GATEWAY_ADDRESS, SIMULATOR_ADDRESS, DASHBOARD_ADDRESS, RUN_DIR, VIRTUAL_START).

CHECKS_PASSED=0
pass() { CHECKS_PASSED=$((CHECKS_PASSED + 1)); echo "  ok   $*"; }
fail() { echo "  FAIL $*" >&2; exit 1; }

env_value() { sed -n "s/^$1=//p" "$RUN_DIR/check.env"; }

# Containers of the project: "service status" per line (status: healthy, unhealthy, starting, running, exited, …).
container_states() {
  "$DOCKER" ps -a --filter "label=com.docker.compose.project=$PROJECT" \
    --format '{{.Label "com.docker.compose.service"}}#{{.Label "com.docker.compose.container-number"}} {{.Status}}' \
    | awk '{ service = $1; $1 = ""; state = $0;
             if (state ~ /\(healthy\)/) s = "healthy"; else if (state ~ /unhealthy/) s = "unhealthy";
             else if (state ~ /starting/) s = "starting"; else if (state ~ /^ *Up/) s = "running";
             else if (state ~ /Restarting/) s = "restarting"; else s = "exited";
             print service, s }' | sort
}

# wait_healthy SECONDS: every container with a health check healthy (the dashboard has none: running).
wait_healthy() {
  local limit="$1" begin now_s states pending last=""
  begin=$(date +%s)
  while :; do
    states=$(container_states)
    pending=$(echo "$states" | awk '!($2 == "healthy" || ($1 ~ /^dashboard#/ && $2 == "running"))')
    if [ -n "$states" ] && [ -z "$pending" ]; then
      return 0
    fi
    now_s=$(date +%s)
    if [ $((now_s - begin)) -ge "$limit" ]; then
      echo "error: not healthy after $limit s:" >&2
      echo "$pending" >&2
      return 1
    fi
    if [ $(( (now_s - begin) / 30 )) != "$last" ]; then
      last=$(( (now_s - begin) / 30 ))
      echo "  waiting ($((now_s - begin)) s): $(echo "$pending" | tr '\n' ' ')"
    fi
    sleep 2
  done
}

# Memory of every container, from one `docker stats --no-stream`, in MiB; the total goes into the figures.
memory_figures() {
  "$DOCKER" stats --no-stream --format '{{.Name}} {{.MemUsage}}' > "$RUN_DIR/docker-stats.txt"
  local total
  total=$(awk '{ v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[A-Za-z]+/, "", v);
                 m = (unit == "GiB") ? v * 1024 : (unit == "KiB" ? v / 1024 : (unit == "B" ? v / 1048576 : v));
                 t += m; printf "  %-42s %8.0f MiB\n", $1, m > "/dev/stderr" } END { printf "%.0f", t }' \
          "$RUN_DIR/docker-stats.txt" 2> "$RUN_DIR/memory.txt")
  cat "$RUN_DIR/memory.txt"
  echo "  total $total MiB in $(wc -l < "$RUN_DIR/docker-stats.txt") containers"
  FIGURES[memory_total_mib]=$total
  FIGURES[containers]=$(wc -l < "$RUN_DIR/docker-stats.txt")
}

psql_primary() {
  compose exec -T postgres bash -c 'PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U postgres -d birthday -v ON_ERROR_STOP=1 -tA "$@"' psql "$@"
}
psql_replica() {
  compose exec -T postgres-replica bash -c 'PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U postgres -d birthday -v ON_ERROR_STOP=1 -tA "$@"' psql "$@"
}

gateway() { curl -sS --max-time 15 "$@"; }

# create_user EMAIL BIRTHDAY TIMEZONE: prints the new user's id.
create_user() {
  local body status
  body=$(printf '{"firstName":"Ada","lastName":"Compose","email":"%s","timezone":"%s","birthdayDate":"%s"}' "$1" "$3" "$2")
  status=$(gateway -o "$RUN_DIR/create.json" -w '%{http_code}' -H 'Content-Type: application/json' -d "$body" "http://$GATEWAY_ADDRESS/api/v1/users")
  [ "$status" = 201 ] || fail "POST /api/v1/users through the gateway answered $status: $(cat "$RUN_DIR/create.json")"
  jq -r '.id' "$RUN_DIR/create.json"
}

# advance_clock ISO_INSTANT: moves the application's shared virtual clock (table virtual_clock) to that instant now.
advance_clock() {
  local target_s now_ns ticks
  target_s=$(date -u -d "$1" +%s)
  now_ns=$(date +%s%N)
  ticks=$(( (target_s * 1000000000 - now_ns) / 100 ))
  psql_primary -c "UPDATE virtual_clock SET offset_ticks = GREATEST(offset_ticks, $ticks) WHERE id = 1" >/dev/null
}

# sent_count EMAIL: deliveries the simulator recorded to that address.
sent_count() {
  curl -sS --max-time 10 "http://$SIMULATOR_ADDRESS/sent?email=$1" | jq 'length'
}

# wait_sent EMAIL COUNT SECONDS
wait_sent() {
  local i count=0
  for ((i = 0; i < $3; i++)); do
    count=$(sent_count "$1")
    [ "$count" -ge "$2" ] && return 0
    sleep 1
  done
  fail "$1: $count deliveries after $3 s, expected $2"
}

check_health() {
  local states
  states=$(container_states)
  echo "$states" | awk '!($2 == "healthy" || ($1 ~ /^dashboard#/ && $2 == "running")) { bad = 1 } END { exit bad }' \
    || fail "not every service is healthy: $(echo "$states" | tr '\n' ' ')"
  pass "every service healthy: $(echo "$states" | awk '{ print $1 }' | sed 's/#1$//' | tr '\n' ' ')"
  [ "$(gateway -o /dev/null -w '%{http_code}' "http://$GATEWAY_ADDRESS/health")" = 200 ] || fail "gateway /health is not 200"
  pass "gateway /health 200 on http://$GATEWAY_ADDRESS"
  [ "$(curl -sk --max-time 10 -o /dev/null -w '%{http_code}' "https://127.0.0.1:${GATEWAY_HTTPS_ADDRESS##*:}/health")" = 200 ] \
    || fail "gateway /health over HTTPS is not 200"
  pass "gateway /health 200 over HTTPS (the certificate from the Compose secret)"
}

check_cluster() {
  local running members type
  running=$(compose exec -T messaging-1 rabbitmqctl -q cluster_status --formatter json | jq '.running_nodes | length')
  [ "$running" = 3 ] || fail "RabbitMQ: $running running nodes in messaging-1's cluster, expected 3"
  pass "RabbitMQ: messaging-1..3 form one cluster (3 running nodes)"
  type=$(compose exec -T messaging-1 rabbitmqctl -q list_queues name type --formatter json \
    | jq -r '.[] | select(.name == "birthday.deliveries") | .type')
  [ "$type" = quorum ] || fail "RabbitMQ: birthday.deliveries is '${type:-missing}', expected a quorum queue"
  members=$(compose exec -T messaging-1 rabbitmq-queues -q quorum_status birthday.deliveries --formatter json | jq 'length')
  [ "$members" = 3 ] || fail "RabbitMQ: birthday.deliveries has $members members, expected 3"
  pass "RabbitMQ: birthday.deliveries is a quorum queue with 3 members"
}

check_replication() {
  local email="$1" state rows
  state=$(psql_primary -c "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
  [ "$state" = 1 ] || fail "Postgres: $state streaming replicas in pg_stat_replication, expected 1"
  [ "$(psql_replica -c 'SELECT pg_is_in_recovery()')" = t ] || fail "Postgres: the replica is not in recovery"
  for _ in $(seq 1 20); do
    rows=$(psql_replica -c "SELECT count(*) FROM users WHERE email = '$email'")
    [ "$rows" = 1 ] && break
    sleep 0.5
  done
  [ "$rows" = 1 ] || fail "Postgres: the user written through the api is not on the replica"
  pass "Postgres: the replica streams from the primary (pg_stat_replication) and has the user written through the api"
}

check_user_roundtrip() {
  local id="$1" email="$2" status
  status=$(gateway -o "$RUN_DIR/get.json" -w '%{http_code}' "http://$GATEWAY_ADDRESS/api/v1/users/$id")
  [ "$status" = 200 ] && [ "$(jq -r '.email' "$RUN_DIR/get.json")" = "$email" ] \
    || fail "GET /api/v1/users/$id through the gateway: $status $(cat "$RUN_DIR/get.json")"
  pass "a user created through the gateway is read back through it ($id)"
}

# The integration tests' bad-input corpus through the production gateway (Production environment, Kestrel's limits as
# deployed): every malformed request a 4xx problem, the user it names unchanged, odd-but-valid names stored byte for byte,
# and none of the users it would have created in the database.
check_bad_input() {
  local prefix="bad-input-$(date +%s)-" output stored
  locked bad_input dotnet build "$REPO/Birthday.Benchmarks" -c Release -nologo -clp:ErrorsOnly > "$RUN_DIR/bad-input-build.log" 2>&1 \
    || fail "building the bad-input check: $(tail -5 "$RUN_DIR/bad-input-build.log")"
  output=$(dotnet "$REPO/Birthday.Benchmarks/bin/Release/net10.0/Birthday.Benchmarks.dll" bad-input \
    --gateway "http://$GATEWAY_ADDRESS" --per-second 200 --email-prefix "$prefix" 2>&1) \
    || fail "bad input through the gateway: $output"
  stored=$(psql_primary -c "SELECT count(*) FROM users WHERE email LIKE '$prefix%'")
  [ "$stored" = 1 ] || fail "bad input: $stored users stored with the corpus's emails, expected only the one it reads back"
  pass "bad input through the gateway (Production): $(head -n 1 <<< "$output")"
}

# The trace of a delivery, from the traceparent the vendor received, as the dashboard holds it.
check_trace() {
  local email="$1" traceparent trace services key
  traceparent=$(curl -sS --max-time 10 "http://$SIMULATOR_ADDRESS/sent?email=$email" | jq -r '.[0].traceParent // empty')
  [ -n "$traceparent" ] || fail "the simulator received no traceparent with the delivery"
  trace=$(echo "$traceparent" | cut -d- -f2)
  key=$(env_value DASHBOARD_API_KEY)
  for _ in $(seq 1 30); do
    curl -sS --max-time 10 -H "x-api-key: $key" "http://$DASHBOARD_ADDRESS/api/telemetry/traces/$trace" > "$RUN_DIR/trace.json" || true
    services=$(jq -r '[.. | objects | select(has("key") and .key == "service.name") | .value.stringValue] | unique | join(" ")' \
      "$RUN_DIR/trace.json" 2>/dev/null || true)
    [[ " $services " == *" worker "* && " $services " == *" api-"* ]] && break
    sleep 1
  done
  [[ " $services " == *" worker "* && " $services " == *" api-"* ]] \
    || fail "trace $trace in the dashboard has services '${services}', expected an api instance and the worker"
  pass "the delivery's trace $trace is in the dashboard container, from the api to the worker ($services)"
}

# GETs through the gateway while one api instance restarts: each must answer 200.
gets_during() {
  local id="$1" failures=0 count=0 pid
  shift
  "$@" > "$RUN_DIR/restart.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    count=$((count + 1))
    [ "$(gateway -o /dev/null -w '%{http_code}' "http://$GATEWAY_ADDRESS/api/v1/users/$id")" = 200 ] || failures=$((failures + 1))
    sleep 0.1
  done
  wait "$pid" || fail "$* failed: $(cat "$RUN_DIR/restart.log")"
  echo "$count $failures"
}

run_checks() {
  local suffix a_email b_email a_id b_id counts sent first_year second_year
  suffix=$(date +%s)
  a_email="first-$suffix@compose.test"
  b_email="second-$suffix@compose.test"
  first_year=${VIRTUAL_START:0:4}
  second_year=$((first_year + 1))

  step "Checks"
  check_health

  # A user due at 09:00 UTC on the virtual day (the services' clocks are at 08:0x there).
  a_id=$(create_user "$a_email" "1990-06-01" "UTC")
  check_user_roundtrip "$a_id" "$a_email"
  check_bad_input
  check_replication "$a_email"
  check_cluster

  [ "$(sent_count "$a_email")" = 0 ] || fail "delivered before its 09:00"
  advance_clock "$first_year-06-01T09:00:02Z"
  wait_sent "$a_email" 1 60
  sleep 5
  [ "$(sent_count "$a_email")" = 1 ] || fail "$a_email: $(sent_count "$a_email") deliveries, expected exactly 1"
  [ "$(psql_primary -c "SELECT count(*) FROM messages m JOIN users u ON u.id = m.user_id WHERE u.email = '$a_email' AND m.status = 'Sent'")" = 1 ] \
    || fail "$a_email: the message is not recorded as Sent"
  pass "a user due now is delivered exactly once to the simulator (and recorded Sent)"
  check_trace "$a_email"

  # Created after that 09:00: its first message is next year's, like the first user's second one.
  b_id=$(create_user "$b_email" "1990-06-01" "UTC")
  counts=$(gets_during "$b_id" compose restart -t 10 api-2)
  pass "api-2 restarted while $(echo "$counts" | cut -d' ' -f1) GETs went through the gateway: $(echo "$counts" | cut -d' ' -f2) failed"
  [ "$(echo "$counts" | cut -d' ' -f2)" = 0 ] || fail "requests failed while api-2 restarted"
  compose restart -t 10 messaging-2 > "$RUN_DIR/restart.log" 2>&1 || fail "restart of messaging-2 failed"
  wait_healthy 240
  check_cluster
  pass "messaging-2 restarted and rejoined"

  advance_clock "$second_year-06-01T09:00:02Z"
  wait_sent "$a_email" 2 90
  wait_sent "$b_email" 1 90
  sleep 5
  [ "$(sent_count "$a_email")" = 2 ] && [ "$(sent_count "$b_email")" = 1 ] \
    || fail "after the restarts: $a_email $(sent_count "$a_email") deliveries (expected 2), $b_email $(sent_count "$b_email") (expected 1)"
  sent=$(curl -sS --max-time 10 "http://$SIMULATOR_ADDRESS/stats")
  echo "$sent" > "$RUN_DIR/simulator-stats.json"
  [ "$(echo "$sent" | jq '.duplicateDeliveries')" = 0 ] && [ "$(echo "$sent" | jq '.deliveries')" = 3 ] \
    || fail "the simulator counted other than 3 deliveries and no duplicate: $sent"
  pass "after restarting api-2 and messaging-2, next year's messages of both users are delivered once each (no duplicate deliveries)"

  local round rounds=${COMPOSE_CHECK_DOWN_UP_ROUNDS:-1}
  for ((round = 1; round <= rounds; round++)); do
    check_down_up "$round" "$rounds" "$a_id" "$a_email" "$b_id" "$b_email"
  done
  echo
  echo "All $CHECKS_PASSED checks passed."
}

# What every container of the project is and was: state, exit code, restarts, health and its last probes, one line
# each in DIR/containers.txt, and each container's whole log (every restart of it) in DIR/<container>.log.
collect_state() {
  local dir="$1" id name
  mkdir -p "$dir"
  : > "$dir/containers.txt"
  for id in $("$DOCKER" ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
    name=$("$DOCKER" inspect -f '{{.Name}}' "$id" | sed 's#^/##')
    "$DOCKER" inspect -f '{{.Name}} status={{.State.Status}} exit={{.State.ExitCode}} restarts={{.RestartCount}} started={{.State.StartedAt}} finished={{.State.FinishedAt}} health={{if .State.Health}}{{.State.Health.Status}} probes:{{range .State.Health.Log}} [{{.Start}} exit {{.ExitCode}}: {{printf "%.120q" .Output}}]{{end}}{{else}}none{{end}}' \
      "$id" >> "$dir/containers.txt" 2>&1 || true
    "$DOCKER" logs -t "$id" > "$dir/$name.log" 2>&1 || true
  done
}

# note_restarts DIR: names the containers of DIR/containers.txt that died and were restarted before they were healthy.
note_restarts() {
  awk '$4 != "restarts=0" { sub(/^\//, "", $1); print "  note: " $1 " " $4 " before it was healthy (its log: '"$1"'/" $1 ".log)" }' \
    "$1/containers.txt"
}

# check_down_up ROUND ROUNDS A_ID A_EMAIL B_ID B_EMAIL: `down` and `up` again on the kept volumes, then the data and the
# servers' state are checked again. COMPOSE_CHECK_DOWN_UP_ROUNDS repeats it (for a restart fault that shows rarely);
# each round's container states and logs are kept in $RUN_DIR/down-up-N/.
check_down_up() {
  local round="$1" rounds="$2" a_id="$3" a_email="$4" b_id="$5" b_email="$6" t2 dir="$RUN_DIR/down-up-$1"
  step "docker-compose down, then up again (volumes kept; round $round of $rounds)"
  mkdir -p "$dir"
  # stop, then down: the same as down alone, but the exit codes say whether a server outlasted the stop timeout (137).
  compose stop -t 10 > "$dir/stop.log" 2>&1 || fail "docker-compose stop failed: $(cat "$dir/stop.log")"
  collect_state "$dir/stopped"
  local killed
  killed=$(awk '$3 == "exit=137" { sub(/^\//, "", $1); printf "%s ", $1 }' "$dir/stopped/containers.txt")
  [ -z "$killed" ] || fail "killed by 'stop -t 10' instead of stopping on SIGTERM: $killed(states and logs in $dir/stopped)"
  pass "every container stopped on SIGTERM within 'stop -t 10' (none was killed)"
  compose down -t 10 > "$dir/down.log" 2>&1 || fail "docker-compose down failed: $(cat "$dir/down.log")"
  t2=$(now)
  if ! compose up -d --no-build > "$dir/up.log" 2>&1; then
    collect_state "$dir/failed"
    fail "docker-compose up (again, round $round) failed: $(cat "$dir/up.log"); states and logs in $dir/failed"
  fi
  if ! wait_healthy 480; then
    collect_state "$dir/failed"
    fail "not healthy again after down and up (round $round); states and logs in $dir/failed"
  fi
  FIGURES[healthy_again_s]=$(elapsed "$t2")
  echo "$round $(elapsed "$t2")" >> "$RUN_DIR/healthy-again.txt"
  echo "  every service healthy again $(elapsed "$t2") s after 'up' on the kept volumes"
  collect_state "$dir/healthy"
  note_restarts "$dir/healthy"
  check_user_roundtrip "$a_id" "$a_email"
  check_user_roundtrip "$b_id" "$b_email"
  [ "$(psql_primary -c "SELECT count(*) FROM messages m JOIN users u ON u.id = m.user_id WHERE u.email IN ('$a_email', '$b_email') AND m.status = 'Sent'")" = 3 ] \
    || fail "after down and up, the database does not hold the 3 Sent messages"
  pass "after down and up: both users and their 3 Sent messages are still in the volumes"
  # The backup command of docs/deployment.md (local connections need the password: scram-sha-256).
  compose exec -T postgres sh -c 'PGPASSWORD="$POSTGRES_PASSWORD" pg_dump -U postgres -Fc birthday' > "$RUN_DIR/birthday.dump" \
    || fail "pg_dump as docs/deployment.md shows it failed"
  [ "$(head -c 5 "$RUN_DIR/birthday.dump")" = PGDMP ] || fail "pg_dump wrote no custom-format dump"
  pass "the documented pg_dump backup works ($(wc -c < "$RUN_DIR/birthday.dump") bytes)"
  check_replication "$b_email"
  check_cluster
}
