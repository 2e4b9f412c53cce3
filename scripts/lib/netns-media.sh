#!/usr/bin/env bash
# Runs a command in the network namespace it is started in (`unshare --net`, made by
# scripts/test) with a private Janus for media tests. Janus never gathers ICE candidates on a
# loopback interface, so the namespace gets an `ifb` interface t0 with 127.0.0.2, and Janus uses
# only it; everything stays inside the namespace and vanishes with it.
# Exports PARTA_MEDIA_JANUS_URL and PARTA_MEDIA_JANUS_ADMIN_KEY for the command.
set -euo pipefail
cd "$(dirname "$0")/../.."
ip link set lo up
ip link add t0 type ifb
ip addr add 127.0.0.2/32 dev t0
ip link set t0 up
. scripts/lib/janus.sh
trap janus_stop EXIT
janus_start 127.0.0.1 "" t0 >/dev/null
export PARTA_MEDIA_JANUS_URL=$PARTA_JANUS_URL PARTA_MEDIA_JANUS_ADMIN_KEY=$PARTA_JANUS_ADMIN_KEY
"$@"
