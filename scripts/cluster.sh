#!/usr/bin/env bash
# JobExpressway as a small cluster on one machine (docs/deploy.md): PostgreSQL, two Streamlit replicas, the
# Gradio coach, the background worker, and nginx in front with session affinity.
#   scripts/cluster.sh start [DATA_DIR]    start everything, wait until it answers, print the URL
#   scripts/cluster.sh stop [DATA_DIR]     stop everything this script started for DATA_DIR
#   scripts/cluster.sh status [DATA_DIR]   what runs and whether it answers (exit 1 when something is down)
#   scripts/cluster.sh run [DATA_DIR]      start, stay in the foreground, stop everything on Ctrl-C (make cluster)
# DATA_DIR (default $JOBEXPRESSWAY_DATA_DIR, else ./data) is shared by every process: uploads and recordings
# live there, so across machines it must be one shared mount. Settings (environment):
#   CLUSTER_PORT (8080) CLUSTER_LISTEN (127.0.0.1) REPLICA_PORTS ("8601 8602") COACH_PORT (7860)
#   DATABASE_URL (unset: a PostgreSQL server of our own in DATA_DIR/postgres, port JOBEXPRESSWAY_PG_PORT)
#   CLUSTER_INIT=1 (also generate jobs, bootstrap accounts, build the index: `engine init --build-index`)
#   CLUSTER_WAIT_S (180: how long a process may take to answer) CLUSTER_COACH=0 (no coach)
#   CLUSTER_MAX_UPLOAD_MB (250: nginx's limit; Streamlit's own is server.maxUploadSize, 200 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
cmd=${1:-status}
data=$(realpath -m "${2:-${JOBEXPRESSWAY_DATA_DIR:-data}}")
dir=$data/cluster
py=${PYTHON:-$root/.venv/bin/python}
port=${CLUSTER_PORT:-8080}
listen=${CLUSTER_LISTEN:-127.0.0.1}
replicas=(${REPLICA_PORTS:-8601 8602})
coach_port=${COACH_PORT:-7860}
wait_s=${CLUSTER_WAIT_S:-180}
export JOBEXPRESSWAY_DATA_DIR=$data STREAMLIT_BROWSER_GATHER_USAGE_STATS=false GRADIO_ANALYTICS_ENABLED=False \
  HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1

say() { echo ">> $*" >&2; }
alive() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

# start NAME COMMAND...: in a session of its own (its own process group, so stop ends its children too and a
# Ctrl-C in the terminal reaches only this script, which then stops everything in order)
launch() {
  local name=$1; shift
  if alive "$name"; then say "$name already runs (pid $(cat "$dir/$name.pid"))"; return; fi
  setsid "$@" >"$dir/$name.log" 2>&1 < /dev/null &
  echo $! >"$dir/$name.pid"
}

# wait_http NAME URL: until URL answers 2xx/3xx, the process dies, or the deadline passes
wait_http() {
  local name=$1 url=$2 deadline=$((SECONDS + wait_s))
  until curl -fsS -o /dev/null --max-time 5 "$url" 2>/dev/null; do
    if [ "$name" != nginx ] && ! alive "$name"; then
      say "$name exited while starting; the end of $dir/$name.log:"; tail -n 20 "$dir/$name.log" >&2; return 1
    fi
    if [ $SECONDS -ge $deadline ]; then say "$name did not answer at $url within ${wait_s}s (log: $dir/$name.log)"; return 1; fi
    sleep 1
  done
}

stop_one() {
  local name=$1 pid deadline
  [ -f "$dir/$name.pid" ] || return 0
  pid=$(cat "$dir/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then say "$name (pid $pid) ignored TERM for 20 s: killing it"; kill -KILL -- "-$pid" 2>/dev/null || true; fi
  fi
  rm -f "$dir/$name.pid"
}

write_nginx_conf() {
  mkdir -p "$dir/nginx/tmp"
  local user_line="" servers="" p
  if [ "$(id -u)" = 0 ]; then
    # as root nginx's workers drop to an unprivileged user; they write request bodies (uploads) to tmp/
    user_line="user nobody nogroup;"
    chown -R nobody:nogroup "$dir/nginx/tmp"
    p=$dir/nginx; while [ "$p" != / ]; do chmod o+x "$p" 2>/dev/null || true; p=$(dirname "$p"); done
  fi
  for p in "${replicas[@]}"; do servers+="        server 127.0.0.1:$p max_fails=1 fail_timeout=10s;"$'\n'; done
  cat >"$dir/nginx.conf" <<EOF
# written by scripts/cluster.sh on every start: edit the script, not this file
$user_line
worker_processes 2;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/nginx/access.log;
    client_body_temp_path $dir/nginx/tmp/body;
    proxy_temp_path $dir/nginx/tmp/proxy;
    fastcgi_temp_path $dir/nginx/tmp/fastcgi;
    uwsgi_temp_path $dir/nginx/tmp/uwsgi;
    scgi_temp_path $dir/nginx/tmp/scgi;
    # resume PDFs, spreadsheets and interview recordings are uploaded through here
    client_max_body_size ${CLUSTER_MAX_UPLOAD_MB:-250}m;

    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }

    # Session affinity. A Streamlit session lives in one replica's memory: its websocket, and the file
    # uploads it sends over plain HTTP, must reach that replica. The jx_replica cookie is the key: a browser
    # without one is given one (this request's id, which is also what this request is hashed by), and every
    # later request of that browser hashes to the same replica. Not ip_hash: many people behind one NAT or
    # office proxy share an address and would all land on one replica. If a replica fails, its keys move
    # to the others (consistent hashing); the sessions it held are lost and the browser reconnects.
    map \$cookie_jx_replica \$affinity_key { '' \$request_id; default \$cookie_jx_replica; }
    map \$cookie_jx_replica \$affinity_cookie { '' "jx_replica=\$request_id; Path=/; HttpOnly; SameSite=Lax"; default ''; }

    upstream streamlit {
        hash \$affinity_key consistent;
$servers    }
    upstream coach {
        server 127.0.0.1:$coach_port;
    }

    proxy_http_version 1.1;
    proxy_set_header Host \$http_host;
    proxy_set_header Upgrade \$http_upgrade;
    proxy_set_header Connection \$connection_upgrade;
    proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto \$scheme;
    proxy_read_timeout 1d;     # websockets stay open as long as the page does
    proxy_send_timeout 1d;
    proxy_request_buffering off;   # large uploads stream to the replica instead of waiting on disk here

    server {
        listen $listen:$port;
        location / {
            proxy_pass http://streamlit;
            add_header Set-Cookie \$affinity_cookie;
            # which replica answered: for operators and the cluster test (the addresses are internal)
            add_header X-JobExpressway-Replica \$upstream_addr always;
        }
        location /coach/ {
            proxy_pass http://coach/;
        }
    }
}
EOF
}

database_url() {
  if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL"; return; fi
  scripts/postgres.sh start "$data/postgres"
}

start() {
  mkdir -p "$dir"
  command -v nginx >/dev/null || { say "nginx is not installed (Debian package nginx)"; exit 2; }
  command -v curl >/dev/null || { say "curl is not installed (Debian package curl)"; exit 2; }
  if [ -z "${DATABASE_URL:-}" ]; then echo 1 >"$dir/own-postgres"; else rm -f "$dir/own-postgres"; fi
  DATABASE_URL=$(database_url)
  export DATABASE_URL
  say "database: $("$py" -c 'from engine import store; print(store.describe())')"
  # migrations once, before the replicas start (they would each check them again under the write lock)
  if [ "${CLUSTER_INIT:-0}" = 1 ]; then
    "$py" -m engine init --build-index
  else
    "$py" -c 'from engine import store; store.connect().close()'
  fi
  # replicas and coach share what a browser's session depends on: cookie secret (Streamlit's XSRF token),
  # the coach's signing secret (COACH_SECRET, else a file in the shared data dir), the data dir itself
  [ -s "$dir/cookie_secret" ] || (umask 077; "$py" -c 'import secrets; print(secrets.token_urlsafe(32))' >"$dir/cookie_secret")
  export JOBEXPRESSWAY_TRUSTED_PROXIES=${JOBEXPRESSWAY_TRUSTED_PROXIES:-1}   # nginx: the client is in X-Forwarded-For
  export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://$listen:$port}
  export COACH_URL=${COACH_URL:-http://$listen:$port/coach}
  STREAMLIT_SERVER_COOKIE_SECRET=$(cat "$dir/cookie_secret")   # in the environment: a command line is public
  export STREAMLIT_SERVER_COOKIE_SECRET
  export JOBEXPRESSWAY_WORKER=external   # the worker process below delivers mail and cleans up, not the replicas
  local p
  for p in "${replicas[@]}"; do
    launch "streamlit-$p" "$py" -m streamlit run Home.py --server.headless true --server.address 127.0.0.1 \
      --server.port "$p" --server.fileWatcherType none
  done
  if [ "${CLUSTER_COACH:-1}" = 1 ]; then
    launch coach env GRADIO_ROOT_PATH=/coach COACH_PORT="$coach_port" "$py" gradio_chat/app.py
  fi
  launch worker "$py" -m engine worker
  write_nginx_conf
  if alive nginx; then
    nginx -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf" -s reload
  else
    nginx -t -q -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf"
    # nginx daemonises itself: its master's pid is the one in its pid file
    nginx -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf"
    local deadline=$((SECONDS + 10))
    until [ -s "$dir/nginx/nginx.pid" ] || [ $SECONDS -ge $deadline ]; do sleep 0.2; done
    cp "$dir/nginx/nginx.pid" "$dir/nginx.pid"
  fi
  for p in "${replicas[@]}"; do wait_http "streamlit-$p" "http://127.0.0.1:$p/_stcore/health"; done
  if [ "${CLUSTER_COACH:-1}" = 1 ]; then wait_http coach "http://127.0.0.1:$coach_port/"; fi
  wait_http nginx "http://$listen:$port/_stcore/health"
  echo "http://$listen:$port" >"$dir/url"
  say "JobExpressway runs at http://$listen:$port (replicas ${replicas[*]}, logs in $dir)"
}

stop() {
  [ -d "$dir" ] || return 0
  if alive nginx; then
    nginx -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx.conf" -s quit 2>/dev/null || true
    local pid deadline=$((SECONDS + 20))
    pid=$(cat "$dir/nginx.pid")
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    rm -f "$dir/nginx.pid"
  fi
  local f name
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    stop_one "$name"
  done
  if [ -f "$dir/own-postgres" ]; then
    scripts/postgres.sh stop "$data/postgres"
    if [ -f "$data/postgres/cluster/postmaster.pid" ]; then
      say "PostgreSQL in $data/postgres did not stop (as root its server runs as user postgres, which must reach that folder)"
      return 1
    fi
    rm -f "$dir/own-postgres"
  fi
  say "stopped"
}

status() {
  local down=0 f name
  for f in "$dir"/*.pid; do
    [ -e "$f" ] || { echo "nothing started for $data"; return 1; }
    name=$(basename "$f" .pid)
    if alive "$name"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: NOT running"; down=1; fi
  done
  # the address start wrote (its settings may differ from this shell's)
  local url
  url=$(cat "$dir/url" 2>/dev/null || echo "http://$listen:$port")
  if curl -fsS -o /dev/null --max-time 5 "$url/_stcore/health"; then echo "$url answers"; else echo "$url does NOT answer"; down=1; fi
  return $down
}

case $cmd in
start)
  # a start that fails half-way leaves nothing running
  trap 'rc=$?; if [ $rc != 0 ]; then say "start failed: stopping what had started"; stop; fi' EXIT
  start ;;
stop) stop ;;
status) status ;;
run)
  shopt -s nullglob
  stop_all() { trap - INT TERM EXIT; stop; }
  trap 'stop_all; exit 130' INT TERM
  trap stop_all EXIT
  start
  say "Ctrl-C stops everything"
  # stay up while every process does; if one dies, say which and stop the rest
  while true; do
    for f in "$dir"/*.pid; do
      name=$(basename "$f" .pid)
      if ! alive "$name"; then say "$name stopped (log: $dir/$name.log)"; exit 1; fi
    done
    sleep 2
  done
  ;;
*) echo "usage: $0 start|stop|status|run [DATA_DIR]" >&2; exit 2 ;;
esac
