#!/usr/bin/env bash
# Records the firmware PCRs (0-3 and 5-7) of the pinned OVMF from one reference boot of a VM image built by
# scripts/vm-image.sh, as firmware-measurements.json (Constellation's measurements JSON) in the image directory.
# These depend on QEMU and OVMF only (identical across boots of the same build), not on the image; PCR 4 (the kernel
# as QEMU patched it) and PCR 9 (command line, initrd) are computed from the image files by VmImageMeasurements (docs/qemu.md).
# The reference is recorded on the machine `constellation mini up --qemu` makes each node (what OVMF measures depends on
# it: the guest memory moves PCR 0, a NIC option ROM PCR 2), and that machine is written beside it as firmware-machine,
# which mini compares with its own before it trusts these PCRs. Keep the QEMU arguments below in step with
# src/Constellation.Cli/Commands/Cluster/MiniVmLauncher.cs (MachineProfile, QemuArguments).
# Usage: scripts/vm-image-reference.sh [IMAGE_DIR]   (default: artifacts/vm-image)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
image="${1:-$repo/artifacts/vm-image}"
ovmf=/usr/share/ovmf/OVMF.fd
ovmf_sha256=7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773 # Debian ovmf 2022.11-6+deb12u2
memory_mib=1024
machine="machine=pc cpu=max smp=1 memory=$memory_mib tpm=tpm-tis disks=virtio-blk,virtio-blk-ro nic=virtio-net-pci,romfile=none"

for tool in qemu-system-x86_64 swtpm timeout sha256sum; do
  command -v "$tool" >/dev/null || { echo "vm-image-reference.sh: $tool is required (not on PATH)" >&2; exit 2; }
done
for file in vmlinuz initrd.img cmdline; do
  [ -f "$image/$file" ] || { echo "vm-image-reference.sh: $image/$file is missing (run scripts/vm-image.sh first)" >&2; exit 2; }
done
actual="$(sha256sum "$ovmf" | cut -d' ' -f1)"
[ "$actual" = "$ovmf_sha256" ] ||
  { echo "vm-image-reference.sh: $ovmf: expected SHA-256 $ovmf_sha256, got $actual; refusing to record its PCRs" >&2; exit 1; }

work="$(mktemp -d)"
swtpm_pid=
cleanup() { [ -z "$swtpm_pid" ] || kill "$swtpm_pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir "$work/tpm"
swtpm socket --tpm2 --tpmstate dir="$work/tpm" --ctrl type=unixio,path="$work/tpm/sock" --flags not-need-init \
  --log file="$work/swtpm.log" &
swtpm_pid=$!
for _ in $(seq 50); do [ -S "$work/tpm/sock" ] && break; sleep 0.1; done
[ -S "$work/tpm/sock" ] || { echo "vm-image-reference.sh: swtpm did not create its socket" >&2; exit 1; }

truncate -s 1M "$work/disk-a.img" "$work/disk-b.img"
# The nodes' devices, with scratch disks and a NIC on an isolated user-mode network (restrict=on: no packet leaves).
timeout 180 qemu-system-x86_64 -machine pc -accel tcg -cpu max -m "$memory_mib" -smp 1 -nographic -serial stdio -monitor none -no-reboot \
  -drive file="$work/disk-a.img",if=virtio,format=raw -drive file="$work/disk-b.img",if=virtio,format=raw,readonly=on \
  -netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0,romfile= \
  -bios "$ovmf" -kernel "$image/vmlinuz" -initrd "$image/initrd.img" -append "$(cat "$image/cmdline")" \
  -chardev socket,id=chrtpm,path="$work/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 \
  </dev/null >"$work/console.log" 2>&1 || { tail -20 "$work/console.log" >&2; echo "vm-image-reference.sh: the boot failed or took over 180 s" >&2; exit 1; }

tr -d '\r' <"$work/console.log" | awk -v ovmf="$ovmf_sha256" '
  $1 == "CONSTELLATION-PCR" && $2 == "sha256" && $3 >= 0 && $3 <= 7 && $3 != 4 { value[$3] = tolower($4); n++ }
  END {
    if (n != 7) { print "vm-image-reference.sh: expected PCRs 0-3 and 5-7 on the console, found " n > "/dev/stderr"; exit 1 }
    printf "{"
    for (i = 0; i <= 7; i++) if (i != 4) printf "%s\"%d\": {\"expected\": \"%s\", \"warnOnly\": false}", (i ? ", " : ""), i, value[i]
    printf "}\n"
  }' >"$work/firmware-measurements.json"
mv "$work/firmware-measurements.json" "$image/firmware-measurements.json"
printf '%s\n' "$machine" >"$image/firmware-machine"
echo "firmware measurements (OVMF $ovmf_sha256): $image/firmware-measurements.json"
