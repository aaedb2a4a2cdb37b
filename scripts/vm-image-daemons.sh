#!/usr/bin/env bash
# Publishes the daemons of the QEMU node image as Native AOT executables (no .NET runtime in the guest):
# constellation-bootstrapper, constellation-cluster-services and constellation-debugd (debug images), into one directory that scripts/vm-image.sh takes with
# --daemons DIR (or CONSTELLATION_VM_DAEMONS). Slow (minutes on two cores), so scripts/test.sh runs it once.
# Usage: scripts/vm-image-daemons.sh [--no-debugd] [OUT_DIR]   (default: artifacts/vm-image-daemons)
#   --no-debugd: only the two daemons of a production image (scripts/test.sh without CONSTELLATION_DEBUG_VM=1).
# Deterministic flags as in scripts/node-image.sh; InvariantGlobalization, because the initramfs carries no ICU.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
daemons=(constellation-bootstrapper constellation-cluster-services constellation-debugd)
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-debugd) daemons=(constellation-bootstrapper constellation-cluster-services); shift ;;
    -*) echo "vm-image-daemons.sh: unknown option $1 (usage: vm-image-daemons.sh [--no-debugd] [OUT_DIR])" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "vm-image-daemons.sh: one output directory, got $out and $1" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
out="${out:-$repo/artifacts/vm-image-daemons}"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
case "$out" in
  "$repo"|"$repo/src"|"$repo/src/"*|"$repo/tests"|"$repo/tests/"*) echo "vm-image-daemons.sh: refusing to publish into $out" >&2; exit 2 ;;
esac
find "$out" -mindepth 1 -delete

build="$repo/artifacts/vm-image-daemons-build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# project_of EXECUTABLE: the host project that publishes it.
project_of() {
  case "$1" in
    constellation-bootstrapper) echo Constellation.Bootstrapper ;;
    constellation-cluster-services) echo Constellation.ClusterServices ;;
    constellation-debugd) echo Constellation.Debugd ;;
  esac
}
for daemon in "${daemons[@]}"; do
  project="$(project_of "$daemon")"
  dotnet publish "$repo/src/$project/$project.csproj" -c Release -r linux-x64 -o "$out" --nologo -v quiet \
    --artifacts-path "$build" \
    -p:PublishAot=true -p:InvariantGlobalization=true \
    -p:Deterministic=true -p:ContinuousIntegrationBuild=true -p:GenerateDocumentationFile=false -p:DebugType=none -p:DebugSymbols=false \
    -p:StripSymbols=true
done
# Only the executables go into the image (publish may leave symbol or config files beside them).
for f in "$out"/*; do
  case " ${daemons[*]} " in *" $(basename "$f") "*) ;; *) rm -rf "$f" ;; esac
done
for f in "${daemons[@]}"; do
  [ -x "$out/$f" ] || { echo "vm-image-daemons.sh: $out/$f was not published" >&2; exit 1; }
done
echo "vm image daemons: $out"
