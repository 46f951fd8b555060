#!/usr/bin/env bash
# Serve the app for `make run`. Embedded default (no DATABASE_URL/REDIS_URL):
# Django's server alone, Celery eager. With REDIS_URL: also a Celery worker.
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
PY=.venv/bin/python
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

if [[ -n "${REDIS_URL:-}" ]]; then
  echo "Starting a Celery worker (queues default, ingest, reparse) on ${REDIS_URL}"
  .venv/bin/celery -A claims_tracker worker -l info -Q default,ingest,reparse -c "${WORKER_CONCURRENCY:-2}" &
  pids+=($!)
else
  echo "No REDIS_URL: background jobs run inline (Celery eager mode)."
fi
echo "Claims Tracker on http://127.0.0.1:${PORT}/  (Ctrl-C to stop)"
"$PY" manage.py runserver "127.0.0.1:${PORT}" --noreload &
pids+=($!)
wait -n "${pids[@]}"
