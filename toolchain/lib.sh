# Shared by the run scripts: process bookkeeping under .run/, port checks, readiness waits, logs.
#
# Per process NAME: .run/NAME.pid (its pid), .run/NAME.cmd (its command line, so a pid file that outlived
# its process never makes us signal whatever got the pid next), .run/NAME.deployment (the deployment
# whose database, manifest and stores it was started with; see up.sh) and .run/logs/NAME.log (appended
# and rotated by size through toolchain/logpipe.py).
RUN_DIR=${RUN_DIR:-$PWD/.run}
LOG_DIR=$RUN_DIR/logs
LOGPIPE=$PWD/toolchain/logpipe.py
mkdir -p "$LOG_DIR"

say() { printf '\033[1m[peerlend]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[peerlend] error:\033[0m %s\n' "$*" >&2; exit 1; }

pid_alive() {
  local pid
  [ -f "$RUN_DIR/$1.pid" ] || return 1
  pid=$(cat "$RUN_DIR/$1.pid")
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -f "$RUN_DIR/$1.cmd" ] && [ -r "/proc/$pid/cmdline" ]; then
    [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "$(cat "$RUN_DIR/$1.cmd")" ] || return 1
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

banner() { printf -- '---- %s %s' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

# Starts NAME in the background unless it is already running; refuses a port held by something else.
# Its output is appended to .run/logs/NAME.log (never truncated: a restart keeps the crash evidence).
# When DEPLOYMENT is set the process is recorded as bound to it.
start_service() {
  local name=$1 port=$2; shift 2
  if pid_alive "$name"; then say "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"; return 0; fi
  if [ -n "$port" ] && port_in_use "$port"; then
    die "port $port (for $name) is taken by another process; stop it or choose another port (see README)"
  fi
  local start_line
  start_line=$(banner "starting $name${DEPLOYMENT:+ for deployment $DEPLOYMENT}: $*")
  nohup "$@" > >(exec python3 "$LOGPIPE" --banner "$start_line" "$LOG_DIR/$name.log" >/dev/null 2>&1) 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  printf '%s ' "$@" >"$RUN_DIR/$name.cmd"
  if [ -n "${DEPLOYMENT:-}" ]; then echo "$DEPLOYMENT" >"$RUN_DIR/$name.deployment"; fi
}

# Runs a command to completion with its output appended to .run/logs/NAME.log; its exit status is kept.
run_logged() {
  local name=$1; shift
  "$@" 2>&1 | python3 "$LOGPIPE" --banner "$(banner "running $*")" "$LOG_DIR/$name.log"
}

# The deployment a running NAME was started for ("none" if it was started before processes were bound).
bound_to() { cat "$RUN_DIR/$1.deployment" 2>/dev/null || echo none; }

# Stops NAME if it runs for another deployment than DEPLOYMENT: it holds that deployment's database,
# manifest and stores open, and would go on writing them (or files already gone) while it serves.
stop_if_rebound() {
  local name=$1 bound
  pid_alive "$name" || return 0
  bound=$(bound_to "$name")
  [ "$bound" = "$DEPLOYMENT" ] && return 0
  say "restarting $name: it runs for deployment $bound, the chain now has $DEPLOYMENT"
  stop_service "$name"
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
  if pid_alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    say "stopped $name"
  fi
  rm -f "$RUN_DIR/$name.pid" "$RUN_DIR/$name.cmd" "$RUN_DIR/$name.deployment"
}

anvil_bin() {
  local native
  native=$(ls "$PWD"/node_modules/@foundry-rs/anvil-*/bin/anvil 2>/dev/null | head -n 1)
  echo "${native:-$PWD/node_modules/.bin/anvil}"
}
