#!/usr/bin/env bash
# Installs everything zhuji needs to build and test, from Debian's packages only.
# Idempotent: packages already present are left alone and apt is not touched at all.
# Usage: deploy/install-deps.sh            (as root, or with sudo available)
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libzmq3-dev cppzmq-dev
  capnproto libcapnp-dev
  liblmdb-dev lmdb-utils
  libspdlog-dev libfmt-dev
  libtomlplusplus-dev
  libsodium-dev
  libssl-dev                     # SM2/SM3 signatures through OpenSSL 3 (issue #10)
  libsystemd-dev                 # sd_notify: the units are Type=notify (issue #15)
  libcpp-httplib-dev             # the console and /metrics over HTTP(S) (issue #17)
  dpkg-dev file                  # cpack -G DEB: dpkg-shlibdeps finds the runtime libraries
  systemd                        # tests only: systemd-analyze verify checks the units
  iproute2 python3               # tests only: deploy/netns-branches.sh (hosts in namespaces)
  libgtest-dev libgmock-dev
  nlohmann-json3-dev             # tests only: every --json output is parsed by a real JSON parser
  clang libclang-rt-14-dev       # tests only: the libFuzzer targets (deploy/fuzz.sh)
  python3-prometheus-client curl # tests only: /metrics fetched and parsed by Prometheus's parser
  openssl                        # tests only: a certificate for the console's TLS test
  chromium chromium-driver python3-selenium  # tests only: the console in a real browser
  fonts-noto-cjk                 # tests only: Chinese glyphs in the console's screenshots
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
