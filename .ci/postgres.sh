# shellcheck shell=bash
# Starts a throwaway PostgreSQL cluster for the tests and exports MIKUCLOUD_TEST_POSTGRES; stops it on exit.
# Sourced by .ci/run. Usable by hand too:  source .ci/postgres.sh && start_test_postgres && dotnet test …
# Skips (tests then report "PostgreSQL tests need MIKUCLOUD_TEST_POSTGRES") when the binaries are missing or the
# variable is already set (e.g. pointing at a server of your own).

start_test_postgres() {
  if [ -n "${MIKUCLOUD_TEST_POSTGRES:-}" ]; then
    echo "postgres: using MIKUCLOUD_TEST_POSTGRES from the environment"
    return 0
  fi
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "postgres: no server binaries (apt-get install postgresql); PostgreSQL tests will be skipped"
    return 0
  fi

  local started=$SECONDS
  PG_TEST_DIR=$(mktemp -d /tmp/mikucloud-pg.XXXXXX)
  local as=()
  if [ "$(id -u)" = 0 ]; then
    # postgres refuses to run as root: run the cluster as the package's postgres user.
    chown postgres: "$PG_TEST_DIR"
    as=(runuser -u postgres --)
  fi
  local password port
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  printf '%s\n' "$password" > "$PG_TEST_DIR/pw"
  chmod 600 "$PG_TEST_DIR/pw"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_TEST_DIR/pw"

  if ! "${as[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U mikucloud --pwfile="$PG_TEST_DIR/pw" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 --no-sync --no-instructions >"$PG_TEST_DIR/initdb.log" 2>&1; then
    echo "postgres: initdb failed; PostgreSQL tests will be skipped"; sed 's/^/  /' "$PG_TEST_DIR/initdb.log"
    return 0
  fi
  rm -f "$PG_TEST_DIR/pw"
  # Durability off (a test cluster): fsync, synchronous_commit and full_page_writes cost time and buy nothing here.
  if ! "${as[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_TEST_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >/dev/null; then
    echo "postgres: server did not start; PostgreSQL tests will be skipped"; sed 's/^/  /' "$PG_TEST_DIR/server.log"
    return 0
  fi

  PG_TEST_BIN=$bin
  PG_TEST_AS=("${as[@]}")
  trap stop_test_postgres EXIT
  export MIKUCLOUD_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=mikucloud;Password=$password;Database=postgres"
  echo "postgres: $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (ready in $((SECONDS - started)) s)"
}

stop_test_postgres() {
  if [ -n "${PG_TEST_DIR:-}" ] && [ -d "$PG_TEST_DIR/data" ]; then
    "${PG_TEST_AS[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "${PG_TEST_DIR:-}" ] && rm -rf "$PG_TEST_DIR"
  unset MIKUCLOUD_TEST_POSTGRES PG_TEST_DIR
}
