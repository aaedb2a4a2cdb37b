# The pinned kernel of the QEMU node image (sourced by scripts/vm-image.sh and scripts/vm-image-fetch.sh).
kernel_package=linux-image-6.1.0-57-amd64
kernel_version=6.1.192-3
kernel_release=6.1.0-57-amd64
kernel_deb="${kernel_package}_${kernel_version}_amd64.deb"
kernel_deb_sha256=14d219d01e1283261817d961dbb3895cb5b4288d0de10e0ba0632a0d993e15bf

# kernel_check FILE SCRIPT: refuses a package whose SHA-256 is not the pinned one (never replaced silently).
kernel_check() {
  local actual
  actual="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$actual" = "$kernel_deb_sha256" ] ||
    { echo "$2: $1: expected SHA-256 $kernel_deb_sha256, got $actual; refusing it (delete the file and run scripts/vm-image-fetch.sh)" >&2; exit 1; }
}
