#!/usr/bin/env bash
# Opt-in fuzzing with SharpFuzz + afl++ (not part of scripts/test.sh). See docs/hardening.md, section "Fuzzing".
#
#   scripts/fuzz.sh [--minutes N | --seconds S] [--jobs J] [harness...]
#
# Publishes tests/Fuzz/Constellation.Fuzz, instruments the published Constellation.Attestation.dll and
# Constellation.Atls.dll with the sharpfuzz CLI (installed into artifacts/fuzz/tools when missing), writes the seed
# corpus, runs every named harness (default: all) for N minutes (default 10), J at a time (default 3), then prints per
# harness the time run, executions, corpus size, crashes and hangs from afl's fuzzer_stats. Crash and hang inputs are
# copied to tests/Fuzz/crashes/<harness>/. Exits 1 when a harness found a crash or hang in this run, or when an input
# under tests/Fuzz/crashes/ still crashes the current build (an open crash).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

seconds=600
jobs=3
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) seconds=$(($2 * 60)); shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done

command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }
testdata="$repo/testdata"
[ -f "$testdata/MANIFEST.md" ] || { echo "testdata/MANIFEST.md not found in the repository" >&2; exit 2; }

work="$repo/artifacts/fuzz"
tools="$work/tools"
publish="$work/publish"
plain="$work/plain"
sharpfuzz_version=2.3.0
mkdir -p "$work"

echo "== build: publish the harness (instrumented copy) and a plain copy for replaying crashes"
rm -rf "$publish" "$plain"
dotnet publish tests/Fuzz/Constellation.Fuzz -c Release --nologo -v quiet -o "$publish"
cp -r "$publish" "$plain"

if [ ! -x "$tools/sharpfuzz" ]; then
  echo "== install SharpFuzz.CommandLine $sharpfuzz_version into $tools"
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version "$sharpfuzz_version"
fi
for assembly in Constellation.Attestation.dll Constellation.Atls.dll; do
  echo "== instrument $assembly"
  "$tools/sharpfuzz" "$publish/$assembly"
done

harness=(dotnet "$publish/Constellation.Fuzz.dll")
replay=(dotnet "$plain/Constellation.Fuzz.dll")
if [ ${#harnesses[@]} -eq 0 ]; then
  mapfile -t harnesses < <("${replay[@]}" --list | cut -f1)
fi

echo "== seeds"
seeds="$work/seeds"
rm -rf "$seeds"
"${replay[@]}" --seeds "$seeds" "$testdata" "$repo"

run="$work/findings/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$run"
export AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
# dotnet is not an afl-instrumented binary; SharpFuzz speaks the fork-server protocol itself.
export AFL_SKIP_BIN_CHECK=1
# A cold dotnet start on a busy machine can take many seconds.
export AFL_FORKSRV_INIT_TMOUT=60000

dictionary_for() {
  case "$1" in
    measurements-yaml) echo "$repo/tests/Fuzz/dictionaries/yaml.dict" ;;
    azure-hcl|vtpm-json|measurements-json|tdx-tcb-info|tdx-qe-identity|cloud-json) echo "$repo/tests/Fuzz/dictionaries/json.dict" ;;
    *) echo "" ;;
  esac
}

start_one() {
  local name="$1" dict
  dict="$(dictionary_for "$name")"
  local args=(-i "$seeds/$name" -o "$run/$name" -t 10000 -m none -V "$seconds")
  [ -n "$dict" ] && args+=(-x "$dict")
  echo "   start $name ($(date -u +%T))"
  afl-fuzz "${args[@]}" -- "${harness[@]}" "$name" >"$run/$name.log" 2>&1 &
}

echo "== fuzz ${#harnesses[@]} harnesses, $seconds s each, $jobs at a time; output in $run"
for name in "${harnesses[@]}"; do
  [ -d "$seeds/$name" ] || { echo "unknown harness $name" >&2; exit 2; }
done
running=0
for name in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  start_one "$name"
  running=$((running + 1))
done
wait || true

stat() { sed -n "s/^$2 *: *//p" "$1" | head -n 1; }

echo
printf '%-18s %9s %12s %9s %8s %7s %6s\n' harness seconds executions exec/s corpus crashes hangs
summary="$run/summary.md"
{
  echo "| Harness | Time run (s) | Executions | Exec/s | Corpus (paths) | Crashes | Hangs |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
} >"$summary"
status=0
for name in "${harnesses[@]}"; do
  stats="$run/$name/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then
    printf '%-18s afl-fuzz did not run; see %s\n' "$name" "$run/$name.log"
    status=1
    continue
  fi
  crashes="$(stat "$stats" saved_crashes)"; hangs="$(stat "$stats" saved_hangs)"
  printf '%-18s %9s %12s %9s %8s %7s %6s\n' "$name" "$(stat "$stats" run_time)" "$(stat "$stats" execs_done)" \
    "$(stat "$stats" execs_per_sec)" "$(stat "$stats" corpus_count)" "$crashes" "$hangs"
  echo "| $name | $(stat "$stats" run_time) | $(stat "$stats" execs_done) | $(stat "$stats" execs_per_sec) | $(stat "$stats" corpus_count) | $crashes | $hangs |" >>"$summary"
  if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
    status=1
    mkdir -p "$repo/tests/Fuzz/crashes/$name"
    for kind in crashes hangs; do
      for input in "$run/$name/default/$kind"/id:*; do
        [ -e "$input" ] || continue
        cp "$input" "$repo/tests/Fuzz/crashes/$name/$kind-$(basename "$input" | sed 's/[^A-Za-z0-9._-]/_/g')"
      done
    done
  fi
done

echo
echo "== open crashes: inputs under tests/Fuzz/crashes/ that still crash the current (uninstrumented) build"
open=0
for dir in "$repo"/tests/Fuzz/crashes/*/; do
  [ -d "$dir" ] || continue
  name="$(basename "$dir")"
  for input in "$dir"*; do
    [ -f "$input" ] || continue
    if ! timeout 60 "${replay[@]}" --replay "$name" "$input" >"$run/replay.txt" 2>&1; then
      open=$((open + 1))
      echo "   OPEN $name: ${input#"$repo"/}"
      grep -m 3 -E 'CRASH|Exception' "$run/replay.txt" | sed 's/^/      /' || true
    fi
  done
done
echo "   $open open"
[ "$open" -eq 0 ] || status=1
echo "findings: $run (table: $summary)"
exit "$status"
