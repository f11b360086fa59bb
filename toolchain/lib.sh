# Shared by the run scripts: process bookkeeping under .run/, port checks, readiness waits.
RUN_DIR=${RUN_DIR:-$PWD/.run}
LOG_DIR=$RUN_DIR/logs
mkdir -p "$LOG_DIR"

say() { printf '\033[1m[peerlend]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[peerlend] error:\033[0m %s\n' "$*" >&2; exit 1; }

pid_alive() { [ -f "$RUN_DIR/$1.pid" ] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts NAME in the background unless it is already running; refuses a port held by something else.
start_service() {
  local name=$1 port=$2; shift 2
  if pid_alive "$name"; then say "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; return 0; fi
  if [ -n "$port" ] && port_in_use "$port"; then
    die "port $port (for $name) is taken by another process; stop it or choose another port (see README)"
  fi
  nohup "$@" >"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
}

wait_http() {
  local name=$1 url=$2 tries=${3:-120}
  for _ in $(seq "$tries"); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    pid_alive "$name" || die "$name exited during start-up; last lines of $LOG_DIR/$name.log:
$(tail -n 30 "$LOG_DIR/$name.log")"
    sleep 0.5
  done
  die "$name did not answer at $url; see $LOG_DIR/$name.log"
}

wait_rpc() {
  local name=$1 url=$2
  for _ in $(seq 120); do
    if curl -fsS -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$url" >/dev/null 2>&1; then return 0; fi
    pid_alive "$name" || die "$name exited during start-up; see $LOG_DIR/$name.log"
    sleep 0.25
  done
  die "$name did not answer at $url"
}

stop_service() {
  local name=$1 pid
  [ -f "$RUN_DIR/$name.pid" ] || return 0
  pid=$(cat "$RUN_DIR/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    say "stopped $name"
  fi
  rm -f "$RUN_DIR/$name.pid"
}

anvil_bin() {
  local native
  native=$(ls "$PWD"/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n 1)
  echo "${native:-$PWD/node_modules/.bin/anvil}"
}
