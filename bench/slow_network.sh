#!/usr/bin/env bash
# Pages over a slow mobile connection (400 ms, 400 kbit/s), under production settings:
# gunicorn with DEBUG off and hashed, compressed static files, on a fresh PostgreSQL database
# with the demo data. Loopback only; everything it starts is stopped on exit.
#
#   bash bench/slow_network.sh            # RUNS=3 loads per page and mode
set -Eeuo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8002}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
DB=${DB:-tjsl_slow}
BIN=.venv/bin
WORK=$(mktemp -d /tmp/tjsl-slow.XXXXXX)

export DJANGO_DEBUG=0 DJANGO_SECURE=0 DJANGO_SECRET_KEY="slow-network-$(date +%s)-$RANDOM$RANDOM"
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_STATIC_ROOT="$WORK/static" DJANGO_MEDIA_ROOT="$WORK/media"
export DATABASE_URL="$PG/$DB" LOG_LEVEL=WARNING TJSL_VAR_DIR="$WORK"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== database $DB (fresh), migrate, demo data, static files"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py load_demo_data --force >/dev/null
$BIN/python manage.py collectstatic --noinput -v0
HANDOVER=$(psql "$PG/$DB" -Atc "select min(id) from disbursements_disbursement where number <> ''")

echo "== gunicorn on 127.0.0.1:$PORT (2 workers)"
$BIN/gunicorn tjsl.wsgi --bind "127.0.0.1:$PORT" --workers 2 --no-control-socket \
  --access-logfile /dev/null --error-logfile "$WORK/gunicorn.log" &
pids+=($!)
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$PORT/healthz/" >/dev/null 2>&1 && break; sleep 0.5; done

$BIN/python bench/slow_network.py "http://127.0.0.1:$PORT" "$HANDOVER"
