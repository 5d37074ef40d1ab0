#!/usr/bin/env bash
# Sourced by compose-up.sh and container-smoke.sh, after prerequisites.sh. A container engine of the run's own: Debian's
# docker.io, docker-compose and debootstrap (installed without starting the package's daemon), and a private dockerd
# with its own data root, exec root and socket, stopped again (with its containerd, every container and network it holds)
# by engine_stop, by PID.
#
# After engine_start: DOCKER_HOST points at the private socket and `docker` is Debian's CLI of the same version.

ENGINE_PACKAGES=(docker.io docker-compose debootstrap)
DOCKER=/usr/bin/docker
export DOCKER

# fresh_run_dir DIR: an empty run folder; nothing of an earlier run (the engine's data root and its mounts, volumes,
# secrets) is carried over.
fresh_run_dir() {
  if [ -d "$1" ]; then
    awk -v root="$1" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do umount -l "$mount" || true; done
    rm -rf "$1"
  fi
  mkdir -p "$1"
}

engine_install() {
  install_debian_packages "the Compose check" "${ENGINE_PACKAGES[@]}"
}

# engine_start RUN_DIR: uses an engine that already answers on DOCKER_HOST (or the default socket) as it is; otherwise
# starts a private dockerd whose state lives under RUN_DIR (data root) and a short /tmp folder (exec root, socket).
ENGINE_OWN=""
ENGINE_PID=""
ENGINE_EXEC_ROOT=""
ENGINE_DATA_ROOT=""
engine_start() {
  local run_dir="$1"
  if [ -z "${COMPOSE_CHECK_PRIVATE_ENGINE:-}" ] && timeout 10 "$DOCKER" info >/dev/null 2>&1; then
    echo "A container engine already answers (${DOCKER_HOST:-default socket}): using it."
    return 0
  fi

  # The exec root holds containerd's and the shims' sockets: keep its path short (unix socket paths are limited).
  ENGINE_EXEC_ROOT=$(mktemp -d /tmp/bce.XXXXXX)
  ENGINE_DATA_ROOT="$run_dir/docker"
  mkdir -p "$ENGINE_DATA_ROOT"
  echo '{}' > "$ENGINE_EXEC_ROOT/daemon.json"
  # --iptables=false / --bridge=none: no host firewall rules and no docker0; user-defined networks (Compose's) still work.
  # --ip 127.0.0.1: a port published without an address binds to loopback only.
  # The engine outlives every build step: it must not keep an inherited build lock (compose-images.sh) open.
  local lock_fd
  lock_fd=$(inherited_lock_fd)
  (
    [ -z "$lock_fd" ] || eval "exec $lock_fd>&-"
    exec dockerd --config-file "$ENGINE_EXEC_ROOT/daemon.json" \
    --data-root "$ENGINE_DATA_ROOT" --exec-root "$ENGINE_EXEC_ROOT/exec" \
    --pidfile "$ENGINE_EXEC_ROOT/dockerd.pid" -H "unix://$ENGINE_EXEC_ROOT/docker.sock" \
    --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false --bridge=none --ip 127.0.0.1 \
    --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs \
    > "$run_dir/dockerd.log" 2>&1
  ) &
  ENGINE_PID=$!
  ENGINE_OWN=yes
  export DOCKER_HOST="unix://$ENGINE_EXEC_ROOT/docker.sock"

  local waited=0
  until "$DOCKER" info >/dev/null 2>&1; do
    if ! kill -0 "$ENGINE_PID" 2>/dev/null || [ "$waited" -ge 60 ]; then
      echo "error: the private dockerd did not answer within 30 s; its log:" >&2
      tail -n 30 "$run_dir/dockerd.log" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "Private dockerd $ENGINE_PID answering on $DOCKER_HOST (data root $ENGINE_DATA_ROOT)"
}

# Every process whose command line names the private engine's exec root (containerd, its shims), as PIDs.
engine_children() {
  [ -n "$ENGINE_EXEC_ROOT" ] || return 0
  ps -eo pid=,args= | awk -v root="$ENGINE_EXEC_ROOT" 'index($0, root) && $0 !~ /awk/ { print $1 }'
}

engine_stop() {
  [ -n "$ENGINE_OWN" ] || return 0
  if [ -n "$ENGINE_PID" ] && kill -0 "$ENGINE_PID" 2>/dev/null; then
    # Containers first (dockerd would stop them too, but only after its own grace period), then networks.
    local containers networks
    containers=$("$DOCKER" ps -aq 2>/dev/null || true)
    if [ -n "$containers" ]; then
      # shellcheck disable=SC2086
      "$DOCKER" rm -f $containers >/dev/null 2>&1 || true
    fi
    networks=$("$DOCKER" network ls -q --filter type=custom 2>/dev/null || true)
    if [ -n "$networks" ]; then
      # shellcheck disable=SC2086
      "$DOCKER" network rm $networks >/dev/null 2>&1 || true
    fi
    kill -TERM "$ENGINE_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$ENGINE_PID" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$ENGINE_PID" 2>/dev/null; then
      echo "warning: dockerd $ENGINE_PID still running after 30 s: killing it" >&2
      kill -KILL "$ENGINE_PID" 2>/dev/null || true
    fi
    wait "$ENGINE_PID" 2>/dev/null || true
  fi

  # Its containerd and any shim left behind (they name the exec root on their command lines).
  local pid
  for pid in $(engine_children); do
    kill -TERM "$pid" 2>/dev/null || true
  done
  sleep 1
  for pid in $(engine_children); do
    kill -KILL "$pid" 2>/dev/null || true
  done

  # The exec root holds mounts (overlay, netns) only while containers run: unmount what is left, then remove it.
  if [ -d "$ENGINE_EXEC_ROOT" ]; then
    awk -v root="$ENGINE_EXEC_ROOT" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
      umount -l "$mount" 2>/dev/null || true
    done
    rm -rf "$ENGINE_EXEC_ROOT"
  fi
  if [ -n "$ENGINE_DATA_ROOT" ] && [ -d "$ENGINE_DATA_ROOT" ]; then
    awk -v root="$ENGINE_DATA_ROOT" 'index($2, root) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mount; do
      umount -l "$mount" 2>/dev/null || true
    done
  fi
  ENGINE_OWN=""
  echo "Private dockerd stopped; no container, network or engine process of this run is left."
}
