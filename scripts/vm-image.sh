#!/usr/bin/env bash
# Builds the QEMU node image: the pinned Debian kernel (vmlinuz, an EFI stub booted by OVMF with `-kernel`) and a
# busybox initramfs (newc cpio, uncompressed) with cryptsetup and its shared libraries, plus `inputs.txt` (the SHA-256
# of every input and output) and `cmdline` (the kernel command line the image is measured with).
# Usage: scripts/vm-image.sh [OUT_DIR]   (default: artifacts/vm-image); the kernel package comes from the cache that
# scripts/vm-image-fetch.sh fills (the only step that uses the network).
#
# Reproducible: the same inputs give the same bytes, so the measurements (PCR 4 and 9, see docs/qemu.md) are stable.
# Entries are sorted (LC_ALL=C), every mtime is SOURCE_DATE_EPOCH, owner 0:0, inode numbers renumbered
# (cpio --reproducible), no compression. The inputs are the kernel package (pinned below, refused when its hash differs)
# and the host's busybox-static, cryptsetup and libraries (their hashes are recorded in inputs.txt).
#
# The reference PCRs 0-7 of the pinned OVMF are recorded by booting the image: scripts/vm-image-reference.sh.
#
# TODO(issue #21): the bootstrapper inside the guest (published Native AOT into the initramfs), wireguard-tools, the
#   dm-crypt/virtio modules for the state disk. Until then /init only prints the PCRs, saves the TPM state and stops.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
out="${1:-$repo/artifacts/vm-image}"

. "$repo/scripts/vm-image/kernel.sh"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1764547200}" # 2025-12-01T00:00:00Z
# The command line QEMU is given with -append; OVMF's loader appends " initrd=initrd" (docs/qemu.md).
cmdline="console=ttyS0 panic=-1"

for tool in dpkg-deb cpio ldd sha256sum; do
  command -v "$tool" >/dev/null || { echo "vm-image.sh: $tool is required (not on PATH)" >&2; exit 2; }
done
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "vm-image.sh: $busybox is required (install busybox-static)" >&2; exit 2; }
if ldd "$busybox" >/dev/null 2>&1; then echo "vm-image.sh: $busybox is dynamically linked (install busybox-static)" >&2; exit 2; fi
cryptsetup="$(command -v cryptsetup || true)"
[ -n "$cryptsetup" ] || { echo "vm-image.sh: cryptsetup is required (install cryptsetup-bin)" >&2; exit 2; }

mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
case "$out" in
  "$repo"|"$repo/src"|"$repo/src/"*|"$repo/tests"|"$repo/tests/"*) echo "vm-image.sh: refusing to build into $out" >&2; exit 2 ;;
esac
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The kernel package, from the cache scripts/vm-image-fetch.sh fills (VM_IMAGE_CACHE, default artifacts/vm-image-cache).
# This script never downloads: tests run it, and tests send no traffic beyond loopback.
cache="${VM_IMAGE_CACHE:-$repo/artifacts/vm-image-cache}"
[ -f "$cache/$kernel_deb" ] ||
  { echo "vm-image.sh: $cache/$kernel_deb is missing; fetch it once with scripts/vm-image-fetch.sh (CI does in .ci/run)" >&2; exit 2; }
kernel_check "$cache/$kernel_deb" vm-image.sh
dpkg-deb -x "$cache/$kernel_deb" "$work/kernel"

# The initramfs tree.
root="$work/root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,run,tmp,etc}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$cryptsetup" "$root/sbin/cryptsetup"
ldd "$cryptsetup" | awk '/=>/ { print $3 } /^\s*\/lib/ { print $1 }' | while read -r lib; do
  [ -n "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp "$repo/scripts/vm-image/init" "$root/init"
chmod 0755 "$root/init" "$root/bin/busybox" "$root/sbin/cryptsetup"

find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
  cpio --quiet -o -H newc -R 0:0 --reproducible >"$work/initrd.img")

find "$out" -mindepth 1 -delete
cp "$work/kernel/boot/vmlinuz-$kernel_release" "$out/vmlinuz"
cp "$work/initrd.img" "$out/initrd.img"
printf '%s' "$cmdline" >"$out/cmdline"
{
  echo "# inputs"
  echo "$kernel_deb_sha256  $kernel_deb"
  (cd "$root" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum)
  echo "# outputs"
  (cd "$out" && sha256sum vmlinuz initrd.img cmdline)
} >"$out/inputs.txt"
echo "vm image: $out"
