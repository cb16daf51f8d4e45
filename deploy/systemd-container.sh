#!/usr/bin/env bash
# Runs deploy/systemd-smoke.sh inside a throw-away Debian 12 machine whose init is systemd, for
# build machines (containers, sandboxes) whose own init is not: a minimal root made with
# debootstrap, booted with systemd-nspawn, entered with nsenter. Nothing is installed on this
# machine but debootstrap and systemd-container (apt), and the root folder.
#   deploy/systemd-container.sh build/zhuji_0.1.0_amd64.deb [ROOT_DIR]
# ROOT_DIR (default /var/tmp/zhuji-systemd-root) is kept for the next run; delete it by hand.
set -euo pipefail
deb=$(realpath "${1:?usage: deploy/systemd-container.sh PATH/TO/zhuji_VERSION_amd64.deb [ROOT_DIR]}")
root=${2:-/var/tmp/zhuji-systemd-root}
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "systemd-container: run as root" >&2; exit 1; }
for tool in debootstrap systemd-nspawn; do
  command -v $tool >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap systemd-container
done
if [ ! -x "$root/lib/systemd/systemd" ]; then
  echo "== debootstrap Debian 12 (bookworm, minbase + systemd) into $root"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,apt,passwd bookworm "$root" \
    http://deb.debian.org/debian >"$root.debootstrap.log" 2>&1 || { tail "$root.debootstrap.log"; exit 1; }
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
cat > "$root/etc/apt/sources.list" <<SRC
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SRC
cp "$deb" "$here/systemd-smoke.sh" "$root/root/"
rm -rf "$root/etc/zhuji" "$root/var/lib/zhuji"  # a previous run's

echo "== boot it: systemd-nspawn --boot (the host's network; no machined needed)"
log=$(mktemp)
systemd-nspawn -D "$root" --boot --register=no --keep-unit --console=passive >"$log" 2>&1 &
nspawn=$!
stop() {
  if [ -n "${init:-}" ]; then nsenter -t "$init" -a systemctl poweroff >/dev/null 2>&1 || true; fi
  for _ in $(seq 60); do kill -0 $nspawn 2>/dev/null || break; sleep 1; done
  kill $nspawn 2>/dev/null || true
  rm -f "$log"
}
trap stop EXIT
init=""
for _ in $(seq 120); do
  init=""
  # The container's PID 1: the first (lowest pid) process named systemd below nspawn (a user
  # manager, also "systemd", starts later).
  for p in $(pgrep -x systemd || true); do
    q=$p
    while [ "$q" -gt 1 ]; do
      q=$(awk '{print $4}' "/proc/$q/stat" 2>/dev/null || echo 1)
      [ "$q" = "$nspawn" ] && { init=$p; break; }
    done
    [ -n "$init" ] && break
  done
  if [ -n "$init" ]; then
    state=$(nsenter -t "$init" -a systemctl is-system-running 2>/dev/null || true)
    case "$state" in running|degraded) break ;; esac
  fi
  kill -0 $nspawn 2>/dev/null || { cat "$log"; exit 1; }
  sleep 1
done
echo "container init: pid $init on this host, $(nsenter -t "$init" -a systemctl is-system-running)"

echo "== deploy/systemd-smoke.sh inside it"
nsenter -t "$init" -a /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  bash /root/systemd-smoke.sh "/root/$(basename "$deb")"
