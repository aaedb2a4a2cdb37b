#!/usr/bin/env bash
# Publishes the daemons of the QEMU node image as Native AOT executables (no .NET runtime in the guest):
# constellation-bootstrapper, constellation-cluster-services and constellation-debugd (debug images), into one directory that scripts/vm-image.sh takes with
# --daemons DIR (or CONSTELLATION_VM_DAEMONS). Slow (minutes on two cores), so scripts/test.sh runs it once.
# Usage: scripts/vm-image-daemons.sh [OUT_DIR]   (default: artifacts/vm-image-daemons)
# Deterministic flags as in scripts/node-image.sh; InvariantGlobalization, because the initramfs carries no ICU.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
out="${1:-$repo/artifacts/vm-image-daemons}"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
case "$out" in
  "$repo"|"$repo/src"|"$repo/src/"*|"$repo/tests"|"$repo/tests/"*) echo "vm-image-daemons.sh: refusing to publish into $out" >&2; exit 2 ;;
esac
find "$out" -mindepth 1 -delete

build="$repo/artifacts/vm-image-daemons-build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in Constellation.Bootstrapper Constellation.ClusterServices Constellation.Debugd; do
  dotnet publish "$repo/src/$project/$project.csproj" -c Release -r linux-x64 -o "$out" --nologo -v quiet \
    --artifacts-path "$build" \
    -p:PublishAot=true -p:InvariantGlobalization=true \
    -p:Deterministic=true -p:ContinuousIntegrationBuild=true -p:GenerateDocumentationFile=false -p:DebugType=none -p:DebugSymbols=false \
    -p:StripSymbols=true
done
# Only the two executables go into the image (publish may leave symbol or config files beside them).
for f in "$out"/*; do
  case "$(basename "$f")" in constellation-bootstrapper|constellation-cluster-services|constellation-debugd) ;; *) rm -rf "$f" ;; esac
done
for f in constellation-bootstrapper constellation-cluster-services constellation-debugd; do
  [ -x "$out/$f" ] || { echo "vm-image-daemons.sh: $out/$f was not published" >&2; exit 1; }
done
echo "vm image daemons: $out"
