# A private Janus (VideoRoom over HTTP) for tests, benchmarks and the demo: its own config folder
# in a temporary directory, only the VideoRoom plugin and the HTTP transport, bound to one address.
# Source this file, then `janus_start [ip] [port] [ice_ip]` (exports PARTA_JANUS_URL and
# PARTA_JANUS_ADMIN_KEY) and `janus_stop` (in a trap). Debian's janus package: apt-get install janus.
# Rooms can only be created with the admin key, which only the Parta server knows.

janus_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

janus_lib() {
  local dir
  dir=$(ls -d /usr/lib/*/janus 2>/dev/null | head -n 1)
  [ -n "$dir" ] && [ -e "$dir/plugins/libjanus_videoroom.so" ] || { echo "Janus not found (apt-get install janus)" >&2; return 1; }
  echo "$dir"
}

janus_start() {
  local ip=${1:-127.0.0.1} port=${2:-$(janus_free_port)} ice=${3:-}
  local lib; lib=$(janus_lib) || return 1
  PARTA_JANUS_ROOT=$(mktemp -d /tmp/parta-janus.XXXXXX)
  local root=$PARTA_JANUS_ROOT
  mkdir -p "$root/conf" "$root/plugins" "$root/transports" "$root/empty"
  ln -s "$lib/plugins/libjanus_videoroom.so" "$root/plugins/"
  ln -s "$lib/transports/libjanus_http.so" "$root/transports/"
  PARTA_JANUS_ADMIN_KEY=${PARTA_JANUS_ADMIN_KEY:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}
  local nat=""
  [ -n "$ice" ] && nat="ice_enforce_list = \"$ice\""
  cat >"$root/conf/janus.jcfg" <<CFG
general: {
  configs_folder = "$root/conf"
  plugins_folder = "$root/plugins"
  transports_folder = "$root/transports"
  events_folder = "$root/empty"
  loggers_folder = "$root/empty"
  debug_level = 3
  admin_secret = "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
  session_timeout = 60
  server_name = "parta-janus"
}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  nice_debug = false
  $nat
}
CFG
  cat >"$root/conf/janus.transport.http.jcfg" <<CFG
general: {
  json = "plain"
  base_path = "/janus"
  http = true
  ip = "$ip"
  port = $port
  https = false
}
admin: {
  admin_http = false
}
CFG
  cat >"$root/conf/janus.plugin.videoroom.jcfg" <<CFG
general: {
  admin_key = "$PARTA_JANUS_ADMIN_KEY"
  lock_rtp_forward = true
}
CFG
  janus -F "$root/conf" -o >"$root/janus.log" 2>&1 &
  PARTA_JANUS_PID=$!
  PARTA_JANUS_URL="http://$ip:$port/janus"
  local i
  for i in $(seq 1 100); do
    if curl -sf -o /dev/null "$PARTA_JANUS_URL/info"; then
      export PARTA_JANUS_ROOT PARTA_JANUS_PID PARTA_JANUS_URL PARTA_JANUS_ADMIN_KEY
      echo "Janus running at $PARTA_JANUS_URL"
      return 0
    fi
    kill -0 "$PARTA_JANUS_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "Janus did not start:" >&2
  tail -n 30 "$root/janus.log" >&2
  return 1
}

# The rooms Janus holds now (private ones too, seen with the admin key), one per line.
janus_rooms() {
  python3 - "$PARTA_JANUS_URL" "$PARTA_JANUS_ADMIN_KEY" <<'PY'
import json, sys, urllib.request
url, key = sys.argv[1], sys.argv[2]
def post(path, body):
    request = urllib.request.Request(url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=10))
session = post("", {"janus": "create", "transaction": "r1"})["data"]["id"]
handle = post(f"/{session}", {"janus": "attach", "plugin": "janus.plugin.videoroom", "transaction": "r2"})["data"]["id"]
listed = post(f"/{session}/{handle}", {"janus": "message", "transaction": "r3", "body": {"request": "list", "admin_key": key}})
post(f"/{session}", {"janus": "destroy", "transaction": "r4"})
for room in listed["plugindata"]["data"]["list"]:
    print(room["room"], room.get("description", ""))
PY
}

janus_stop() {
  [ -n "${PARTA_JANUS_PID:-}" ] && kill "$PARTA_JANUS_PID" 2>/dev/null && wait "$PARTA_JANUS_PID" 2>/dev/null
  [ -n "${PARTA_JANUS_ROOT:-}" ] && rm -rf "$PARTA_JANUS_ROOT"
  unset PARTA_JANUS_PID PARTA_JANUS_ROOT
  return 0
}
