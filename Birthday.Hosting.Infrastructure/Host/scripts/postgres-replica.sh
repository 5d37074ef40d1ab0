#!/usr/bin/env bash
# Starts the streaming read replica for host mode: clones the primary on first run (with its own replication slot, so
# the primary keeps the WAL the replica still needs), then becomes a hot standby.
set -euo pipefail
: "${PG_BIN:?}" "${PG_DATA:?}" "${PG_PORT:?}" "${PG_PRIMARY_PORT:?}" "${PG_PASSFILE:?}" "${PG_SLOT:?}"

source "$(dirname "$0")/postgres-server.sh"
chown postgres:postgres "$PG_PASSFILE"
chmod 600 "$PG_PASSFILE"

if [ ! -s "$PG_DATA/PG_VERSION" ]; then
  echo "cloning the primary on port $PG_PRIMARY_PORT into $PG_DATA"
  mkdir -p "$PG_DATA"
  chown postgres:postgres "$PG_DATA"
  chmod 700 "$PG_DATA"
  # A slot left by an earlier replica whose data was deleted would make -C fail; it is this replica's own slot.
  PGPASSFILE="$PG_PASSFILE" as_postgres "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -d postgres -qAt \
    -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$PG_SLOT' AND NOT active" >/dev/null
  PGPASSFILE="$PG_PASSFILE" as_postgres "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres \
    -D "$PG_DATA" -X stream -C -S "$PG_SLOT" -R
fi

# The primary's port changes from run to run, so the connection to it is given here rather than kept in the data folder.
exec_postgres \
  -c primary_conninfo="host=127.0.0.1 port=$PG_PRIMARY_PORT user=postgres passfile=$PG_PASSFILE application_name=replica" \
  -c primary_slot_name="$PG_SLOT"
