# A private coturn (TURN relay) for the demo and the media tests: its own config in a temporary
# directory, time-limited credentials only (`use-auth-secret`), no TLS, no CLI. Source this file,
# then `coturn_start [ip] [port] [relay_ip]` (exports PARTA_TURN_URLS and PARTA_TURN_SECRET for
# the server) and `coturn_stop` (in a trap). Debian's coturn package: apt-get install coturn.

coturn_start() {
  local ip=${1:-127.0.0.1} port=${2:-3478} relay=${3:-${1:-127.0.0.1}}
  command -v turnserver >/dev/null || { echo "coturn not found (apt-get install coturn)" >&2; return 1; }
  PARTA_COTURN_ROOT=$(mktemp -d /tmp/parta-coturn.XXXXXX)
  local root=$PARTA_COTURN_ROOT
  PARTA_TURN_SECRET=${PARTA_TURN_SECRET:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}
  # Peers on 127.x are refused by default; here the media server is one of them (tests, demo).
  cat >"$root/turnserver.conf" <<CFG
listening-ip=$ip
listening-port=$port
relay-ip=$relay
min-port=49152
max-port=49999
use-auth-secret
static-auth-secret=$PARTA_TURN_SECRET
realm=parta
fingerprint
no-tls
no-dtls
no-cli
no-multicast-peers
allow-loopback-peers
no-software-attribute
userdb=$root/turndb
pidfile=$root/turnserver.pid
log-file=$root/turnserver.log
simple-log
CFG
  turnserver -c "$root/turnserver.conf" >/dev/null 2>&1 &
  PARTA_COTURN_PID=$!
  PARTA_TURN_URLS="turn:$ip:$port?transport=udp"
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/$ip/$port") 2>/dev/null; then
      export PARTA_COTURN_ROOT PARTA_COTURN_PID PARTA_TURN_URLS PARTA_TURN_SECRET
      echo "coturn running at $PARTA_TURN_URLS"
      return 0
    fi
    kill -0 "$PARTA_COTURN_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "coturn did not start:" >&2
  tail -n 20 "$root/turnserver.log" >&2 2>/dev/null
  return 1
}

coturn_stop() {
  [ -n "${PARTA_COTURN_PID:-}" ] && kill "$PARTA_COTURN_PID" 2>/dev/null && wait "$PARTA_COTURN_PID" 2>/dev/null
  [ -n "${PARTA_COTURN_ROOT:-}" ] && rm -rf "$PARTA_COTURN_ROOT"
  unset PARTA_COTURN_PID PARTA_COTURN_ROOT
  return 0
}
