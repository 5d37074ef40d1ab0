#!/bin/sh
# Entrypoint of the local Redis stand-in (see Dockerfile): options alone mean `redis-server <options>`; as root, the
# server gets the working directory (/data) and runs as the redis user.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi

exec "$@"
