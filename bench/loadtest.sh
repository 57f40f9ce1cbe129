#!/usr/bin/env bash
# Load test: gunicorn on 127.0.0.1 with production settings, wrk against a big story's timeline.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_1m bench/loadtest.sh
#   DATABASE_URL=sqlite:////tmp/scale/bench-1m.sqlite3 bench/loadtest.sh
#
# Settings (environment): STORY (synthetic), CONNECTIONS (50), DURATION (seconds per URL, 20),
# THREADS (wrk's, 2), WORKERS (gunicorn's, 4), PORT (8791), REDIS_URL (unset: each gunicorn
# worker keeps its own in-memory cache; set it to share one, e.g. redis://127.0.0.1:6379/3).
# Prints, per URL (the full page and its htmx fragment, each first page and "load more"):
# requests/s, errors (socket errors and non-2xx answers), and p50/p99 latency.
# Needs wrk (Debian: apt-get install wrk). Build the story first: manage.py build_synthetic_story.
set -euo pipefail

cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the database holding the story}"
STORY=${STORY:-synthetic}
CONNECTIONS=${CONNECTIONS:-50}
DURATION=${DURATION:-20}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-4}
PORT=${PORT:-8791}
PYTHON=.venv/bin/python
BASE="http://127.0.0.1:${PORT}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 2; }
if "$PYTHON" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $PORT)))"; then
  echo "port $PORT is taken by another server: set PORT" >&2
  exit 2
fi

# Production settings: no DEBUG, hashed static files from collectstatic, persistent connections.
export DEBUG=false ALLOWED_HOSTS=127.0.0.1 CONN_MAX_AGE=${CONN_MAX_AGE:-60} DATABASE_URL
"$PYTHON" manage.py collectstatic --noinput -v0
"$PYTHON" manage.py check --deploy --fail-level ERROR >/dev/null

log=$(mktemp)
"$PYTHON" -m gunicorn timeline.wsgi:application --bind "127.0.0.1:${PORT}" \
  --workers "$WORKERS" --backlog 2048 --access-logfile - --error-logfile - \
  >"$log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$BASE/stories/$STORY/" 2>/dev/null && break
  sleep 0.2
done
curl -fsS -o /dev/null "$BASE/stories/$STORY/" || { cat "$log" >&2; exit 1; }

# The "load more" link of the first page: the second page through its cursor.
cursor=$(curl -fsS -H "HX-Request: true" "$BASE/stories/$STORY/" \
  | grep -o 'after=[0-9-]*_[0-9]*' | head -1)

run() {  # label, path, extra wrk arguments
  local label=$1 path=$2
  shift 2
  # Every worker draws the page once before the clock starts (its cache, its connection).
  for _ in $(seq 1 $((WORKERS * 3))); do curl -fsS -o /dev/null "$@" "$BASE$path" 2>/dev/null || true; done
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$@" "$BASE$path")
  local rps p50 p99 non2xx sockerr
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx or 3xx responses/ {print $NF}' <<<"$out")
  sockerr=$(awk -F'[ ,]+' '/Socket errors/ {print $4 + $6 + $8 + $10}' <<<"$out")
  printf '%-34s %9s req/s  errors %-5s p50 %-9s p99 %s\n' "$label" "$rps" \
    "$(( ${non2xx:-0} + ${sockerr:-0} ))" "$p50" "$p99"
}

echo "$(date -u +%FT%TZ) · $(nproc) cores · load $(cut -d' ' -f1-3 /proc/loadavg) · ${DATABASE_URL%%:*}" \
  "· cache ${REDIS_URL:-per-process memory} · $WORKERS gunicorn workers" \
  "· wrk $THREADS threads, $CONNECTIONS connections, ${DURATION}s per URL"
run "timeline page" "/stories/$STORY/"
run "timeline htmx fragment" "/stories/$STORY/" -H "HX-Request: true"
if [ -n "$cursor" ]; then
  run "load more page" "/stories/$STORY/?$cursor"
  run "load more htmx fragment" "/stories/$STORY/?$cursor" -H "HX-Request: true"
fi
errors=$(grep -c '" 5[0-9][0-9] ' "$log" || true)
echo "server errors (5xx) in gunicorn's log: $errors"
