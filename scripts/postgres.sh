#!/usr/bin/env bash
# A PostgreSQL server of the project's own, from the Debian package (postgresql), for the tests and
# `make cluster`. It listens only on a Unix socket in its folder (mode 0700: its owner and root connect).
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user the package creates.
# shared_buffers (JOBEXPRESSWAY_PG_SHARED_BUFFERS, default 1GB, PostgreSQL's own 128MB otherwise) holds a
# million jobs' search documents and filter indexes, so a search reads them from its cache, not the kernel's.
#   scripts/postgres.sh start [DIR]   start (creating the cluster on first use); prints the DATABASE_URL
#   scripts/postgres.sh stop [DIR]
#   scripts/postgres.sh url [DIR]         the product's database
#   scripts/postgres.sh admin-url [DIR]   the server's maintenance database (the tests create theirs from it)
set -euo pipefail
cmd=${1:-start}
dir=$(realpath -m "${2:-${JOBEXPRESSWAY_PG_DIR:-data/postgres}}")
port=${JOBEXPRESSWAY_PG_PORT:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (Debian package postgresql)" >&2; exit 2; }
url="postgresql://jobexpressway@/jobexpressway?host=$dir&port=$port"
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $cmd in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$dir"
    # the server's user must reach its folder: open the parents for traversal only
    p=$(dirname "$dir"); while [ "$p" != / ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
  fi
  chmod 700 "$dir"
  if [ ! -f "$dir/cluster/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$dir/cluster" -U jobexpressway --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_owner "$bin/pg_ctl" -D "$dir/cluster" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$dir/cluster" -l "$dir/server.log" -w -t 60 \
      -o "-k $dir -p $port -c listen_addresses= -c unix_socket_permissions=0700 -c max_connections=300 -c shared_buffers=${JOBEXPRESSWAY_PG_SHARED_BUFFERS:-1GB} -c fsync=${JOBEXPRESSWAY_PG_FSYNC:-on}" \
      start >/dev/null
  fi
  if ! as_owner "$bin/psql" -h "$dir" -p "$port" -U jobexpressway -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = 'jobexpressway'" | grep -q 1; then
    as_owner "$bin/createdb" -h "$dir" -p "$port" -U jobexpressway jobexpressway
  fi
  echo "$url"
  ;;
stop)
  if [ -f "$dir/cluster/PG_VERSION" ]; then as_owner "$bin/pg_ctl" -D "$dir/cluster" -m fast -w stop >/dev/null || true; fi
  ;;
url)
  echo "$url"
  ;;
admin-url)
  echo "postgresql://jobexpressway@/postgres?host=$dir&port=$port"
  ;;
*)
  echo "usage: $0 start|stop|url|admin-url [DIR]" >&2; exit 2
  ;;
esac
