#!/usr/bin/env bash
# Publishes the daemons of the QEMU node image as one Native AOT executable (no .NET runtime in the guest),
# constellation-node (src/Constellation.Node), with links constellation-bootstrapper and constellation-cluster-services
# to it: the name a process is started by picks the daemon, busybox-style. One compile instead of one per daemon, and one
# copy in the initramfs. Into one directory that scripts/vm-image.sh takes with --daemons DIR (or
# CONSTELLATION_VM_DAEMONS); debug/ in it holds the debug build (with constellation-debugd and its link) for debug images.
# Slow (minutes on two cores), so scripts/test.sh runs it once.
# Usage: scripts/vm-image-daemons.sh [--no-debugd] [OUT_DIR]   (default: artifacts/vm-image-daemons)
#   --no-debugd: only the production build (scripts/test.sh without CONSTELLATION_DEBUG_VM=1).
# Deterministic flags as in scripts/node-image.sh; InvariantGlobalization, because the initramfs carries no ICU.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
with_debugd=1
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --no-debugd) with_debugd=0; shift ;;
    -*) echo "vm-image-daemons.sh: unknown option $1 (usage: vm-image-daemons.sh [--no-debugd] [OUT_DIR])" >&2; exit 2 ;;
    *) [ -z "$out" ] || { echo "vm-image-daemons.sh: one output directory, got $out and $1" >&2; exit 2; }; out="$1"; shift ;;
  esac
done
out="${out:-$repo/artifacts/vm-image-daemons}"
. "$repo/scripts/lib/output-dir.sh"
out="$(output_dir vm-image-daemons.sh publish "$out")"
find "$out" -mindepth 1 -delete

build="$repo/artifacts/vm-image-daemons-build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# publish_node DIR DEBUGD: constellation-node into DIR (DEBUGD true: the debug build, with constellation-debugd), then
# one link per daemon of that build, as the image's /usr/bin holds them.
publish_node() {
  local dir="$1" debugd="$2" daemon
  dotnet publish "$repo/src/Constellation.Node/Constellation.Node.csproj" -c Release -r linux-x64 -o "$dir" --nologo -v quiet \
    --artifacts-path "$build" \
    -p:PublishAot=true -p:InvariantGlobalization=true -p:ConstellationNodeDebugd="$debugd" \
    -p:Deterministic=true -p:ContinuousIntegrationBuild=true -p:GenerateDocumentationFile=false -p:DebugType=none -p:DebugSymbols=false \
    -p:StripSymbols=true
  # Only the executable goes into the image (publish may leave symbol or config files beside it).
  find "$dir" -mindepth 1 -maxdepth 1 ! -name constellation-node ! -name debug -exec rm -rf {} +
  [ -x "$dir/constellation-node" ] || { echo "vm-image-daemons.sh: $dir/constellation-node was not published" >&2; exit 1; }
  for daemon in constellation-bootstrapper constellation-cluster-services; do ln -s constellation-node "$dir/$daemon"; done
  [ "$debugd" = false ] || ln -s constellation-node "$dir/constellation-debugd"
  # The build must be the one asked for: a production build refuses to run debugd (its code is not in it). Asked for
  # --help, a debug build's debugd refuses the argument and exits at once, so nothing is started either way.
  local answer holds=true
  answer="$("$dir/constellation-node" constellation-debugd --help 2>&1 || true)"
  case "$answer" in *"this is a production build"*) holds=false ;; esac
  [ "$holds" = "$debugd" ] ||
    { echo "vm-image-daemons.sh: $dir/constellation-node is not the build asked for (debugd in it: $holds, asked: $debugd): $answer" >&2; exit 1; }
}
# The production build (debugd's code is not in it) for production images; with debugd, also the debug build in debug/.
publish_node "$out" false
[ "$with_debugd" = 0 ] || { mkdir "$out/debug"; publish_node "$out/debug" true; }
echo "vm image daemons: $out"
