# Provides a PostgreSQL server for the tests and exports TEST_DATABASE_URL (an admin URL; each test
# creates its own database on it). Source it, then call `ensure_test_postgres`.
#
# In order: TEST_DATABASE_URL if set; else a server already answering on 127.0.0.1:5432 (trust
# auth, user postgres — as on this project's CI machine); else a throwaway cluster started here
# with Debian's initdb/pg_ctl in a temporary directory on a free port, as a non-root user, stopped
# when the tests end.

PG_THROWAWAY_DIR=""

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

pg_bin_dir() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo $((20000 + RANDOM % 20000))
}

stop_throwaway_postgres() {
  if [ -n "$PG_THROWAWAY_DIR" ]; then
    run_as_pg "$PG_BIN/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$PG_THROWAWAY_DIR"
  fi
}

run_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

ensure_test_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then
    echo "PostgreSQL: TEST_DATABASE_URL is set"
    return 0
  fi
  if port_open 127.0.0.1 5432; then
    export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    echo "PostgreSQL: using the server on 127.0.0.1:5432"
    return 0
  fi
  PG_BIN="$(pg_bin_dir)" || { apt_install postgresql >/dev/null && PG_BIN="$(pg_bin_dir)"; } || die \
    "no PostgreSQL for the tests: set TEST_DATABASE_URL, run a server on 127.0.0.1:5432, or install Debian's postgresql package"
  # initdb refuses to run as root: use the package's postgres user, or the current user.
  PG_USER="$(id -un)"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    PG_USER=postgres
  fi
  PG_THROWAWAY_DIR="$(mktemp -d -t mealvote-pg.XXXXXX)"
  chmod 755 "$PG_THROWAWAY_DIR"
  [ "$(id -u)" -eq 0 ] && chown "$PG_USER" "$PG_THROWAWAY_DIR"
  local port; port="$(free_port)"
  echo "PostgreSQL: starting a throwaway cluster on 127.0.0.1:$port ($PG_THROWAWAY_DIR)"
  run_as_pg "$PG_BIN/initdb" -D "$PG_THROWAWAY_DIR/data" -U postgres -A trust --no-sync >/dev/null
  # -w waits until the server accepts connections (no sleeping).
  run_as_pg "$PG_BIN/pg_ctl" -D "$PG_THROWAWAY_DIR/data" -w -l "$PG_THROWAWAY_DIR/log" \
    -o "-p $port -k $PG_THROWAWAY_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  trap stop_throwaway_postgres EXIT
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
}
