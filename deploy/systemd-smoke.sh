#!/usr/bin/env bash
# Installs the Debian package on THIS machine, whose init must be systemd, and runs it as a real
# installation would: a broker and two nodes as units (zhuji-broker@smoke, zhuji-node@440000,
# zhuji-node@440106), a test message from the county to the province, a restart of the county's
# unit (SIGTERM, clean stop, Type=notify start), a second message, then `apt-get remove`: the
# units stop and the state under /var/lib/zhuji stays. Run as root on a scratch machine or VM:
#   deploy/systemd-smoke.sh build/zhuji_0.1.0_amd64.deb
# It changes the machine (a package, a user, files in /etc/zhuji and /var/lib/zhuji).
set -euo pipefail
deb=$(realpath "${1:?usage: deploy/systemd-smoke.sh PATH/TO/zhuji_VERSION_amd64.deb}")
[ "$(id -u)" -eq 0 ] || { echo "systemd-smoke: run as root" >&2; exit 1; }
[ -d /run/systemd/system ] || { echo "systemd-smoke: this machine's init is not systemd" >&2; exit 1; }
step() { echo; echo "== $*"; }
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local limit=$1 what=$2; shift 2
  for _ in $(seq "$limit"); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "systemd-smoke: FAILED: $what within ${limit} s" >&2; exit 1
}

step "install $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y "$deb"
getent passwd zhuji
port=$(( 20000 + RANDOM % 10000 ))
cat > /etc/zhuji/broker-smoke.conf <<CONF
ZHUJI_BROKER_ARGS="--bind tcp://127.0.0.1:$port"
CONF
for n in 440000 440106; do
  level=county parent='parent = "440100"'
  [ $n = 440000 ] && level=province parent=''
  cat > /etc/zhuji/node-$n.toml <<CONF
node_id = "$n"
name = "smoke $n"
level = "$level"
$parent
brokers = ["tcp://127.0.0.1:$port"]
data_dir = "/var/lib/zhuji/$n"
CONF
done
chmod 0640 /etc/zhuji/broker-smoke.conf /etc/zhuji/node-*.toml
chgrp zhuji /etc/zhuji/broker-smoke.conf /etc/zhuji/node-*.toml

step "start the broker and two nodes as units (Type=notify: start returns once each is ready)"
systemctl start zhuji-broker@smoke zhuji-node@440000 zhuji-node@440106
systemctl --no-pager status zhuji-broker@smoke zhuji-node@440000 zhuji-node@440106 | grep -E 'Active|Status'
county=(zhuji --control ipc:///var/lib/zhuji/440106/control.sock --timeout 30000)
wait_for 60 "the county's link up" sh -c "${county[*]} status --json | grep -q '\"up\":true'"

step "a message from 440106 to 440000"
"${county[@]}" send --to 440000 --text "smoke #1" --wait
zhuji --control ipc:///var/lib/zhuji/440000/control.sock inbox | grep "smoke #1"

step "restart zhuji-node@440106 (SIGTERM, clean stop, start again)"
since=$(date '+%Y-%m-%d %H:%M:%S')
systemctl restart zhuji-node@440106
# The old process stopped cleanly: it said so, and systemd saw it exit 0 on SIGTERM.
journalctl -u zhuji-node@440106 --since "$since" --no-pager | grep -q "node 440106 stopped" ||
  { echo "systemd-smoke: FAILED: no clean stop of zhuji-node@440106 in the journal" >&2; exit 1; }
journalctl -u zhuji-node@440106 --since "$since" --no-pager | grep -q "Deactivated successfully" ||
  { echo "systemd-smoke: FAILED: systemd did not see a successful stop" >&2; exit 1; }
systemctl --no-pager status zhuji-node@440106 | grep -E 'Active|Status'
journalctl -u zhuji-node@440106 --no-pager -n 5
wait_for 60 "the county's link up after the restart" sh -c "${county[*]} status --json | grep -q '\"up\":true'"
"${county[@]}" send --to 440000 --text "smoke #2" --wait
zhuji --control ipc:///var/lib/zhuji/440000/control.sock inbox | grep "smoke #2"

step "remove the package: the units stop, the state stays"
DEBIAN_FRONTEND=noninteractive apt-get remove -y zhuji
for u in zhuji-broker@smoke zhuji-node@440000 zhuji-node@440106; do
  if systemctl is-active --quiet "$u"; then echo "systemd-smoke: FAILED: $u still active" >&2; exit 1; fi
done
ls -ld /var/lib/zhuji/440000/store /var/lib/zhuji/440106/store
echo
echo "systemd-smoke: OK (state kept under /var/lib/zhuji; remove it and /etc/zhuji by hand)"
