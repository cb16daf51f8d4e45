#!/usr/bin/env bash
# Builds the Debian package from a configured build folder (cpack -G DEB) and checks it the way a
# packager would, without installing anything on this machine:
#   - dpkg installs it into a scratch root (dpkg --root … --unpack: its files placed and
#     registered in that root's dpkg database; the maintainer scripts are not run there), and
#     the files dpkg lists for it are exactly deploy/debian/files.expected;
#   - it depends only on Debian packages (dpkg-shlibdeps' list, each known to dpkg or apt here),
#     and its binaries carry no RPATH into a build folder;
#   - the binaries run from the scratch root and find their data in the installed layout with no
#     flag (the calendar years under ../share/zhuji/calendar);
#   - systemd-analyze verify accepts an instance of each unit, with the package's binaries and
#     the base units of this machine's systemd in the scratch root: no error, no warning.
# The maintainer scripts (user, daemon-reload, stop on remove) run only on a real install:
# deploy/systemd-smoke.sh does that on a machine whose init is systemd.
# Usage: deploy/package-check.sh [BUILD_DIR]   (default ./build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=$(cd "${1:-build}" && pwd)
expected=$PWD/deploy/debian/files.expected

echo "package-check: cpack -G DEB in $build_dir"
rm -f "$build_dir"/zhuji_*_amd64.deb
(cd "$build_dir" && cpack -G DEB >cpack.log 2>&1) || { tail -20 "$build_dir/cpack.log"; exit 1; }
deb=$(ls "$build_dir"/zhuji_*_amd64.deb)
echo "package-check: $(basename "$deb"), $(stat -c %s "$deb") bytes"

root=$(mktemp -d "${TMPDIR:-/tmp}/zhuji-pkgroot.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# Its dependencies are this machine's, not the scratch root's: --force-depends.
dpkg --root="$root" --force-depends --log=/dev/null --unpack "$deb" >/dev/null
dpkg --root="$root" -s zhuji | grep -q '^Status: install ok unpacked' || {
  echo "package-check: FAILED: dpkg did not record zhuji as unpacked in $root" >&2; exit 1; }
# (A conffile stays NAME.dpkg-new until the package is configured.)
actual=$(dpkg --root="$root" -L zhuji | while read -r f; do
  if [ -f "$root$f" ] || [ -L "$root$f" ] || [ -f "$root$f.dpkg-new" ]; then echo "$f"; fi
done | LC_ALL=C sort)
for f in $(cat "$root/var/lib/dpkg/info/zhuji.conffiles"); do
  [ -f "$root$f.dpkg-new" ] && mv "$root$f.dpkg-new" "$root$f"
done
if ! diff -u "$expected" <(echo "$actual"); then
  echo "package-check: FAILED: the package's files differ from $expected (above)" >&2
  exit 1
fi
echo "package-check: dpkg installed it into a scratch root: $(echo "$actual" | wc -l) files, as expected"

depends=$(dpkg-deb -f "$deb" Depends)
echo "package-check: Depends: $depends"
for dep in $(echo "$depends" | tr ',|' '\n\n' | sed 's/(.*)//; s/ //g' | grep -v '^$'); do
  if ! dpkg-query -W "$dep" >/dev/null 2>&1 && ! apt-cache show "$dep" >/dev/null 2>&1; then
    echo "package-check: FAILED: dependency $dep is not a Debian package known here" >&2
    exit 1
  fi
done
for bin in "$root"/usr/bin/*; do
  if readelf -d "$bin" | grep -Eq 'RPATH|RUNPATH'; then
    echo "package-check: FAILED: $bin carries an RPATH: $(readelf -d "$bin" | grep -E 'RPATH|RUNPATH')" >&2
    exit 1
  fi
done

"$root/usr/bin/zhuji-node" --help >/dev/null
"$root/usr/bin/zhuji-broker" --help >/dev/null
out=$("$root/usr/bin/zhuji" calendar add 2026-09-30 1)
echo "$out" | grep -q "到期 due        2026-10-08" || {
  echo "package-check: FAILED: the installed zhuji did not find its calendar (2026-09-30 + 1 working day):" >&2
  echo "$out" >&2
  exit 1
}
echo "package-check: the installed binaries run and find /usr/share/zhuji/calendar by themselves"

if ! command -v systemd-analyze >/dev/null; then
  echo "package-check: FAILED: systemd-analyze not found (deploy/install-deps.sh installs systemd)" >&2
  exit 1
fi
# The base units (multi-user.target, sysinit.target …) the package's units refer to.
for d in /lib/systemd/system /usr/lib/systemd/system; do
  [ -d "$d" ] && cp -an "$d/." "$root/usr/lib/systemd/system/" 2>/dev/null || true
done
verify=$(systemd-analyze verify --root="$root" zhuji-node@440106.service zhuji-broker@gd-4401.service 2>&1) || {
  echo "$verify" >&2
  echo "package-check: FAILED: systemd-analyze verify refused the units" >&2
  exit 1
}
if echo "$verify" | grep -q 'zhuji'; then
  echo "$verify" >&2
  echo "package-check: FAILED: systemd-analyze verify warned about the units" >&2
  exit 1
fi
echo "package-check: systemd-analyze verify accepts zhuji-node@440106 and zhuji-broker@gd-4401"
echo "package-check: OK"
