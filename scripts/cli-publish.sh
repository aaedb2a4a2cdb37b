#!/usr/bin/env bash
# Publishes the CLI as Native AOT into one directory of two executables that belong together (issue #23):
#   constellation       the front: the evidence commands and `variants`, built without the cluster, cloud and server
#                       code, so it starts in about the time and memory of the C tools; any other command line it hands
#                       to the full binary beside it (execv, same process, same arguments)
#   constellation-full  the whole CLI (every command, the front's too)
# Install both side by side (the front finds the full binary in its own directory). Needs clang and zlib1g-dev.
# Usage: scripts/cli-publish.sh [OUT_DIR]   (default: artifacts/cli)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
out="${1:-$repo/artifacts/cli}"
. "$repo/scripts/lib/output-dir.sh"
out="$(output_dir cli-publish.sh publish "$out")"
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) echo "cli-publish.sh: unsupported machine $(uname -m)" >&2; exit 2 ;;
esac
find "$out" -mindepth 1 -delete
project="$repo/src/Constellation.Cli/Constellation.Cli.csproj"
staging="$out/.front"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The two publishes share one IL build; only the Native AOT compile differs (the front's feature switch, see CliEdition).
dotnet publish "$project" -c Release -r "$rid" -o "$out" --nologo -v quiet
mv "$out/constellation" "$out/constellation-full"
[ ! -e "$out/constellation.dbg" ] || mv "$out/constellation.dbg" "$out/constellation-full.dbg"
dotnet publish "$project" -c Release -r "$rid" -o "$staging" --nologo -v quiet -p:ConstellationCliFront=true
mv "$staging/constellation" "$out/constellation"
[ ! -e "$staging/constellation.dbg" ] || mv "$staging/constellation.dbg" "$out/constellation.dbg"
rm -rf "$staging"
# The two builds must differ (the csproj keeps their native outputs apart; if that broke, an incremental publish would
# ship one build under both names).
if cmp -s "$out/constellation" "$out/constellation-full" || [ "$(stat -c %s "$out/constellation")" -ge "$(stat -c %s "$out/constellation-full")" ]; then
  echo "cli-publish.sh: $out/constellation is not smaller than $out/constellation-full: the publish did not give a front and a full build" >&2
  exit 1
fi
echo "cli-publish.sh: $out/constellation (front, $(stat -c %s "$out/constellation") bytes) and $out/constellation-full ($(stat -c %s "$out/constellation-full") bytes)"
