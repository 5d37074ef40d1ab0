#!/usr/bin/env bash
# Starts the PostgreSQL primary for host mode: initialises the data folder on first run, then becomes the server
# (postgres-server.sh: as the postgres user, which it must be).
set -euo pipefail
: "${PG_BIN:?}" "${PG_DATA:?}" "${PG_PORT:?}" "${PG_PASSWORD_FILE:?}" "${PG_DATABASE:?}"

source "$(dirname "$0")/postgres-server.sh"

if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  echo "initialising a new PostgreSQL cluster in $PG_DATA"
  mkdir -p "$PG_DATA"
  chown postgres:postgres "$PG_DATA" "$PG_PASSWORD_FILE"
  chmod 700 "$PG_DATA"
  as_postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$PG_PASSWORD_FILE" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  echo "CREATE DATABASE \"$PG_DATABASE\";" | as_postgres "$PG_BIN/postgres" --single -D "$PG_DATA" postgres >/dev/null
  echo "created database $PG_DATABASE"
fi

# Durable commits, as in the exported files (Postgres's default synchronous_commit=on): a 201 means the user and its
# messages are on disk, here too, so what the benchmarks measure is what production pays.
exec_postgres \
  -c wal_level=replica \
  -c max_wal_senders=10 \
  -c max_replication_slots=10
