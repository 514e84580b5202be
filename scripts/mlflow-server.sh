#!/usr/bin/env bash
# Runs a local MLflow tracking server for Fermion: a pinned mlflow in its own venv, a sqlite backend
# and proxied artifacts under one data directory, bound to loopback only.
#
#   scripts/mlflow-server.sh start [--port N] [--host ADDR] [--basic-auth]
#                                               start (or reuse) the server, print its URL; --host: the address it
#                                               listens on instead of 127.0.0.1 (e.g. the address pods reach the
#                                               host by, as e2e/run.sh does); with --basic-auth
#                                               MLflow's basic-auth app, whose admin is MLFLOW_TRACKING_USERNAME
#                                               with password MLFLOW_TRACKING_PASSWORD (set on the first start)
#   scripts/mlflow-server.sh stop               stop it
#   scripts/mlflow-server.sh status             exit 0 and print the URL if it answers /health
#   scripts/mlflow-server.sh url                print the URL of the running server
#   scripts/mlflow-server.sh install            only create the venv
#
# Environment:
#   FERMION_HOME          default ~/.fermion
#   FERMION_MLFLOW_VENV   the venv, default $FERMION_HOME/mlflow-venv (shared by every data directory)
#   FERMION_MLFLOW_DATA   database, artifacts, log and state files, default $FERMION_HOME/mlflow
#   FERMION_MLFLOW_START_TIMEOUT  seconds to wait for /health, default 120
set -euo pipefail

MLFLOW_VERSION="3.17.2"

FERMION_HOME="${FERMION_HOME:-$HOME/.fermion}"
VENV="${FERMION_MLFLOW_VENV:-$FERMION_HOME/mlflow-venv}"
DATA="${FERMION_MLFLOW_DATA:-$FERMION_HOME/mlflow}"
START_TIMEOUT="${FERMION_MLFLOW_START_TIMEOUT:-120}"
PID_FILE="$DATA/server.pid"
PORT_FILE="$DATA/server.port"
AUTH_FILE="$DATA/server.auth"
HOST_FILE="$DATA/server.host"
LOG_FILE="$DATA/server.log"

die() { echo "mlflow-server: $*" >&2; exit 1; }

url_for() { echo "http://$(cat "$HOST_FILE" 2>/dev/null || echo 127.0.0.1):$1"; }

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

healthy() {
  curl -fsS --max-time 2 "$(url_for "$1")/health" >/dev/null 2>&1
}

install_venv() {
  # The auth extra brings what MLflow's basic-auth app needs (Flask-WTF).
  local marker="$VENV/.fermion-mlflow-$MLFLOW_VERSION-auth" started=$SECONDS
  if [[ -f "$marker" ]]; then
    [[ ${1:-} != --say ]] || echo "mlflow-server: mlflow $MLFLOW_VERSION is installed in $VENV" >&2
    return 0
  fi
  # A lock keeps parallel test JVMs or shells from installing into the same venv at once.
  mkdir -p "$(dirname "$VENV")"
  exec 9>"$VENV.lock"
  flock 9
  if [[ ! -f "$marker" ]]; then
    echo "mlflow-server: installing mlflow[auth]==$MLFLOW_VERSION into $VENV (about 850 MB, once; minutes)" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet "mlflow[auth]==$MLFLOW_VERSION" >&2
    touch "$marker"
    echo "mlflow-server: installed mlflow $MLFLOW_VERSION in $((SECONDS - started)) s" >&2
  fi
  flock -u 9
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The basic-auth app's settings: its user store next to the tracking data, the admin from the environment,
# and the key of its CSRF protection kept (owner-only) in the data directory, so restarts keep sessions.
configure_basic_auth() {
  [[ -n "${MLFLOW_TRACKING_USERNAME:-}" && -n "${MLFLOW_TRACKING_PASSWORD:-}" ]] \
    || die "--basic-auth needs MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD: the admin user of the server"
  printf '%s\n' "[mlflow]" "default_permission = READ" "database_uri = sqlite:///$DATA/basic_auth.db" \
    "admin_username = $MLFLOW_TRACKING_USERNAME" \
    "authorization_function = mlflow.server.auth:authenticate_request_basic_auth" > "$DATA/basic_auth.ini"
  if [[ ! -s "$DATA/flask-secret-key" ]]; then
    (umask 077 && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA/flask-secret-key")
  fi
  export MLFLOW_AUTH_CONFIG_PATH="$DATA/basic_auth.ini"
  export MLFLOW_AUTH_ADMIN_PASSWORD="$MLFLOW_TRACKING_PASSWORD"
  MLFLOW_FLASK_SERVER_SECRET_KEY="$(cat "$DATA/flask-secret-key")"
  export MLFLOW_FLASK_SERVER_SECRET_KEY
}

start() {
  local port="" auth="none" host=127.0.0.1
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --port) port="$2"; shift 2 ;;
      --host) host="$2"; shift 2 ;;
      --basic-auth) auth="basic"; shift ;;
      *) die "unknown option $1" ;;
    esac
  done
  mkdir -p "$DATA/artifacts"
  if pid="$(running_pid)" && healthy "$(cat "$PORT_FILE")"; then
    [[ "$(cat "$HOST_FILE" 2>/dev/null || echo 127.0.0.1)" == "$host" ]] \
      || die "the server of $DATA already runs on another address: stop it first"
    # Reusing a server with auth is fine (clients bring credentials); asking for auth and getting an open one is not.
    [[ "$auth" == "none" || "$(cat "$AUTH_FILE" 2>/dev/null)" == "$auth" ]] \
      || die "the server of $DATA already runs without basic auth: stop it first"
    url_for "$(cat "$PORT_FILE")"
    return 0
  fi
  install_venv
  [[ -n "$port" ]] || port="$(free_port)"
  local app=()
  if [[ "$auth" == "basic" ]]; then
    configure_basic_auth
    app=(--app-name basic-auth)
  fi
  # The UI and the REST clients reach the server by these names; MLflow 3.5+ rejects any other Host.
  local hosts="localhost:$port,127.0.0.1:$port,localhost,127.0.0.1"
  [[ "$host" == 127.0.0.1 ]] || hosts+=",$host:$port,$host"
  # setsid makes the server the leader of its own process group, so stop can end its workers too.
  setsid "$VENV/bin/mlflow" server "${app[@]}" \
      --host "$host" --port "$port" \
      --backend-store-uri "sqlite:///$DATA/mlflow.db" \
      --serve-artifacts --artifacts-destination "$DATA/artifacts" \
      --allowed-hosts "$hosts" \
      --workers 1 \
      >"$LOG_FILE" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$PID_FILE"
  echo "$port" > "$PORT_FILE"
  echo "$auth" > "$AUTH_FILE"
  echo "$host" > "$HOST_FILE"
  local deadline=$(( SECONDS + START_TIMEOUT ))
  until healthy "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      die "server exited before answering /health (log: $LOG_FILE)"
    fi
    if (( SECONDS >= deadline )); then
      tail -n 30 "$LOG_FILE" >&2 || true
      stop
      die "server did not answer /health within ${START_TIMEOUT}s (log: $LOG_FILE)"
    fi
    sleep 0.5
  done
  echo "mlflow-server: UI at $(url_for "$port")" >&2
  url_for "$port"
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local deadline=$(( SECONDS + 20 ))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$AUTH_FILE" "$HOST_FILE"
}

status() {
  if running_pid >/dev/null && healthy "$(cat "$PORT_FILE")"; then
    url_for "$(cat "$PORT_FILE")"
  else
    echo "mlflow-server: not running" >&2
    return 1
  fi
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  url) status ;;
  install) install_venv --say ;;
  *) die "usage: $0 start [--port N] [--host ADDR] [--basic-auth] | stop | status | url | install" ;;
esac
