#!/usr/bin/env bash
# Search and procedure-detail load benchmark, one command (see bench/README.md).
#
#   bash bench/run.sh                 # fresh PostgreSQL db dvc_bench, seed, gunicorn, 4 scenarios
#   DURATION=30 CONCURRENCY=16 bash bench/run.sh
#   REUSE_DB=1 bash bench/run.sh      # keep the already-seeded dvc_bench (skips drop/create/seed)
#   GUNICORN_WORKERS=3 GUNICORN_THREADS=2 bash bench/run.sh
#
# Stops by itself: every scenario is bounded by DURATION (≤ 120 s), and gunicorn is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
VAR=bench/.var
mkdir -p "$VAR"
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
DB_NAME=${DB_NAME:-dvc_bench}
BIND=127.0.0.1:${BENCH_PORT:-8765}
SCENARIOS=${SCENARIOS:-search,api-search,detail,api-detail}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
CONCURRENCY=${CONCURRENCY:-16}
LOADGEN_PROCESSES=${LOADGEN_PROCESSES:-2}
MAX_REQUESTS=${MAX_REQUESTS:-500000}
# 2 cores shared by gunicorn, PostgreSQL and the load generator: see bench/README.md for the sweep.
GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}
GUNICORN_THREADS=${GUNICORN_THREADS:-4}

export DVC_DEV=1 DEBUG=0 LOG_LEVEL=WARNING
export STATIC_ROOT="$PWD/$VAR/static"  # collectstatic output stays inside bench/
export DB_POOL_MIN=${DB_POOL_MIN:-2} DB_POOL_MAX=${DB_POOL_MAX:-4}

if command -v pg_isready >/dev/null && pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME"
  if [[ "${REUSE_DB:-0}" != 1 ]]; then
    echo "== fresh PostgreSQL database $DB_NAME on $PGHOST:$PGPORT"
    dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists "$DB_NAME"
    createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$DB_NAME"
  fi
else
  echo "!! No PostgreSQL server on $PGHOST:$PGPORT: FALLING BACK TO SQLITE ($VAR/bench.sqlite3)."
  echo "!! The figures are then not comparable with the PostgreSQL target in bench/README.md."
  unset DATABASE_URL
  export SQLITE_PATH="$PWD/$VAR/bench.sqlite3"
  [[ "${REUSE_DB:-0}" == 1 ]] || rm -f "$SQLITE_PATH" "$SQLITE_PATH-wal" "$SQLITE_PATH-shm"
fi

if [[ "${REUSE_DB:-0}" != 1 || ! -s "$VAR/codes.txt" ]]; then
  echo "== migrate and seed"
  $PY manage.py migrate --noinput -v0
  $PY bench/seed.py --codes-out "$VAR/codes.txt"
fi
$PY manage.py collectstatic --noinput -v0

echo "== query count per request"
$PY bench/query_count.py --codes-file "$VAR/codes.txt" | tee "$VAR/query_count.txt"

echo "== gunicorn on $BIND: $GUNICORN_WORKERS workers x $GUNICORN_THREADS threads (gthread)"
.venv/bin/gunicorn config.wsgi:application --bind "$BIND" --worker-class gthread \
  --workers "$GUNICORN_WORKERS" --threads "$GUNICORN_THREADS" --keep-alive 30 \
  --backlog 512 --log-level warning --error-logfile "$VAR/gunicorn.log" &
GUNICORN_PID=$!
cleanup() {
  if kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$GUNICORN_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$GUNICORN_PID" 2>/dev/null || true
  fi
  wait "$GUNICORN_PID" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

for _ in $(seq 100); do
  if $PY -c "import http.client as h; c=h.HTTPConnection('$BIND', timeout=1); c.request('GET', '/thu-tuc/'); \
assert c.getresponse().status == 200" 2>/dev/null; then break; fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "gunicorn died, see $VAR/gunicorn.log"; exit 1; }
  sleep 0.2
done

echo "== load: $SCENARIOS, $CONCURRENCY connections, ${WARMUP}s warm-up + ${DURATION}s each"
status=0
$PY bench/loadgen.py --base-url "http://$BIND" --scenario "$SCENARIOS" --codes-file "$VAR/codes.txt" \
  --concurrency "$CONCURRENCY" --processes "$LOADGEN_PROCESSES" --duration "$DURATION" --warmup "$WARMUP" \
  --max-requests "$MAX_REQUESTS" --json "$VAR/results.json" || status=$?
echo "(JSON: $VAR/results.json; database: ${DATABASE_URL:-sqlite $SQLITE_PATH})"
exit "$status"
