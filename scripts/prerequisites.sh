#!/usr/bin/env bash
# Sourced by run.sh, test.sh, bench.sh and compose-up.sh. Where no container engine answers, the application runs its
# servers as processes of this machine (host mode) and needs Debian's postgresql, rabbitmq-server and redis-server
# packages: install what is missing, saying so, without starting the distribution's own services.

require_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET SDK is not on PATH; install .NET SDK 10 (see global.json) and try again." >&2
    exit 1
  fi
}

container_engine_answers() {
  command -v docker >/dev/null 2>&1 && timeout 10 docker info >/dev/null 2>&1
}

missing_server_packages() {
  local missing=()
  compgen -G "/usr/lib/postgresql/*/bin/pg_basebackup" >/dev/null || missing+=(postgresql)
  [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || missing+=(rabbitmq-server)
  [ -x /usr/bin/redis-server ] || missing+=(redis-server)
  echo "${missing[@]}"
}

ensure_host_servers() {
  if [ "${INFRASTRUCTURE_MODE:-auto}" != "host" ] && container_engine_answers; then
    echo "A container engine answers: the servers will run as containers."
    return 0
  fi

  local missing
  missing=$(missing_server_packages)
  if [ -z "$missing" ]; then
    return 0
  fi

  echo "No container engine answers, so the servers run as host processes."
  # shellcheck disable=SC2086
  install_debian_packages "host mode" $missing || exit 1
}

# Installs Debian packages the tests need beyond the servers (e.g. docker-compose to validate the exported Compose file).
ensure_debian_packages() {
  install_debian_packages "the tests" "$@" || exit 1
}

# install_debian_packages WHO PACKAGE...: installs those of the packages that are missing, saying so, without letting any
# of them start a service of its own (the application, the tests and the Compose check start their own servers); without
# root or apt-get, returns 1 with the one command to run.
install_debian_packages() {
  local who=$1 missing=() package
  shift
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ "${#missing[@]}" = 0 ] && return 0

  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: $who needs the Debian packages ${missing[*]}. Install them as root (apt-get install -y --no-install-recommends ${missing[*]})." >&2
    return 1
  fi
  echo "Installing the Debian packages $who needs: ${missing[*]} (their services are not started)"
  # invoke-rc.d asks policy-rc.d whether a package may start its service; 101 = refuse.
  local created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=yes
  fi
  local status=0
  apt-get update -qq -o DPkg::Lock::Timeout=300 || status=$?
  if [ "$status" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null || status=$?
  fi
  [ -n "$created_policy" ] && rm -f /usr/sbin/policy-rc.d
  if [ "$status" != 0 ]; then
    echo "error: installing ${missing[*]} failed (apt-get exit $status)." >&2
    return 1
  fi
  echo "Installed: ${missing[*]}"
}
