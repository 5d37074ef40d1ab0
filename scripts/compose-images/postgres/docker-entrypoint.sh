#!/usr/bin/env bash
# Entrypoint of the local Postgres stand-in (see Dockerfile): the documented behaviour of the official image's
# entrypoint, written for this check.
#   - `postgres …` (or a first argument starting with '-'): as root, create PGDATA and /var/run/postgresql, give them to
#     the postgres user and run again as that user;
#   - on an empty PGDATA: initdb with POSTGRES_USER and POSTGRES_PASSWORD (+ POSTGRES_INITDB_ARGS), a `host all all all`
#     rule with POSTGRES_HOST_AUTH_METHOD (default: the password encryption), then a socket-only temporary server that
#     creates POSTGRES_DB and runs /docker-entrypoint-initdb.d/* (*.sh sourced or run, *.sql through psql);
#   - finally exec the command.
set -Eeo pipefail

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

if [ "$1" != 'postgres' ]; then
  exec "$@"
fi

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
: "${POSTGRES_HOST_AUTH_METHOD:=}"
export POSTGRES_USER POSTGRES_DB

mkdir -p "$PGDATA" /var/run/postgresql
chmod 700 "$PGDATA" || :
chmod 3775 /var/run/postgresql || :
if [ "$(id -u)" = '0' ]; then
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
  find /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
  exec gosu postgres "${BASH_SOURCE[0]}" "$@"
fi

run_sql() {
  PGHOST= PGHOSTADDR= psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"
}

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
    echo "Error: Database is uninitialized and superuser password is not specified (POSTGRES_PASSWORD)." >&2
    exit 1
  fi
  eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"${POSTGRES_INITDB_ARGS:-}"
  shift_args=("${@:2}")
  auth="${POSTGRES_HOST_AUTH_METHOD:-$(postgres -D "$PGDATA" -C password_encryption "${shift_args[@]}")}"
  printf '\nhost all all all %s\n' "$auth" >> "$PGDATA/pg_hba.conf"

  export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
  pg_ctl -D "$PGDATA" -o "$(printf '%q ' "${shift_args[@]}" -c listen_addresses='' -p "${PGPORT:-5432}")" -w start
  if [ "$POSTGRES_DB" != 'postgres' ]; then
    exists=$(run_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
    if [ -z "$exists" ]; then
      run_sql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
    fi
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) if [ -x "$f" ]; then echo "$0: running $f"; "$f"; else echo "$0: sourcing $f"; . "$f"; fi ;;
      *.sql) echo "$0: running $f"; run_sql --dbname "$POSTGRES_DB" -f "$f" ;;
      *) if [ -e "$f" ]; then echo "$0: ignoring $f"; fi ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo 'PostgreSQL init process complete; ready for start up.'
else
  echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
fi

exec "$@"
