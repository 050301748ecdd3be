#!/usr/bin/env bash
# What a submission leaves to the task worker (issue 15 moved the facts refresh, the national-sync record
# and the notification rendering/delivery out of the request): empties the task table of the bench
# database, runs the one-request submission scenario, then drains every queue with one `db_worker --batch`
# and prints the worker's and PostgreSQL's CPU per submission.
#
#   bash bench/dossiers_worker_cost.sh          # after bench/dossiers_run.sh has seeded dvc_bench_dossiers
set -euo pipefail
cd "$(dirname "$0")/.."
DB_NAME=${DB_NAME:-dvc_bench_dossiers}
PSQL=(psql -h 127.0.0.1 -U postgres -qtA "$DB_NAME")
"${PSQL[@]}" -c "DELETE FROM django_tasks_database_dbtaskresult"
last_event=$("${PSQL[@]}" -c "SELECT coalesce(max(id), 0) FROM dossiers_dossierevent")
SERVER=${SERVER:-granian} CONCURRENCY=${CONCURRENCY:-8} DURATION=${DURATION:-20} WARMUP=0 SCENARIOS=submit-one \
  bash bench/dossiers_run.sh > bench/.var/worker_cost_load.log 2>&1
# Submissions = "dossier.submitted" events written since the table was emptied (the seed dates some of
# today's dossiers later in the day, so submitted_at cannot tell).
made=$("${PSQL[@]}" -c "SELECT count(*) FROM dossiers_dossierevent WHERE action = 'submit' AND id > $last_event")
"${PSQL[@]}" -c "SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1 ORDER BY 1"
# Deferred deliveries (the short hold that combines news for one address) are due now.
"${PSQL[@]}" -c "UPDATE django_tasks_database_dbtaskresult SET run_after = now() - interval '1 second' WHERE run_after > now()"
pg_before=$(awk '{s+=$14+$15+$16+$17} END {print s}' $(pgrep -x postgres | sed 's#.*#/proc/&/stat#'))
export DVC_DEV=1 DEBUG=0 LOG_LEVEL=WARNING DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB_NAME"
export STATIC_ROOT="$PWD/bench/.var/static" MEDIA_ROOT="$PWD/bench/.var/media"
if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  export CACHE_BACKEND=django.core.cache.backends.redis.RedisCache CACHE_LOCATION=redis://127.0.0.1:6379/15
  export CACHE_KEY_PREFIX="$DB_NAME"
fi
start=$(date +%s.%N)
/usr/bin/time -f "%U %S" -o bench/.var/worker_cost_time.txt .venv/bin/python manage.py db_worker --batch \
  --queue-name '*' --no-startup-delay > bench/.var/worker_cost_worker.log 2>&1
wall=$(echo "$(date +%s.%N) - $start" | bc)
pg_after=$(awk '{s+=$14+$15+$16+$17} END {print s}' $(pgrep -x postgres | sed 's#.*#/proc/&/stat#'))
read -r user sys < bench/.var/worker_cost_time.txt
tick=$(getconf CLK_TCK)
echo "submissions made: $made; drained in ${wall} s"
echo "worker CPU per submission: $(echo "scale=2; 1000 * ($user + $sys) / $made" | bc) ms"
echo "PostgreSQL CPU per submission while draining: $(echo "scale=2; 1000 * ($pg_after - $pg_before) / $tick / $made" | bc) ms"
"${PSQL[@]}" -c "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1"
