#!/usr/bin/env bash
# Installs the Debian 12 packages that safegate's build, tests and benchmarks need.
# Idempotent and non-interactive: packages already present are not touched, and
# apt-get runs only when something is missing. Needs root (or sudo).
set -euo pipefail

# Hyperscan 5.4.0, not Vectorscan 5.4.9: the latter misses matches on AVX-512
# machines (see docs/architecture.md, "Engine self-test"). The two conflict, so
# installing Hyperscan removes Vectorscan if it is there.
PKGS=(
  build-essential cmake ninja-build pkg-config clang clang-format lld libclang-rt-14-dev
  libhyperscan-dev libsimdjson-dev libutf8proc-dev libicu-dev
  nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libzstd-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcurl4-openssl-dev libsqlite3-dev libpq-dev postgresql libboost-dev libargon2-dev
  pybind11-dev python3-dev python3-dask python3-distributed chromium
  fonts-wqy-zenhei  # CJK glyphs for the Chinese pages in headless Chromium (screenshots)
  python3 python3-pytest zstd gzip curl
)
BENCH_PKGS=(ripgrep hyperfine time wrk nodejs npm)

want=("${PKGS[@]}")
if [ "${1:-}" = "--bench" ]; then want+=("${BENCH_PKGS[@]}"); fi
# node and npm for the openai SDK test (scripts/install-npm-deps.sh), unless a
# node with its own npm is installed some other way (its nodejs package then
# conflicts with Debian's npm).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then want+=(nodejs npm); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if dpkg-query -W -f='${Status}' libvectorscan-dev 2>/dev/null | grep -q "install ok installed"; then
  missing+=(libhyperscan-dev)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" libvectorscan5- libvectorscan-dev- >/dev/null
