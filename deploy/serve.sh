#!/usr/bin/env bash
# `make serve`: a local Prefect server, the deployments of deploy/prefect.yaml and a
# worker, so an operator can open the UI and run them. By default the deployments
# archive the offline replica of the outlets into ./archive; NEWSARCHIVE_LIVE=1
# archives the live outlets instead. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PREFECT_PORT:-4200}
REPLICA_PORT=${NEWSARCHIVE_REPLICA_PORT:-8099}
export PREFECT_HOME=${PREFECT_HOME:-$PWD/.prefect}
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_API_URL=http://127.0.0.1:$PORT/api
export PREFECT_UI_API_URL=$PREFECT_API_URL
export NEWSARCHIVE_PROJECT_DIR=$PWD
export NEWSARCHIVE_STORE=${NEWSARCHIVE_STORE:-$PWD/archive}
mkdir -p "$PREFECT_HOME"

pids=()
stop_one() {
  # A worker answers SIGTERM by sending itself SIGINT, which a background process
  # ignores: a second SIGTERM stops it. SIGKILL only if that fails too.
  local pid=$1 signal
  for signal in TERM TERM KILL; do
    kill -"$signal" "$pid" 2>/dev/null || return 0
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  done
}
stop() {
  # The worker first (it reports to the server as it stops), the server last.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do stop_one "${pids[i]}"; done
}
trap stop EXIT
trap 'exit 130' INT TERM

"$PY" -m prefect server start --host 127.0.0.1 --port "$PORT" >"$PREFECT_HOME/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 120); do
  "$PY" -c "import urllib.request; urllib.request.urlopen('$PREFECT_API_URL/health', timeout=1)" 2>/dev/null && break
  sleep 0.5
done
"$PY" -c "import urllib.request; urllib.request.urlopen('$PREFECT_API_URL/health', timeout=2)" \
  || { echo "make serve: the Prefect server did not start; see $PREFECT_HOME/server.log" >&2; exit 1; }

if [ "${NEWSARCHIVE_LIVE:-0}" != 1 ]; then
  "$PY" -m spiders.replica serve --port "$REPLICA_PORT" --articles-per-outlet 30 >"$PREFECT_HOME/replica.log" 2>&1 &
  pids+=($!)
  export NEWSARCHIVE_REPLICA=http://127.0.0.1:$REPLICA_PORT
fi

"$PY" -m prefect --no-prompt work-pool create newsarchive --type process --overwrite >/dev/null
"$PY" -m prefect --no-prompt deploy --all --prefect-file deploy/prefect.yaml
if [ -n "${NEWSARCHIVE_ALERT_WEBHOOK:-}" ]; then
  "$PY" deploy/automations.py --webhook "$NEWSARCHIVE_ALERT_WEBHOOK"
fi

echo
echo "Prefect UI: http://127.0.0.1:$PORT   (store: $NEWSARCHIVE_STORE${NEWSARCHIVE_REPLICA:+, outlets: the replica at $NEWSARCHIVE_REPLICA})"
echo "Run one now:  PREFECT_API_URL=$PREFECT_API_URL $PY -m prefect deployment run newsarchive/sputnik"
echo "Ctrl-C stops the worker, the server and the replica."
"$PY" -m prefect worker start --pool newsarchive --type process --name "local-$(hostname)" &
pids+=($!)
wait "${pids[-1]}"
