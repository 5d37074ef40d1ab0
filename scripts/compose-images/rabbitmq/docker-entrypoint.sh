#!/usr/bin/env bash
# Entrypoint of the local RabbitMQ stand-in (see Dockerfile). As root, for `rabbitmq*` commands: write the Erlang cookie
# from RABBITMQ_ERLANG_COOKIE (mode 400, the rabbitmq user's), the default user from RABBITMQ_DEFAULT_USER /
# RABBITMQ_DEFAULT_PASS into conf.d, give /var/lib/rabbitmq to the rabbitmq user, and run again as that user.
set -euo pipefail

if [[ "${1:-}" == rabbitmq* ]] && [ "$(id -u)" = '0' ]; then
  if [ -n "${RABBITMQ_ERLANG_COOKIE:-}" ]; then
    cookie="$HOME/.erlang.cookie"
    rm -f "$cookie"
    printf '%s' "$RABBITMQ_ERLANG_COOKIE" > "$cookie"
    chmod 400 "$cookie"
    chown rabbitmq:rabbitmq "$cookie"
  fi
  if [ "$1" = 'rabbitmq-server' ]; then
    {
      if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then echo "default_user = $RABBITMQ_DEFAULT_USER"; fi
      if [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then echo "default_pass = $RABBITMQ_DEFAULT_PASS"; fi
    } > /etc/rabbitmq/conf.d/20-default-user.conf
    chown rabbitmq:rabbitmq /etc/rabbitmq/conf.d/20-default-user.conf
    chmod 600 /etc/rabbitmq/conf.d/20-default-user.conf
    find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq '{}' +
  fi
  exec gosu rabbitmq "${BASH_SOURCE[0]}" "$@"
fi

exec "$@"
