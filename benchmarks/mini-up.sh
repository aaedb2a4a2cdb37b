#!/usr/bin/env bash
# Times `constellation mini up` from the command to "every node verified" (the command returns only then), for the
# node counts given (default: 3 and 10), with public tools only (/usr/bin/time, uptime, nproc); each cluster is taken
# down again. Usage: benchmarks/mini-up.sh [N ...]   (needs the node image: bash scripts/node-image.sh)
# Prints one line per run: nodes, wall seconds, max RSS of the CLI, load average before the run.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd -P)"
cli="$repo/src/Constellation.Cli/bin/Release/net10.0/constellation.dll"
[ -f "$cli" ] || dotnet build "$repo/src/Constellation.Cli" -c Release -v quiet --nologo
[ -f "$repo/artifacts/node-image/constellation-bootstrapper.dll" ] || bash "$repo/scripts/node-image.sh"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
for nodes in "${@:-3 10}"; do
  for n in $nodes; do
    dir="$(mktemp -d /tmp/mini-bench-XXXX)"
    rmdir "$dir"
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    out="$(mktemp)"
    /usr/bin/time -f "%e %M" -o "$out" dotnet "$cli" mini up --nodes "$n" --json --dir "$dir" > "$dir.json" 2>/dev/null || { echo "nodes=$n FAILED (see $dir)"; dotnet "$cli" mini down --dir "$dir" >/dev/null; continue; }
    verified="$(grep -o '"verify":"ok"' "$dir.json" | wc -l)"
    read -r seconds rss < "$out"
    echo "nodes=$n verified=$verified seconds=$seconds cli_max_rss_kib=$rss load_before=\"$load\""
    dotnet "$cli" mini down --dir "$dir" > /dev/null
    rm -f "$out" "$dir.json"
  done
done
