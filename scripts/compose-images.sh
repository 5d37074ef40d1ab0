#!/usr/bin/env bash
# Sourced by compose-up.sh (and by container-smoke.sh, for the server stand-ins). Every image the exported Compose file
# needs, built here (no registry is reachable):
#   local/debian:bookworm                     debootstrap of the machine's Debian mirror (tarball cached in .state/compose/)
#   local/birthday-{api,scheduler,worker,gateway,email-simulator}:compose-check
#                                             `dotnet publish` output on a runtime image with this machine's .NET runtime
#   local/postgres, local/rabbitmq, local/redis, local/aspire-dashboard :compose-check
#                                             stand-ins for the official images, from Debian's packages (and the Aspire
#                                             dashboard's own build from the NuGet cache), honouring what the file uses
# Production builds its .NET images with /t:PublishContainer on Microsoft's base images (docs/deployment.md).
# Heavy steps (dotnet publish, docker build) run under the machine's build lock, one at a time.

IMAGE_TAG=compose-check
BUILD_LOCK=/tmp/birthday-build.lock
DOTNET_PROJECTS=(Birthday.Api Birthday.Scheduler Birthday.Worker Birthday.Gateway Birthday.EmailSimulator)

# The first Debian mirror apt uses (deb822 .sources files or one-line .list files).
debian_mirror() {
  local file mirror=""
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    mirror=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /debian\/?$/ && $i !~ /security/) { print $i; exit } }' "$file")
    [ -n "$mirror" ] && break
  done
  if [ -z "$mirror" ]; then
    mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/ && $i !~ /security/) { print $i; exit } }' | head -n 1)
  fi
  echo "${mirror:-http://deb.debian.org/debian}"
}

# base_image STATE_DIR: imports local/debian:bookworm from STATE_DIR/debian-bookworm.tar, making it first when missing.
base_image() {
  local state="$1" tarball="$1/debian-bookworm.tar"
  # Already in the engine (one that outlives runs): importing again would make a new image and void the build cache.
  "$DOCKER" image inspect local/debian:bookworm >/dev/null 2>&1 && return 0
  if [ ! -s "$tarball" ]; then
    local mirror rootfs
    mirror=$(debian_mirror)
    rootfs=$(mktemp -d "$state/rootfs.XXXXXX")
    echo "Making the Debian base image: debootstrap --variant=minbase bookworm from $mirror (about 30 s to 2.5 min)"
    if ! debootstrap --variant=minbase bookworm "$rootfs" "$mirror" > "$state/debootstrap.log" 2>&1; then
      echo "error: debootstrap failed; see $state/debootstrap.log" >&2
      rm -rf "$rootfs"
      return 1
    fi
    # No apt caches or logs in the image; apt-get in later builds fetches fresh lists.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
    tar -C "$rootfs" -c . > "$tarball.tmp"
    mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
  fi
  "$DOCKER" import - local/debian:bookworm < "$tarball" >/dev/null
}

# The descriptor of the machine's build lock this shell inherited, if any: run as
# `flock /tmp/birthday-build.lock ./scripts/compose-up.sh`, the whole run holds the lock already, and a fresh open of
# the file would wait for ever behind it.
inherited_lock_fd() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    if [ "$(readlink "$fd" 2>/dev/null)" = "$BUILD_LOCK" ]; then
      echo "${fd##*/}"
      return 0
    fi
  done
}

# locked CATEGORY COMMAND...: runs COMMAND holding the machine's build lock (once for a whole stage, so other builds
# get their turn between stages), adding the time it held the lock (not the time it waited for it: other builds share
# the machine) to $RUN_DIR/held-CATEGORY.ms. -o: the command's own children (build servers) do not inherit the lock.
# Under an inherited lock, the command simply runs (flock on that descriptor returns at once).
locked() {
  local category="$1" fd
  shift
  fd=$(inherited_lock_fd)
  if [ -n "$fd" ]; then
    flock "$fd"
    bash -c 'started=$(date +%s%N); "${@:2}"; status=$?
      echo $(( ($(date +%s%N) - started) / 1000000 )) >> "$1"; exit $status' locked "$RUN_DIR/held-$category.ms" "$@"
    return
  fi
  flock -o "$BUILD_LOCK" bash -c 'started=$(date +%s%N); "${@:2}"; status=$?
    echo $(( ($(date +%s%N) - started) / 1000000 )) >> "$1"; exit $status' locked "$RUN_DIR/held-$category.ms" "$@"
}

# held_seconds CATEGORY: the seconds CATEGORY's commands held the lock.
held_seconds() {
  awk '{ t += $1 } END { printf "%.0f", t / 1000 }' "$RUN_DIR/held-$1.ms" 2>/dev/null || echo 0
}

# build_list LIST: `docker build` of every "NAME CONTEXT" line of LIST, one after the other, on the host's network
# (apt-get inside; no bridge exists). Run under the lock by build_images.
build_list() {
  local name context log
  while read -r name context; do
    log="$RUN_DIR/build-${name//[\/:]/_}.log"
    if ! "$DOCKER" build --network host -q -t "$name" "$context" > "$log" 2>&1 < /dev/null; then
      echo "error: docker build of $name failed:" >&2
      tail -n 40 "$log" >&2
      return 1
    fi
  done < "$1"
}

# build_images CATEGORY LIST: build_list under the lock.
build_images() {
  locked "$1" bash -c 'source "$1"; build_list "$2"' build "$REPO/scripts/compose-images.sh" "$2"
}

# dotnet_publish REPO PUBLISH_DIR: framework-dependent Release builds of the five services, under the lock.
dotnet_publish() {
  local repo="$1" out="$2"
  if ! locked dotnet_publish bash -c 'for project in "${@:3}"; do
        dotnet publish "$1/$project" -c Release --no-self-contained -o "$2/$project" -nologo -clp:ErrorsOnly \
          --disable-build-servers -p:UseSharedCompilation=false || exit 1
      done' publish "$repo" "$out" "${DOTNET_PROJECTS[@]}" > "$RUN_DIR/publish.log" 2>&1 < /dev/null; then
    echo "error: dotnet publish failed:" >&2
    tail -n 40 "$RUN_DIR/publish.log" >&2
    return 1
  fi
}

# dotnet_images REPO PUBLISH_DIR CONTEXT_DIR: the runtime image and one image per service.
dotnet_images() {
  local repo="$1" publish="$2" contexts="$3" project name dotnet_root list="$3/dotnet-images.list"
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  rm -rf "$contexts/dotnet-runtime"
  mkdir -p "$contexts/dotnet-runtime/dotnet/shared"
  cp "$repo/scripts/compose-images/dotnet-runtime/Dockerfile" "$contexts/dotnet-runtime/"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$contexts/dotnet-runtime/dotnet/"
  cp -a "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$contexts/dotnet-runtime/dotnet/" 2>/dev/null || true
  cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$contexts/dotnet-runtime/dotnet/shared/"
  echo "local/birthday-dotnet-runtime:$IMAGE_TAG $contexts/dotnet-runtime" > "$list"

  for project in "${DOTNET_PROJECTS[@]}"; do
    # Birthday.EmailSimulator → birthday-email-simulator, the name the check's override uses.
    case "$project" in
      Birthday.EmailSimulator) name=birthday-email-simulator ;;
      *) name=$(echo "$project" | tr '[:upper:]' '[:lower:]' | tr '.' '-') ;;
    esac
    rm -rf "${contexts:?}/$name"
    mkdir -p "$contexts/$name"
    sed "s/@ASSEMBLY@/$project/" "$repo/scripts/compose-images/dotnet-app/Dockerfile" > "$contexts/$name/Dockerfile"
    cp -a "$publish/$project" "$contexts/$name/app"
    echo "local/$name:$IMAGE_TAG $contexts/$name" >> "$list"
  done
  build_images dotnet_images "$list"
}

# standin_contexts REPO CONTEXT_DIR: copies the build contexts of the server stand-ins and prints their "NAME CONTEXT" lines.
standin_contexts() {
  local repo="$1" contexts="$2" server
  for server in postgres rabbitmq redis; do
    rm -rf "${contexts:?}/$server"
    cp -a "$repo/scripts/compose-images/$server" "$contexts/$server"
    echo "local/$server:$IMAGE_TAG $contexts/$server"
  done
}

# standin_images REPO CONTEXT_DIR: only the server stand-ins, what the AppHost's container mode runs (its projects are
# processes of this machine, its dashboard is its own): scripts/container-smoke.sh.
standin_images() {
  local list="$2/standin-images.list"
  standin_contexts "$1" "$2" > "$list"
  build_images standin_images "$list"
}

# server_images REPO CONTEXT_DIR: the stand-ins for the official server images and the dashboard.
server_images() {
  local repo="$1" contexts="$2" list="$2/server-images.list"
  standin_contexts "$repo" "$contexts" > "$list"

  local dashboard
  dashboard=$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/aspire.dashboard.sdk.linux-x64/*/tools 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dashboard" ]; then
    echo "Restoring the AppHost for the Aspire dashboard's package (aspire.dashboard.sdk.linux-x64)"
    locked server_images dotnet restore "$repo/Birthday.AppHost" -nologo --disable-build-servers >/dev/null
    dashboard=$(ls -d "${NUGET_PACKAGES:-$HOME/.nuget/packages}"/aspire.dashboard.sdk.linux-x64/*/tools | sort -V | tail -n 1)
  fi
  rm -rf "$contexts/aspire-dashboard"
  mkdir -p "$contexts/aspire-dashboard"
  cp "$repo/scripts/compose-images/dashboard/Dockerfile" "$contexts/aspire-dashboard/"
  cp -a "$dashboard" "$contexts/aspire-dashboard/dashboard"
  # NuGet extracts files without their execute bit.
  chmod 755 "$contexts/aspire-dashboard/dashboard/Aspire.Dashboard"
  echo "local/aspire-dashboard:$IMAGE_TAG $contexts/aspire-dashboard" >> "$list"
  build_images server_images "$list"
}
