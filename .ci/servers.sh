#!/usr/bin/env bash
# Starts (or stops) a throw-away PostgreSQL and Redis on loopback for the store tests, from Debian packages.
#   source .ci/servers.sh && start_test_servers   # exports CDS_TEST_POSTGRES and CDS_TEST_REDIS
#   stop_test_servers
# PostgreSQL refuses to run as root, so as root it runs as the 'postgres' user. Nothing is persisted.

CDS_PG_PORT=${CDS_PG_PORT:-54329}
CDS_REDIS_PORT=${CDS_REDIS_PORT:-63799}

start_test_servers() {
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "installing redis-server (apt)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >/dev/null 2>&1 \
      || echo "could not install redis-server: the Redis tests will be skipped"
  fi

  local pgbin
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pgbin" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing postgresql (apt)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1
    pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  fi

  CDS_SERVERS_DIR=$(mktemp -d /tmp/cds-test-servers.XXXXXX)
  chmod 755 "$CDS_SERVERS_DIR"
  export CDS_SERVERS_DIR

  if [ -n "$pgbin" ]; then
    local as=()
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$CDS_SERVERS_DIR" 2>/dev/null && as=(runuser -u postgres --)
    fi
    if "${as[@]}" "$pgbin/initdb" -D "$CDS_SERVERS_DIR/pg" -U cds --auth=trust -E UTF8 >"$CDS_SERVERS_DIR/initdb.log" 2>&1 \
      && "${as[@]}" "$pgbin/pg_ctl" -D "$CDS_SERVERS_DIR/pg" -l "$CDS_SERVERS_DIR/pg.log" -w \
           -o "-c listen_addresses=127.0.0.1 -p $CDS_PG_PORT -k $CDS_SERVERS_DIR -c fsync=off -c max_connections=500" start >/dev/null; then
      export CDS_PG_BIN=$pgbin
      export CDS_TEST_POSTGRES="Host=127.0.0.1;Port=$CDS_PG_PORT;Username=cds;Database=postgres"
      echo "PostgreSQL on 127.0.0.1:$CDS_PG_PORT"
    else
      echo "PostgreSQL did not start (see $CDS_SERVERS_DIR): its tests will be skipped"
    fi
  else
    echo "PostgreSQL is not installed: its tests will be skipped"
  fi

  if command -v redis-server >/dev/null 2>&1 \
    && redis-server --bind 127.0.0.1 --port "$CDS_REDIS_PORT" --save "" --appendonly no --daemonize yes \
         --pidfile "$CDS_SERVERS_DIR/redis.pid" --logfile "$CDS_SERVERS_DIR/redis.log" --dir "$CDS_SERVERS_DIR"; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$CDS_SERVERS_DIR/redis.pid" ] && break; sleep 0.2; done
    export CDS_TEST_REDIS="127.0.0.1:$CDS_REDIS_PORT"
    echo "Redis on 127.0.0.1:$CDS_REDIS_PORT"
  else
    echo "Redis is not available: its tests will be skipped"
  fi
}

stop_test_servers() {
  [ -n "${CDS_SERVERS_DIR:-}" ] || return 0
  if [ -s "$CDS_SERVERS_DIR/redis.pid" ]; then
    kill "$(cat "$CDS_SERVERS_DIR/redis.pid")" 2>/dev/null
  fi
  if [ -n "${CDS_PG_BIN:-}" ] && [ -d "$CDS_SERVERS_DIR/pg" ]; then
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$CDS_PG_BIN/pg_ctl" -D "$CDS_SERVERS_DIR/pg" -m fast -w stop >/dev/null 2>&1
  fi
  rm -rf "$CDS_SERVERS_DIR"
}
