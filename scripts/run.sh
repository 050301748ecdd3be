#!/usr/bin/env bash
# One command: set everything up and start the portal (web + task worker) on SQLite with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DVC_DEV=${DVC_DEV:-1}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# Links in SMS and e-mails (tracking, payment) point at this server unless the operator says otherwise.
export DVC_PUBLIC_URL=${DVC_PUBLIC_URL:-http://$HOST:$PORT}
PY=.venv/bin/python

$PY manage.py migrate --noinput -v0
# The shared cache table (pending sign-ups, captcha tokens, tracking cards; idempotent; not needed with Redis).
$PY manage.py createcachetable
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo_data
$PY manage.py ensure_demo_logins
# Demo CA and one signing certificate per agency for electronic results (var/esign; kept between runs).
$PY manage.py esign_demo_keys >/dev/null

source scripts/vneid_demo.sh  # demo mode: a local VNeID stand-in for "Đăng nhập bằng VNeID"

$PY manage.py db_worker --queue-name "*" &
worker=$!
$PY manage.py sweep_notifications --every 60 &
sweeper=$!
# Periodic jobs (each idempotent; in production run them from cron, see docs/operations.md).
$PY manage.py delivery_sweep --every 60 &
postal=$!
$PY manage.py national_sync_sweep --every 60 -v0 &
national=$!
(while true; do
  $PY manage.py counters_send_reminders >/dev/null
  $PY manage.py processing_alerts >/dev/null
  $PY manage.py feedback_alerts >/dev/null
  $PY manage.py reports_refresh --since "$(date -d yesterday +%d/%m/%Y)" >/dev/null
  $PY manage.py esign_sign_pending >/dev/null
  $PY manage.py ratelimit_prune -v0
  $PY manage.py tasks_sweep_stale -v0
  sleep 900
done) &
reminders=$!
trap 'kill $worker $sweeper $postal $national $reminders $vneid 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Dịch vụ công đang chạy tại  http://$HOST:$PORT/
  API và tài liệu OpenAPI:    http://$HOST:$PORT/api/v1/docs
  Quản trị:                   http://$HOST:$PORT/quan-tri/${vneid:+
  VNeID thử nghiệm:           http://127.0.0.1:$VNEID_PORT/ (bấm “Đăng nhập bằng VNeID”)}
  (Dừng bằng Ctrl+C)

MSG
# Granian (a Rust HTTP server speaking WSGI) by default: it spends less CPU per request than gunicorn's
# Python HTTP handling (bench/README.md, issue 15). WEB_SERVER=gunicorn keeps the gthread alternative.
if [ "${WEB_SERVER:-granian}" = gunicorn ]; then
  .venv/bin/gunicorn config.wsgi:application --bind "$HOST:$PORT" --worker-class gthread --workers "${WEB_WORKERS:-2}" --threads 4 --keep-alive 30 --no-control-socket \
    --access-logfile - --log-level warning
else
  .venv/bin/granian --interface wsgi config.wsgi:application --host "$HOST" --port "$PORT" --workers "${WEB_WORKERS:-2}" \
    --blocking-threads 4 --no-ws --http 1 --access-log --log-level warning
fi
