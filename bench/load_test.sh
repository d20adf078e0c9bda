#!/usr/bin/env bash
# Load test: gunicorn (4 gthread workers) + PostgreSQL + a private Redis, 50 Locust users for 5 minutes.
# Loopback only; everything it starts is stopped on exit. Results: var/load/<stamp>_stats.csv and a summary.
#
#   bash bench/load_test.sh                 # defaults below
#   USERS=20 DURATION=1m bash bench/load_test.sh
set -Eeuo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-50}
SPAWN_RATE=${SPAWN_RATE:-10}
DURATION=${DURATION:-5m}
PORT=${PORT:-8001}
REDIS_PORT=${REDIS_PORT:-6392}
WORKERS=${WORKERS:-4}
THREADS=${THREADS:-4}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-tjsl_load}
BIN=.venv/bin
WORK=$(mktemp -d /tmp/tjsl-load.XXXXXX)
OUT=var/load
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p "$OUT"

export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="load-test-$(date +%s)-$RANDOM$RANDOM"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_STATIC_ROOT="$WORK/static" DJANGO_MEDIA_ROOT="$WORK/media"
export DATABASE_URL="$PG/$DB" REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" LOG_LEVEL=WARNING
# The login throttle counts failures only; the API throttle is not exercised here.

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== private Redis on 127.0.0.1:$REDIS_PORT"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
pids+=($!)

echo "== database $DB (fresh), migrate, demo data, static files"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py load_demo_data --force >/dev/null
$BIN/python manage.py collectstatic --noinput -v0

echo "== gunicorn on 127.0.0.1:$PORT ($WORKERS workers x $THREADS threads) and a Celery worker"
$BIN/gunicorn tjsl.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --worker-class gthread \
  --threads "$THREADS" --keep-alive 10 --no-control-socket --access-logfile /dev/null --error-logfile "$WORK/gunicorn.log" &
pids+=($!)
$BIN/celery -A tjsl worker --pool solo --loglevel WARNING --logfile "$WORK/celery.log" &
pids+=($!)
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz/" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "http://127.0.0.1:$PORT/healthz/"; echo

echo "== locust: $USERS users, spawn $SPAWN_RATE/s, $DURATION"
timeout --signal=INT "$(( $(echo "$DURATION" | sed 's/m$/*60/;s/s$//') + 60 ))" \
  $BIN/locust -f bench/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/$STAMP" --only-summary --stop-timeout 10 || true

echo "== summary ($OUT/${STAMP}_stats.csv)"
$BIN/python - "$OUT/${STAMP}_stats.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for row in rows:
    print(f"{row['Name'][:28]:28} {row['Request Count']:>7} req {row['Failure Count']:>4} err "
          f"p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  {float(row['Requests/s']):6.1f}/s")
PY
grep -iE "error|exception" "$WORK/gunicorn.log" | head -20 || true
echo "== handovers written by the run"
psql "$PG/$DB" -Atc "select status, count(*) from disbursements_disbursement group by status order by 1"
