#!/usr/bin/env bash
# Builds the QEMU node image: the pinned Debian kernel (vmlinuz, an EFI stub booted by OVMF with `-kernel`) and a
# busybox initramfs (newc cpio, uncompressed) with cryptsetup, wg, iproute2's ip (it creates the kernel's WireGuard
# interface, which busybox's ip cannot), etcd (the control planes' cluster store), the Native AOT daemons (one
# executable, constellation-node, and the links constellation-bootstrapper and constellation-cluster-services to it),
# the shared libraries they need and the kernel modules for the virtio disks and
# NIC, device-mapper/dm-crypt and WireGuard, plus `inputs.txt` (the SHA-256 of every input and output) and `cmdline`
# (the kernel command line the image is measured with).
# Usage: scripts/vm-image.sh [--daemons DIR] [--debug] [OUT_DIR]   (default: artifacts/vm-image)
#   --debug: a debug image: the debug build of constellation-node with a constellation-debugd link goes in, and /init runs it (it runs the bootstrapper and lets the
#   holder of the cluster's debug key replace it); the file debug-image marks the output. Its initramfs differs, so its
#   PCR 9 does: a debug node can never join a cluster of production images.
#   --daemons DIR (or CONSTELLATION_VM_DAEMONS): the Native AOT daemons published by scripts/vm-image-daemons.sh
#   (default: artifacts/vm-image-daemons; the build stops when they are missing, naming that script). The kernel
#   package comes from the cache that scripts/vm-image-fetch.sh fills (the only step that uses the network).
#
# Reproducible: the same inputs give the same bytes, so the measurements (PCR 4 and 9, see docs/qemu.md) are stable.
# Entries are sorted (LC_ALL=C), every mtime is SOURCE_DATE_EPOCH, owner 0:0, inode numbers renumbered
# (cpio --reproducible), no compression. The inputs are the kernel package (pinned below, refused when its hash differs),
# the daemon binaries, and the host's busybox-static, cryptsetup, wireguard-tools, iproute2, etcd-server and libraries (their hashes are
# recorded in inputs.txt).
#
# The reference PCRs 0-7 of the pinned OVMF are recorded by booting the image: scripts/vm-image-reference.sh.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
daemons="${CONSTELLATION_VM_DAEMONS:-$repo/artifacts/vm-image-daemons}"
out=""
debug=""
while [ $# -gt 0 ]; do
  case "$1" in
    --daemons) [ $# -ge 2 ] || { echo "vm-image.sh: --daemons needs a directory" >&2; exit 2; }; daemons="$2"; shift 2 ;;
    --daemons=*) daemons="${1#--daemons=}"; shift ;;
    --debug) debug=1; shift ;;
    -*) echo "vm-image.sh: unknown option $1 (usage: vm-image.sh [--daemons DIR] [--debug] [OUT_DIR])" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "vm-image.sh: one output directory, got $out and $1" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
out="${out:-$repo/artifacts/vm-image}"

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
wg="$(command -v wg || true)"
[ -n "$wg" ] || { echo "vm-image.sh: wg is required (install wireguard-tools)" >&2; exit 2; }
ip_tool="$(readlink -f "$(command -v ip || true)" || true)"
[ -n "$ip_tool" ] && [ -x "$ip_tool" ] || { echo "vm-image.sh: ip is required (install iproute2)" >&2; exit 2; }
etcd="$(command -v etcd || true)"
[ -n "$etcd" ] || { echo "vm-image.sh: etcd is required (install etcd-server)" >&2; exit 2; }
# .NET loads OpenSSL with dlopen (ldd does not list it): the host's libssl.so.3 and libcrypto.so.3 go in explicitly.
openssl_libs=()
for name in libssl.so.3 libcrypto.so.3; do
  # awk reads to the end: leaving early would close the pipe on ldconfig, whose SIGPIPE (exit 141) fails the
  # pipeline under pipefail whenever it has not finished writing by then.
  lib="$(ldconfig -p | awk -v n="$name" '$1 == n && /x86-64/ && !found { print $NF; found = 1 }')"
  [ -n "$lib" ] || { echo "vm-image.sh: $name is required (install libssl3); the daemons load it with dlopen" >&2; exit 2; }
  openssl_libs+=("$lib")
done
# One executable, constellation-node, and a link per daemon to it (src/Constellation.Node): the production build, or for
# a debug image the debug build (debug/, with constellation-debugd).
image_daemons=(constellation-bootstrapper constellation-cluster-services)
node="$daemons/constellation-node"
if [ -n "$debug" ]; then
  image_daemons+=(constellation-debugd)
  node="$daemons/debug/constellation-node"
fi
[ -x "$node" ] ||
  { echo "vm-image.sh: $node is missing; publish the Native AOT daemons with scripts/vm-image-daemons.sh${debug:+ (without --no-debugd)} (or pass --daemons DIR)" >&2; exit 2; }
node="$(cd "$(dirname "$node")" && pwd -P)/constellation-node"

. "$repo/scripts/lib/output-dir.sh"
out="$(output_dir vm-image.sh build "$out")"
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
mkdir -p "$root"/{bin,sbin,usr/bin,dev,proc,sys,run,tmp,etc/constellation,root}
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$cryptsetup" "$root/sbin/cryptsetup"
cp "$wg" "$root/usr/bin/wg"
# /usr/sbin comes before /bin on /init's PATH, so iproute2's ip shadows busybox's applet.
mkdir -p "$root/usr/sbin"
cp "$ip_tool" "$root/usr/sbin/ip"
cp "$etcd" "$root/usr/bin/etcd"
cp "$node" "$root/usr/bin/constellation-node"
for daemon in "${image_daemons[@]}"; do ln -s constellation-node "$root/usr/bin/$daemon"; done
# copy_library FILE: the file at the same path in the tree (symlinks resolved).
copy_library() {
  mkdir -p "$root$(dirname "$1")"
  cp -L "$1" "$root$1"
}
for binary in "$cryptsetup" "$wg" "$ip_tool" "$etcd" "$node" "${openssl_libs[@]}"; do
  ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | while read -r lib; do
    [ -n "$lib" ] && copy_library "$lib"
  done
done
for lib in "${openssl_libs[@]}"; do copy_library "$lib"; done

# Kernel modules: the closure of the ones the node needs over the package's modules.dep (busybox depmod), copied to
# their place and listed in dependency order in /lib/modules/load, which /init loads with insmod (no udev, no modprobe).
# virtio_pci/virtio_blk/virtio_net: the state and metadata disks and the NIC; dm-mod/dm-crypt with xts (and ecb, which
# xts requests at run time) for the aes-xts-plain64 state disk (aes is built in); af_alg/algif_skcipher for cryptsetup's
# keyslot encryption through the kernel crypto API; wireguard for the VPN.
modules_wanted="virtio_pci virtio_blk virtio_net dm-mod dm-crypt ecb xts af_alg algif_skcipher wireguard"
moddir="lib/modules/$kernel_release"
"$busybox" depmod -b "$work/kernel" "$kernel_release"
declare -A module_seen=()
module_order=()
# add_module PATH: its dependencies first (modules.dep names them), then itself.
add_module() {
  local module="$1" deps dep
  [ -z "${module_seen[$module]:-}" ] || return 0
  module_seen[$module]=1
  deps="$(awk -v m="$module:" '$1 == m { $1 = ""; print }' "$work/kernel/$moddir/modules.dep")"
  for dep in $deps; do add_module "$dep"; done
  module_order+=("$module")
}
for name in $modules_wanted; do
  path="$(cd "$work/kernel/$moddir" && find kernel -name "$name.ko" | LC_ALL=C sort | awk 'NR == 1')"
  [ -n "$path" ] || { echo "vm-image.sh: kernel module $name.ko is not in $kernel_deb" >&2; exit 1; }
  add_module "$path"
done
mkdir -p "$root/$moddir"
for module in "${module_order[@]}"; do
  mkdir -p "$root/$moddir/$(dirname "$module")"
  cp "$work/kernel/$moddir/$module" "$root/$moddir/$module"
  echo "/$moddir/$module"
done >"$root/lib/modules/load"

cp "$repo/scripts/vm-image/init" "$root/init"
cp "$repo/scripts/vm-image/probe" "$root/probe"
chmod 0755 "$root/init" "$root/probe" "$root/bin/busybox" "$root/sbin/cryptsetup" "$root/usr/sbin/ip" "$root/usr/bin/"*

find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
  cpio --quiet -o -H newc -R 0:0 --reproducible >"$work/initrd.img")

find "$out" -mindepth 1 -delete
cp "$work/kernel/boot/vmlinuz-$kernel_release" "$out/vmlinuz"
cp "$work/initrd.img" "$out/initrd.img"
printf '%s' "$cmdline" >"$out/cmdline"
[ -z "$debug" ] || printf 'a debug image: /init runs constellation-debugd\n' >"$out/debug-image"
{
  echo "# inputs"
  echo "$kernel_deb_sha256  $kernel_deb"
  (cd "$root" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs sha256sum)
  echo "# outputs"
  (cd "$out" && sha256sum vmlinuz initrd.img cmdline)
} >"$out/inputs.txt"
echo "vm image: $out"
