# Sourced by postgres-primary.sh and postgres-replica.sh: what both servers share. Postgres refuses to run as root, so
# everything runs as the postgres user.

as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

# Becomes the server (`exec` keeps it as the process that Aspire watches and stops), on loopback and the port Aspire
# chose, with the settings of the primary and the replica alike (a hot standby needs at least the primary's
# max_connections); the caller adds its own.
exec_postgres() {
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$PG_BIN/postgres" -D "$PG_DATA" \
    -c port="$PG_PORT" \
    -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$PG_DATA" \
    -c max_connections=500 \
    -c shared_buffers=256MB \
    -c hot_standby=on \
    -c logging_collector=off \
    -c log_min_messages=warning \
    "$@"
}
