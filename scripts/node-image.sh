#!/usr/bin/env bash
# Publishes the node image: constellation-bootstrapper and constellation-cluster-services, framework-dependent
# (run as `dotnet <dir>/constellation-bootstrapper.dll` or the apphost), into one directory.
# Usage: scripts/node-image.sh [OUT_DIR]   (default: artifacts/node-image)
# Deterministic: the same sources give byte-identical files (constellation mini measures them into PCR 4), so the
# build runs with Deterministic and ContinuousIntegrationBuild (source paths mapped to /_/) in its own artifacts
# directory, and the output directory is emptied first (no file from an earlier build is left to be measured).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
out="${1:-$repo/artifacts/node-image}"
. "$repo/scripts/lib/output-dir.sh"
out="$(output_dir node-image.sh publish "$out")"
find "$out" -mindepth 1 -delete

build="$repo/artifacts/node-image-build"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
for project in Constellation.Bootstrapper Constellation.ClusterServices; do
  dotnet publish "$repo/src/$project/$project.csproj" -c Release -o "$out" --nologo -v quiet \
    --artifacts-path "$build" \
    -p:Deterministic=true -p:ContinuousIntegrationBuild=true -p:GenerateDocumentationFile=false -p:DebugType=none -p:DebugSymbols=false
done
echo "node image: $out"
