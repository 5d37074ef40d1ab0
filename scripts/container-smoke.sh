#!/usr/bin/env bash
# The AppHost's own container mode, for real: the integration tests' smoke subset (Category=Smoke) with the servers as
# containers in a private container engine, on images built here:
#
#   ./scripts/container-smoke.sh       # as root, on Debian 12; about 3 minutes (see docs/deployment.md)
#
# 1. installs docker.io, docker-compose and debootstrap from Debian if missing (the package's daemon is never started)
#    and starts a private dockerd (scripts/compose-engine.sh), always a fresh one, even where another engine answers:
#    the model's volumes have fixed names (postgres-data, …) and must meet neither an earlier run's nor a developer's;
# 2. builds the stand-ins for the official Postgres, RabbitMQ and Redis images from Debian's packages
#    (scripts/compose-images.sh, the same images as the Compose check; the Debian base is cached in .state/compose/);
# 3. builds the solution and runs `dotnet test --filter Category=Smoke` with BIRTHDAY_TESTS_INFRASTRUCTURE=auto, so the
#    AppHost chooses containers because an engine answers, and Infrastructure__Images__{Postgres,RabbitMQ,Redis} naming
#    the stand-ins (the AppHost's setting Infrastructure:Images:*, read while running only);
# 4. checks that once the tests have stopped the application the engine holds no container and no network (DCP removes
#    its own), then, even after a failure, stops the engine and its containerd by PID and deletes its data root.
#
# Figures (build times, time to healthy, peak memory of the containers) are printed at the end and written to
# .state/container-smoke/run/figures.json.
# Heavy steps take the machine's build lock one at a time; under `flock /tmp/birthday-build.lock ./scripts/container-smoke.sh`
# they use the lock the whole run holds.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
export REPO

case "${1:-}" in
  "") ;;
  -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
  *) echo "error: unknown argument '$1' (use --help)" >&2; exit 2 ;;
esac

if [ "$(id -u)" != "0" ]; then
  echo "error: this check runs its own container engine and needs root." >&2
  exit 1
fi

STATE_DIR="$REPO/.state/container-smoke"
RUN_DIR="$STATE_DIR/run"
mkdir -p "$STATE_DIR" "$REPO/.state/compose"
export RUN_DIR

source scripts/prerequisites.sh
source scripts/compose-engine.sh
source scripts/compose-images.sh
fresh_run_dir "$RUN_DIR"
mkdir -p "$RUN_DIR/contexts"
require_dotnet

START=$(date +%s)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", b - a }'; }
step() { echo; echo "== $* ($(( $(date +%s) - START )) s)"; }
declare -A FIGURES=()

SAMPLER=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  [ -z "$SAMPLER" ] || kill "$SAMPLER" 2>/dev/null || true
  engine_stop || true
  [ -n "$ENGINE_DATA_ROOT" ] && rm -rf "$ENGINE_DATA_ROOT"
  rm -rf "$RUN_DIR/contexts"
  echo "container-smoke: $([ "$status" = 0 ] && echo passed || echo "FAILED (exit $status)") in $(( $(date +%s) - START )) s; logs in $RUN_DIR"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step "Container engine"
t=$(now)
engine_install
COMPOSE_CHECK_PRIVATE_ENGINE=1 engine_start "$RUN_DIR"
FIGURES[engine_s]=$(elapsed "$t")

step "Base image local/debian:bookworm"
t=$(now)
[ -s "$REPO/.state/compose/debian-bookworm.tar" ] && FIGURES[base_image_cached]=true || FIGURES[base_image_cached]=false
base_image "$REPO/.state/compose"
FIGURES[base_image_s]=$(elapsed "$t")

step "Server images (stand-ins: postgres, rabbitmq, redis)"
t=$(now)
standin_images "$REPO" "$RUN_DIR/contexts"
FIGURES[server_images_s]=$(elapsed "$t")
FIGURES[server_images_lock_held_s]=$(held_seconds standin_images)

step "dotnet build"
t=$(now)
if ! locked dotnet_build dotnet build Birthday.sln -c Debug -nologo -clp:ErrorsOnly > "$RUN_DIR/build.log" 2>&1 < /dev/null; then
  tail -n 40 "$RUN_DIR/build.log" >&2
  echo "error: dotnet build failed" >&2
  exit 1
fi
FIGURES[dotnet_build_s]=$(elapsed "$t")

# The containers' memory while the tests run: every 3 s, the sum of `docker stats` over the running containers.
sample_memory() {
  while sleep 3; do
    "$DOCKER" stats --no-stream --format '{{.MemUsage}}' 2>/dev/null | awk '{ v = $1; unit = v; sub(/[0-9.]+/, "", unit);
      sub(/[A-Za-z]+/, "", v); t += (unit == "GiB") ? v * 1024 : (unit == "KiB" ? v / 1024 : (unit == "B" ? v / 1048576 : v)) }
      END { if (NR) printf "%d %.0f\n", NR, t }'
  done
}

step "dotnet test --filter Category=Smoke (the AppHost in container mode)"
t=$(now)
test_status=0
sample_memory > "$RUN_DIR/memory-samples.txt" &
SAMPLER=$!
BIRTHDAY_TESTS_INFRASTRUCTURE=auto \
Infrastructure__Images__Postgres="local/postgres:$IMAGE_TAG" \
Infrastructure__Images__RabbitMQ="local/rabbitmq:$IMAGE_TAG" \
Infrastructure__Images__Redis="local/redis:$IMAGE_TAG" \
  locked smoke_tests timeout 900 dotnet test Birthday.Tests -c Debug --no-build -nologo --filter Category=Smoke \
    --logger "console;verbosity=normal" > "$RUN_DIR/test.log" 2>&1 < /dev/null || test_status=$?
FIGURES[smoke_tests_s]=$(elapsed "$t")
kill "$SAMPLER" 2>/dev/null || true
wait "$SAMPLER" 2>/dev/null || true
SAMPLER=""
# The peak over the samples with every container running (6: primary, replica, three RabbitMQ nodes, Redis).
read -r containers memory < <(sort -k1,1n -k2,2n "$RUN_DIR/memory-samples.txt" | tail -n 1) || true
FIGURES[containers]=${containers:-0}
FIGURES[memory_peak_mib]=${memory:-null}
grep -E '^\s+(Passed|Failed|Skipped) Birthday\.' "$RUN_DIR/test.log" || true
grep -E 'Birthday application healthy|^(Total tests|\s+Passed|\s+Failed|\s+Skipped):|Test Run (Failed|Successful)' "$RUN_DIR/test.log" || true
healthy=$(sed -nE 's/.*Birthday application healthy ([0-9]+) s after.*/\1/p' "$RUN_DIR/test.log" | head -n 1)
FIGURES[healthy_s]=${healthy:-null}
if [ "$test_status" != 0 ]; then
  echo "error: the smoke subset failed in container mode (exit $test_status); the whole output: $RUN_DIR/test.log" >&2
  grep -E -A 12 '^\s+Failed Birthday\.' "$RUN_DIR/test.log" | head -n 80 >&2 || true
  exit 1
fi

step "Nothing left in the engine"
# DCP removes the containers and the network it made when the application stops; what it would leave, the engine's
# removal at exit would hide, so look before that.
leftover=$("$DOCKER" ps -a --format '{{.Names}} ({{.Status}})'; "$DOCKER" network ls --filter type=custom --format 'network {{.Name}}')
if [ -n "$leftover" ]; then
  echo "error: the application left in the engine:" >&2
  echo "$leftover" >&2
  exit 1
fi
echo "No container and no network left (the run's named volumes go with the engine's data root)."

FIGURES[total_s]=$(( $(date +%s) - START ))
{
  printf '{\n  "commit": "%s",\n  "machine": {"cores": %s, "memory_gib": %s}' \
    "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . 2>/dev/null || echo '+dirty')" "$(nproc)" \
    "$(awk '/MemTotal/ { printf "%.1f", $2 / 1048576 }' /proc/meminfo)"
  for key in $(printf '%s\n' "${!FIGURES[@]}" | sort); do
    value=${FIGURES[$key]}
    if [[ "$value" =~ ^[0-9.]+$ || "$value" == true || "$value" == false || "$value" == null ]]; then
      printf ',\n  "%s": %s' "$key" "$value"
    else
      printf ',\n  "%s": "%s"' "$key" "$value"
    fi
  done
  printf '\n}\n'
} > "$RUN_DIR/figures.json"
echo
echo "Figures ($RUN_DIR/figures.json):"
cat "$RUN_DIR/figures.json"
