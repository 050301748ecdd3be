#!/usr/bin/env bash
# Dossier benchmark, one command (see "Dossiers: submission and tracking" in bench/README.md):
# PostgreSQL database dvc_bench_dossiers with ≥ 1M dossiers, query counts + EXPLAIN, the server, load.
# SERVER=granian (default) or SERVER=gunicorn (gthread).
#
#   bash bench/dossiers_run.sh                  # reuse/seed dvc_bench_dossiers (seed is idempotent)
#   FRESH=1 bash bench/dossiers_run.sh          # drop and re-create the database first (~2.5 min seed)
#   DURATION=20 CONCURRENCY=16 SCENARIOS=tracking,tracking-html,submit PROFILE=1 bash bench/dossiers_run.sh
#
# Bounded: each scenario runs WARMUP + DURATION seconds (DURATION ≤ 60), loopback only; gunicorn is
# stopped on exit (trap). PostgreSQL only: without a server on 127.0.0.1:5432 it stops.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
VAR=${BENCH_VAR:-bench/.var}
mkdir -p "$VAR"
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
DB_NAME=${DB_NAME:-dvc_bench_dossiers}
BIND=127.0.0.1:${BENCH_PORT:-8766}
SCENARIOS=${SCENARIOS:-tracking,tracking-html,submit-one,submit}
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
CONCURRENCY=${CONCURRENCY:-16}
LOADGEN_PROCESSES=${LOADGEN_PROCESSES:-2}
DOSSIERS=${DOSSIERS:-1000000}
GUNICORN_WORKERS=${GUNICORN_WORKERS:-2}
GUNICORN_THREADS=${GUNICORN_THREADS:-4}
if (( DURATION > 60 )); then echo "DURATION must be ≤ 60 s"; exit 2; fi

export DVC_DEV=1 DEBUG=0 LOG_LEVEL=WARNING
export STATIC_ROOT="$PWD/$VAR/static" MEDIA_ROOT="$PWD/$VAR/media"  # uploads stay inside bench/.var
export DB_POOL=1 DB_POOL_MIN=${DB_POOL_MIN:-2} DB_POOL_MAX=${DB_POOL_MAX:-4}
export DVC_TRACKING_PER_IP_MINUTE=100000000  # the load comes from one IP: lift the per-IP limit
# A shared cache as in production (tracking cards and rate limits seen by both workers): Redis when one
# answers on 127.0.0.1:6379 (database 15), else each process keeps its own (LocMem).
if [[ -z "${CACHE_BACKEND:-}" ]] && (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  export CACHE_BACKEND=django.core.cache.backends.redis.RedisCache CACHE_LOCATION=redis://127.0.0.1:6379/15
  # Another bench database (or CI) on the same Redis counts apart; a fresh database also starts with fresh
  # counters (the demo loader's PAKN count against a daily limit per contact, kept 24 h in Redis).
  suffix=""
  [[ "${FRESH:-0}" == 1 ]] && suffix="-$(date +%s)"
  export CACHE_KEY_PREFIX="${CACHE_KEY_PREFIX:-$DB_NAME$suffix}"
fi
echo "== cache: ${CACHE_BACKEND:-local memory per process}"

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  echo "!! No PostgreSQL server on $PGHOST:$PGPORT: this benchmark needs PostgreSQL. Stopping."
  exit 1
fi
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME"
if [[ "${FRESH:-0}" == 1 ]]; then
  echo "== fresh PostgreSQL database $DB_NAME on $PGHOST:$PGPORT"
  dropdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" --if-exists "$DB_NAME"
fi
createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$DB_NAME" 2>/dev/null || true

echo "== seed ($DOSSIERS dossiers; skipped when already there)"
$PY bench/dossiers_seed.py --dossiers "$DOSSIERS" --out "$VAR" | tee "$VAR/dossiers_seed.txt"
$PY manage.py collectstatic --noinput -v0

echo "== query count per request, EXPLAIN ANALYZE of the tracking lookup"
PROFILE_FLAG=()
[[ "${PROFILE:-0}" == 1 ]] && PROFILE_FLAG=(--profile)
$PY bench/dossiers_query_count.py --var "$VAR" --explain "${PROFILE_FLAG[@]}" | tee "$VAR/dossiers_query_count.txt"

SERVER=${SERVER:-granian}
if [[ "$SERVER" == granian ]]; then
  echo "== granian on $BIND: $GUNICORN_WORKERS workers x $GUNICORN_THREADS blocking threads (WSGI)"
  .venv/bin/granian --interface wsgi config.wsgi:application --host 127.0.0.1 --port "${BIND##*:}" \
    --workers "$GUNICORN_WORKERS" --blocking-threads "$GUNICORN_THREADS" --backlog 512 --no-ws \
    --http 1 --log-level warning > "$PWD/$VAR/dossiers_server.log" 2>&1 &
else
  echo "== gunicorn on $BIND: $GUNICORN_WORKERS workers x $GUNICORN_THREADS threads (gthread)"
  .venv/bin/gunicorn config.wsgi:application --bind "$BIND" --worker-class gthread \
    --workers "$GUNICORN_WORKERS" --threads "$GUNICORN_THREADS" --keep-alive 30 \
    --backlog 512 --log-level warning --error-logfile "$PWD/$VAR/dossiers_server.log" &
fi
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

for _ in $(seq 150); do
  if curl -fsS -o "$VAR/dossiers_openapi.json" "http://$BIND/api/v1/openapi.json" 2>/dev/null; then break; fi
  kill -0 "$GUNICORN_PID" 2>/dev/null || { echo "the server died, see $VAR/dossiers_server.log"; exit 1; }
  sleep 0.2
done
# The API routes actually served (the OpenAPI document): pick the scenarios that can run.
has_route() { grep -q "\"$1\"" "$VAR/dossiers_openapi.json"; }
RUN=()
IFS=, read -ra WANTED <<< "$SCENARIOS"
for s in "${WANTED[@]}"; do
  case "$s" in
    tracking) has_route /api/v1/tracking && RUN+=(tracking) || echo "!! no /api/v1/tracking: skipping tracking (tracking-html still runs)";;
    submit) if has_route /api/v1/dossiers/{public_id}/submit; then RUN+=(submit)
            else echo "!! no dossiers API: the submission cannot be measured over HTTP"; fi;;
    submit-one) if has_route /api/v1/submissions; then RUN+=(submit-one)
            else echo "!! no /api/v1/submissions: skipping submit-one"; fi;;
    *) RUN+=("$s");;
  esac
done
LIST=$(IFS=,; echo "${RUN[*]}")

echo "== load: $LIST, $CONCURRENCY connections, ${WARMUP}s warm-up + ${DURATION}s each"
echo "   (load average before: $(cut -d" " -f1-3 /proc/loadavg); other processes share the 2 cores)"
status=0
$PY bench/dossiers_loadgen.py --base-url "http://$BIND" --scenario "$LIST" --var "$VAR" \
  --concurrency "$CONCURRENCY" --processes "$LOADGEN_PROCESSES" --duration "$DURATION" --warmup "$WARMUP" \
  --json "$VAR/dossiers_results.json" --server-pid "$GUNICORN_PID" || status=$?
echo "   (load average after: $(cut -d" " -f1-3 /proc/loadavg))"
echo "(JSON: $VAR/dossiers_results.json; database: $DATABASE_URL)"
exit "$status"
