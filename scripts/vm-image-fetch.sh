#!/usr/bin/env bash
# Downloads the pinned Debian kernel package of the QEMU node image into the image cache (VM_IMAGE_CACHE, default
# artifacts/vm-image-cache), once, and checks its SHA-256. The only step of the VM image that uses the network: CI runs
# it during set-up (.ci/run), before the tests; scripts/vm-image.sh and the tests only read the cache.
# Usage: scripts/vm-image-fetch.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
# shellcheck source=vm-image/kernel.sh
. "$repo/scripts/vm-image/kernel.sh"
command -v apt-get >/dev/null || { echo "vm-image-fetch.sh: apt-get is required (not on PATH)" >&2; exit 2; }

cache="${VM_IMAGE_CACHE:-$repo/artifacts/vm-image-cache}"
mkdir -p "$cache"
if [ ! -f "$cache/$kernel_deb" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download "$kernel_package=$kernel_version" >/dev/null 2>"$work/apt.err") ||
    { cat "$work/apt.err" >&2; echo "vm-image-fetch.sh: apt-get download $kernel_package=$kernel_version failed" >&2; exit 1; }
  mv "$work/$kernel_deb" "$cache/$kernel_deb"
fi
kernel_check "$cache/$kernel_deb" vm-image-fetch.sh
echo "kernel package: $cache/$kernel_deb"
