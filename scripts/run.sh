#!/usr/bin/env bash
# Starts the whole application (AppHost: servers, api, scheduler, workers, gateway, dashboard), prints where to find it
# once everything is healthy, and stops everything on Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

# launch_profile PROJECT: the "http" launch profile of PROJECT's Properties/launchSettings.json (what `dotnet run` and an
# IDE's F5 use), as NAME=VALUE lines: APPLICATION_URL, then its environment variables.
launch_profile() {
  python3 -c 'import json, sys
profile = json.load(open(sys.argv[1] + "/Properties/launchSettings.json"))["profiles"]["http"]
print("APPLICATION_URL=" + profile["applicationUrl"].split(";")[0])
for name, value in profile.get("environmentVariables", {}).items():
    print(name + "=" + value)' "$1"
}

# application_url PROJECT: where that project's launch profile serves.
application_url() { launch_profile "$1" | sed -n 's/^APPLICATION_URL=//p'; }

DASHBOARD_URL=$(application_url Birthday.AppHost)
GATEWAY_URL=$(application_url Birthday.Gateway)
# The gateway (healthy only with api instances behind it), scheduler, worker and email-simulator.
SERVICE_URLS=("$GATEWAY_URL" "$(application_url Birthday.Scheduler)" "$(application_url Birthday.Worker)" "$(application_url Birthday.EmailSimulator)")

all_healthy() {
  local url
  for url in "${SERVICE_URLS[@]}"; do
    curl -fsS -m 2 "$url/health" >/dev/null 2>&1 || return 1
  done
}

require_dotnet
ensure_host_servers
SECONDS=0
# Even with nothing to do, a build costs ~15 s of two cores: skip it when no source changed since the last one.
build_stamp=Birthday.AppHost/bin/Release/.built
changed=""
if [ -e "$build_stamp" ]; then
  changed=$(find . \( -name bin -o -name obj -o -name node_modules -o -name .git -o -name .state -o -name k6 -o -name docs \) -prune -o \
    -type f -newer "$build_stamp" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' -o -name '*.sh' \) -print -quit)
fi
if [ -e "$build_stamp" ] && [ -z "$changed" ]; then
  echo "Build is up to date (no source changed since the last build)."
else
  dotnet build Birthday.AppHost -c Release -nologo -clp:ErrorsOnly
  touch "$build_stamp"
fi

# The AppHost's launch profile, as F5 applies it: the dashboard runs without a certificate or login, on loopback only
# (no developer certificate exists on these machines).
while IFS='=' read -r name value; do
  [ "$name" = APPLICATION_URL ] || export "$name=$value"
done < <(launch_profile Birthday.AppHost)
export ASPNETCORE_URLS="$DASHBOARD_URL"

# From its project folder, as F5 starts it: that folder is the AppHost's content root, where its appsettings.json is
# read from and which its configuration watches for changes. Started from the repository's root it would watch the
# whole tree, .state included, and wake for every page Postgres and RabbitMQ write.
(cd Birthday.AppHost && exec bin/Release/net10.0/Birthday.AppHost "$@") &
apphost=$!
# Aspire stops every resource, servers included, when its AppHost gets SIGTERM. Its orchestrator (DCP, started with
# --monitor <AppHost pid>) outlives the AppHost by some seconds while it stops them: return only once it is gone.
stop() {
  echo "stopping…"
  kill -TERM "$apphost" 2>/dev/null || true
  wait "$apphost" || true
  for _ in $(seq 1 90); do
    pgrep -f -- "--monitor $apphost " >/dev/null || break
    sleep 1
  done
  echo "stopped."
  exit 0
}
trap stop INT TERM

# The gateway answers first (it needs an api instance, Postgres and Redis); the scheduler and workers follow once the
# RabbitMQ cluster has formed.
serving=""
for _ in $(seq 1 180); do
  if ! kill -0 "$apphost" 2>/dev/null; then
    wait "$apphost"
    exit $?
  fi
  if [ -z "$serving" ] && curl -fsS -m 2 "$GATEWAY_URL/health" >/dev/null 2>&1; then
    serving=yes
    printf '\nBirthday is serving: the gateway is healthy %s s after this command started.\n  Dashboard: %s\n  Gateway:   %s  (try %s/health)\n\n' \
      "$SECONDS" "$DASHBOARD_URL" "$GATEWAY_URL" "$GATEWAY_URL"
  fi
  if all_healthy; then
    printf '\nBirthday is up: every service healthy %s s after this command started. Press Ctrl+C to stop.\n\n' "$SECONDS"
    break
  fi
  sleep 1
done
wait "$apphost"
