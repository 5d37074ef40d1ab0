#!/usr/bin/env bash
# Brings the exported production Compose file (deploy/docker-compose.prod.yml) up in a real container engine on this
# machine, checks the running stack end to end, and takes everything down again:
#
#   ./scripts/compose-up.sh            # as root, on Debian 12; about 5 minutes (see docs/deployment.md)
#   ./scripts/compose-up.sh --keep     # leave the stack running at the end, for a look (then Ctrl+C stops it all)
#
# 1. installs docker.io, docker-compose and debootstrap from Debian (the package's daemon is never started) and starts a
#    private dockerd (own data root, exec root and socket; no iptables, no docker0), unless an engine already answers;
# 2. builds every image here (scripts/compose-images.sh): a debootstrapped Debian base (cached in .state/compose/),
#    the five .NET services from this checkout, and stand-ins for the official postgres, rabbitmq, redis and
#    aspire-dashboard images, chosen through the Compose file's *_IMAGE variables in an env file made for the run;
# 3. `docker-compose -f deploy/docker-compose.prod.yml -f <override> --env-file <env> up -d`: the override adds only
#    the email simulator as the vendor, the virtual clock, and 127.0.0.1 ports for the check;
# 4. runs scripts/compose-check.sh against it (health, replication, the RabbitMQ cluster and its quorum queue, a user
#    through the gateway, one delivery exactly once with its trace in the dashboard, restarts, down and up);
# 5. on exit, even a failed one: `down -v`, then every container, network and the private dockerd with its containerd,
#    by PID.
#
# Figures (build times, time to healthy, memory) are printed at the end and written to .state/compose/run/figures.json.
# COMPOSE_CHECK_REUSE_IMAGES=1 with DOCKER_HOST pointing at a running engine that holds the images skips the builds.
# COMPOSE_CHECK_DOWN_UP_ROUNDS=N repeats the down/up step N times (default 1); each round's states and logs stay in
# .state/compose/run/down-up-N/. Run it under the machine's build lock: flock /tmp/birthday-build.lock ./scripts/compose-up.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export REPO

KEEP=""
for argument in "$@"; do
  case "$argument" in
    --keep) KEEP=yes ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "error: unknown argument '$argument' (use --keep or --help)" >&2; exit 2 ;;
  esac
done

if [ "$(id -u)" != "0" ]; then
  echo "error: this check runs its own container engine and needs root." >&2
  exit 1
fi
command -v dotnet >/dev/null 2>&1 || { echo "error: the .NET SDK is not on PATH." >&2; exit 1; }

STATE_DIR="$REPO/.state/compose"
RUN_DIR="$STATE_DIR/run"
PROJECT=birthday-check
COMPOSE_FILE="$REPO/deploy/docker-compose.prod.yml"
mkdir -p "$STATE_DIR"
export RUN_DIR

source scripts/prerequisites.sh
source scripts/compose-engine.sh
source scripts/compose-images.sh
fresh_run_dir "$RUN_DIR"

START=$(date +%s)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
declare -A FIGURES=()

compose() {
  docker-compose --project-name "$PROJECT" --project-directory "$REPO/deploy" \
    -f "$COMPOSE_FILE" -f "$RUN_DIR/docker-compose.check.yml" --env-file "$RUN_DIR/check.env" "$@"
}
export -f compose 2>/dev/null || true

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "$status" != 0 ] && [ -f "$RUN_DIR/check.env" ] && "$DOCKER" info >/dev/null 2>&1; then
    echo "--- state at failure ---" >&2
    compose ps >&2 2>&1 || true
    compose logs --no-color --tail=40 > "$RUN_DIR/compose-failure.log" 2>&1 || true
    echo "(last 40 lines of every service: $RUN_DIR/compose-failure.log)" >&2
    if declare -F collect_state >/dev/null; then
      collect_state "$RUN_DIR/failure" || true
      echo "(every container's state, health probes and whole log: $RUN_DIR/failure/)" >&2
    fi
  fi
  if [ -f "$RUN_DIR/check.env" ] && "$DOCKER" info >/dev/null 2>&1; then
    timeout 120 docker-compose --project-name "$PROJECT" --project-directory "$REPO/deploy" -f "$COMPOSE_FILE" \
      -f "$RUN_DIR/docker-compose.check.yml" --env-file "$RUN_DIR/check.env" down -v --remove-orphans -t 10 >/dev/null 2>&1 || true
  fi
  engine_stop || true
  # The private engine's data root (images, volumes) is the run's: remove it, keep the logs.
  [ -n "$ENGINE_DATA_ROOT" ] && rm -rf "$ENGINE_DATA_ROOT"
  rm -rf "$RUN_DIR/contexts" "$RUN_DIR/publish"
  echo "compose-up: $([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)") in $(( $(date +%s) - START )) s; logs in $RUN_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

step() { echo; echo "== $* ($(( $(date +%s) - START )) s)"; }

# timed_step NAME TITLE ARGS...: the step TITLE, running the function NAME with ARGS; its time and the time its commands
# held the build lock (category NAME, see compose-images.sh) become the figures NAME_s and NAME_lock_held_s.
timed_step() {
  local name="$1" title="$2" started
  shift 2
  step "$title"
  started=$(now)
  "$name" "$@"
  FIGURES[${name}_s]=$(elapsed "$started")
  FIGURES[${name}_lock_held_s]=$(held_seconds "$name")
}

step "Container engine"
t=$(now)
engine_install
engine_start "$RUN_DIR"
FIGURES[engine_s]=$(elapsed "$t")

step "Base image local/debian:bookworm"
t=$(now)
[ -s "$STATE_DIR/debian-bookworm.tar" ] && BASE_CACHED=true || BASE_CACHED=false
base_image "$STATE_DIR"
FIGURES[base_image_s]=$(elapsed "$t")
FIGURES[base_image_cached]=$BASE_CACHED

# COMPOSE_CHECK_REUSE_IMAGES=1 with an engine that already answers and holds every image: skip the builds (for working
# on the check itself; a real run builds everything from this checkout).
images_present() {
  local image
  for image in local/debian:bookworm local/birthday-{api,scheduler,worker,gateway,email-simulator}:$IMAGE_TAG \
      local/{postgres,rabbitmq,redis,aspire-dashboard}:$IMAGE_TAG; do
    "$DOCKER" image inspect "$image" >/dev/null 2>&1 || return 1
  done
}
if [ -n "${COMPOSE_CHECK_REUSE_IMAGES:-}" ] && [ -z "$ENGINE_OWN" ] && images_present; then
  echo "Reusing the engine's images (COMPOSE_CHECK_REUSE_IMAGES)"
else
timed_step dotnet_publish ".NET services: dotnet publish (Release, framework-dependent)" \
  "$REPO" "$RUN_DIR/publish"
timed_step dotnet_images ".NET images (runtime + api, scheduler, worker, gateway, email simulator)" \
  "$REPO" "$RUN_DIR/publish" "$RUN_DIR/contexts"
timed_step server_images "Server images (stand-ins: postgres, rabbitmq, redis, aspire-dashboard)" \
  "$REPO" "$RUN_DIR/contexts"
fi

step "Env file and override for the run"
secret() { openssl rand -hex 24; }
GATEWAY_PORT=$(free_port)
GATEWAY_TLS_PORT=$(free_port)
DASHBOARD_PORT=$(free_port)
SIMULATOR_PORT=$(free_port)
GATEWAY_ADDRESS="127.0.0.1:$GATEWAY_PORT"
DASHBOARD_ADDRESS="127.0.0.1:$DASHBOARD_PORT"
SIMULATOR_ADDRESS="127.0.0.1:$SIMULATOR_PORT"
GATEWAY_HTTPS_ADDRESS="127.0.0.1:$GATEWAY_TLS_PORT"
CERTIFICATE_PASSWORD=$(secret)
mkdir -p "$RUN_DIR/secrets"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$RUN_DIR/secrets/gateway.key" -out "$RUN_DIR/secrets/gateway.crt" 2>/dev/null
openssl pkcs12 -export -in "$RUN_DIR/secrets/gateway.crt" -inkey "$RUN_DIR/secrets/gateway.key" \
  -out "$RUN_DIR/secrets/gateway.pfx" -passout "pass:$CERTIFICATE_PASSWORD"
# Compose mounts the file as it is: the gateway's user (app, UID 1654) must be able to read it.
chmod 644 "$RUN_DIR/secrets/gateway.pfx"

# The virtual clock (Clock:VirtualStart, what the AppHost parameter clock-start sets): the services start at 08:00 UTC
# on a 1 June, so a user created now with a 1 June birthday in UTC is due at 09:00 that day; the check then moves the
# shared clock (table virtual_clock) to just past 09:00. Production never sets it.
VIRTUAL_START="2027-06-01T08:00:00Z"
VIRTUAL_ANCHOR=$(date -u +%Y-%m-%dT%H:%M:%S.%7NZ)

cat > "$RUN_DIR/check.env" <<EOF
# Made by scripts/compose-up.sh for one run; thrown away with it.
POSTGRES_PASSWORD=$(secret)
MESSAGING_USERNAME=birthday
MESSAGING_PASSWORD=$(secret)
MESSAGING_COOKIE=$(secret)
CACHE_PASSWORD=$(secret)
ADMIN_API_KEY=$(secret)
EMAIL_SERVICE_URL=http://email-simulator:8080
REGISTRY=local
TAG=$IMAGE_TAG
GATEWAY_CERTIFICATE_FILE=$RUN_DIR/secrets/gateway.pfx
GATEWAY_CERTIFICATE_PASSWORD=$CERTIFICATE_PASSWORD
DASHBOARD_BROWSER_TOKEN=$(secret)
DASHBOARD_OTLP_API_KEY=$(secret)
DASHBOARD_API_KEY=$(secret)
GATEWAY_HTTP_PUBLISH=$GATEWAY_ADDRESS
GATEWAY_HTTPS_PUBLISH=$GATEWAY_HTTPS_ADDRESS
POSTGRES_IMAGE=local/postgres:$IMAGE_TAG
RABBITMQ_IMAGE=local/rabbitmq:$IMAGE_TAG
REDIS_IMAGE=local/redis:$IMAGE_TAG
ASPIRE_DASHBOARD_IMAGE=local/aspire-dashboard:$IMAGE_TAG
EOF
chmod 600 "$RUN_DIR/check.env"

clock_env() {
  printf '      Clock__VirtualStart: "%s"\n      Clock__VirtualStartAnchor: "%s"\n' "$VIRTUAL_START" "$VIRTUAL_ANCHOR"
}
{
  cat <<EOF
# Made by scripts/compose-up.sh for one run: only what the check needs on top of deploy/docker-compose.prod.yml.
services:
  email-simulator:
    image: \${REGISTRY}/birthday-email-simulator:\${TAG}
    user: app
    environment:
      ASPNETCORE_ENVIRONMENT: Production
      HTTP_PORTS: "8080"
      Simulator__ErrorRate: "0"
      OTEL_SERVICE_NAME: email-simulator
      OTEL_EXPORTER_OTLP_ENDPOINT: http://dashboard:18889
      OTEL_EXPORTER_OTLP_PROTOCOL: grpc
      OTEL_EXPORTER_OTLP_HEADERS: x-otlp-api-key=\${DASHBOARD_OTLP_API_KEY}
    ports:
      - "$SIMULATOR_ADDRESS:8080"
    healthcheck:
      test: ["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health HTTP/1.1\\\\r\\\\nHost: localhost\\\\r\\\\nConnection: close\\\\r\\\\n\\\\r\\\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
      interval: 10s
      timeout: 5s
      retries: 5
      start_period: 60s
    # Like the deployed services: stopped before the dashboard that receives its last telemetry.
    depends_on:
      dashboard:
        condition: service_started
  gateway:
    environment:
      # The bad-input check sends some 1,700 requests from one address; the per-client limits production sets would
      # stretch it to minutes (the limits themselves are tested by the integration tests).
      Gateway__RateLimits__GeneralPerSecond: "1000"
      Gateway__RateLimits__GeneralBurst: "1000"
      Gateway__RateLimits__WritesPerSecond: "1000"
      Gateway__RateLimits__WritesBurst: "1000"
      Gateway__RateLimits__ApiPerSecond: "1000"
      Gateway__RateLimits__ApiBurst: "1000"
  dashboard:
    environment:
      Dashboard__Api__AuthMode: ApiKey
      Dashboard__Api__PrimaryApiKey: \${DASHBOARD_API_KEY}
    ports:
      - "$DASHBOARD_ADDRESS:18888"
EOF
  for service in api-1 api-2 api-3 scheduler worker; do
    printf '  %s:\n    environment:\n' "$service"
    clock_env
  done
} > "$RUN_DIR/docker-compose.check.yml"

compose config -q
echo "Gateway http://$GATEWAY_ADDRESS, dashboard http://$DASHBOARD_ADDRESS, email simulator http://$SIMULATOR_ADDRESS"

# The RabbitMQ nodes of the project that have been restarted since they were created.
restarted_nodes() {
  "$DOCKER" ps -aq --filter "label=com.docker.compose.project=$PROJECT" \
    | xargs -r "$DOCKER" inspect -f '{{index .Config.Labels "com.docker.compose.service"}} {{.RestartCount}}' \
    | awk '$1 ~ /^messaging-/ && $2 > 0 { printf "%s ", $1 }'
}

step "docker-compose up -d"
t=$(now)
if ! compose up -d --no-build > "$RUN_DIR/compose-up.log" 2>&1; then
  # The RabbitMQ 3.10 stand-in can fail its first boot when the three nodes form their cluster at the same moment
  # ("BOOT FAILED … incompatible_feature_flags", docs/deployment.md); its restart policy brings it back, but while it
  # waits for the restart it reads unhealthy, and Compose 1.29 gives up on the services waiting for it. What
  # docs/deployment.md tells operators to do then is to run `up -d` again: done once, and only for that case.
  nodes=$(restarted_nodes)
  if [ -z "$nodes" ] || ! { echo "  note: ${nodes}restarted while the stack started: 'up -d' again"; \
      compose up -d --no-build >> "$RUN_DIR/compose-up.log" 2>&1; }; then
    cat "$RUN_DIR/compose-up.log" >&2
    echo "error: docker-compose up failed" >&2
    exit 1
  fi
fi

export DOCKER PROJECT RUN_DIR GATEWAY_ADDRESS GATEWAY_HTTPS_ADDRESS DASHBOARD_ADDRESS SIMULATOR_ADDRESS VIRTUAL_START COMPOSE_FILE REPO
source scripts/compose-check.sh
wait_healthy 480
FIGURES[healthy_s]=$(elapsed "$t")
echo "Every service healthy $(printf '%s' "${FIGURES[healthy_s]}") s after 'up'"
collect_state "$RUN_DIR/up"
note_restarts "$RUN_DIR/up"
memory_figures

run_checks

FIGURES[total_s]=$(( $(date +%s) - START ))
{
  printf '{\n  "commit": "%s",\n  "machine": {"cores": %s, "memory_gib": %s},\n' \
    "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+dirty')" "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
  first=yes
  for key in $(printf '%s\n' "${!FIGURES[@]}" | sort); do
    [ -n "$first" ] || printf ',\n'
    first=""
    value=${FIGURES[$key]}
    if [[ "$value" =~ ^[0-9.]+$ || "$value" == true || "$value" == false ]]; then printf '  "%s": %s' "$key" "$value"; else printf '  "%s": "%s"' "$key" "$value"; fi
  done
  printf '\n}\n'
} > "$RUN_DIR/figures.json"
echo
echo "Figures ($RUN_DIR/figures.json):"
cat "$RUN_DIR/figures.json"

if [ -n "$KEEP" ]; then
  echo "The stack keeps running (--keep): gateway http://$GATEWAY_ADDRESS, dashboard http://$DASHBOARD_ADDRESS (token in $RUN_DIR/check.env). Ctrl+C stops everything."
  # Waited for with a trap of its own: the wait used to sit in the EXIT trap after the traps were cleared, where Ctrl+C
  # ended the shell before its teardown (the engine, its data root and, under flock, the keeper holding the build lock
  # were left). A background command ignores SIGINT, so the trap ends it; the script exits 0 and the teardown runs.
  sleep infinity &
  keeper=$!
  trap 'kill "$keeper" 2>/dev/null' INT TERM
  wait "$keeper" || true
fi
