#!/usr/bin/env bash
# The test command: builds the solution in Release (warnings are errors) and the documentation site, packs the
# packages, and runs every test project (the samples among them, built against the packed packages).
# Prints one closing line "N passed, N failed, N skipped" summed over all projects.
set -uo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# step NAME COMMAND...: runs the command and prints how long it took (the CI log shows where the minutes go).
step() {
  local name="$1" started=$SECONDS code=0
  shift
  "$@" || code=$?
  echo "step: $name took $((SECONDS - started)) s"
  return "$code"
}

# The debug VM (issue #21's debug deploy on a real VM) needs the debug build of constellation-node (with debugd) and a
# second bootstrapper published Native AOT,
# ≈ 5 min of the default run on two cores, so it is opt-in: CONSTELLATION_DEBUG_VM=1 builds them and runs
# MiniQemuDebugTests (category DebugVm). debugd itself is tested in-process either way (Constellation.Debugd.Tests,
# the Debugd fixtures of Constellation.Cluster.Tests), and so is the refusal of `debug deploy` by a production VM.
debug_vm="${CONSTELLATION_DEBUG_VM:-0}"

step build dotnet build Constellation.sln -c Release --nologo -v quiet || exit 1

# The documentation site (docs/_site): API reference and guide, warnings as errors. The docs tests open it in Chromium.
step docs bash docs/build.sh || exit 1

# Consumers' view: the packaging tests restore these packages from this local feed, not from project references.
feed="$PWD/artifacts/feed"
rm -rf "$feed"
step pack dotnet pack Constellation.sln -c Release --no-build --nologo -v quiet -o "$feed" || exit 1
export CONSTELLATION_LOCAL_FEED="$feed"

# The CLI as users script it: the Native AOT pair of scripts/cli-publish.sh (warnings are errors, so a trimming or AOT
# warning fails here): the front `constellation` and `constellation-full` beside it. The CLI tests run the front as a
# process; every command line it does not hold itself reaches the full binary through it.
step "cli (Native AOT, front and full)" bash scripts/cli-publish.sh "$PWD/artifacts/cli" || exit 1
export CONSTELLATION_CLI="$PWD/artifacts/cli/constellation"

# The QEMU node image (docs/qemu.md) with the Native AOT daemons (one executable, constellation-node), published once (minutes on two cores) and built once
# into artifacts/vm-image with its firmware reference; the VM tests read it through CONSTELLATION_VM_IMAGE. The
# kernel package comes from the cache scripts/vm-image-fetch.sh fills (CI: .ci/run).
daemon_flags=()
[ "$debug_vm" = 1 ] || daemon_flags=(--no-debugd)
step "vm image daemons (Native AOT)" bash scripts/vm-image-daemons.sh "${daemon_flags[@]}" "$PWD/artifacts/vm-image-daemons" || exit 1
export CONSTELLATION_VM_DAEMONS="$PWD/artifacts/vm-image-daemons"
step "vm image" bash scripts/vm-image.sh "$PWD/artifacts/vm-image" || exit 1
step "vm image firmware reference" bash scripts/vm-image-reference.sh "$PWD/artifacts/vm-image" || exit 1
export CONSTELLATION_VM_IMAGE="$PWD/artifacts/vm-image"
test_filter=()
if [ "$debug_vm" = 1 ]; then
  # The debug image (debugd in the initramfs; its other PCR 9 keeps it out of production clusters). The firmware
  # measures the machine, not the image, so the reference recorded above is its reference too.
  step "vm debug image" bash scripts/vm-image.sh --debug "$PWD/artifacts/vm-image-debug" || exit 1
  cp artifacts/vm-image/firmware-measurements.json artifacts/vm-image/firmware-machine artifacts/vm-image-debug/
  export CONSTELLATION_VM_DEBUG_IMAGE="$PWD/artifacts/vm-image-debug"
  # A second build of the bootstrapper (another informational version, so other bytes), which the debug deploy test
  # uploads to a debug VM in place of the image's own.
  rm -rf artifacts/vm-next-bootstrapper
  step "second bootstrapper (Native AOT)" dotnet publish src/Constellation.Bootstrapper/Constellation.Bootstrapper.csproj -c Release -r linux-x64 -o "$PWD/artifacts/vm-next-bootstrapper" --nologo -v quiet \
    --artifacts-path "$PWD/artifacts/vm-next-bootstrapper-build" -p:PublishAot=true -p:InvariantGlobalization=true -p:StripSymbols=true \
    -p:InformationalVersion=next-build-for-debug-deploy || exit 1
  export CONSTELLATION_NEXT_BOOTSTRAPPER="$PWD/artifacts/vm-next-bootstrapper/constellation-bootstrapper"
else
  echo "debug VM: off (CONSTELLATION_DEBUG_VM=1 publishes debugd and a second bootstrapper and runs MiniQemuDebugTests)"
  test_filter=(--filter "TestCategory!=DebugVm")
fi

status=0
step tests dotnet test Constellation.sln -c Release --no-build --nologo "${test_filter[@]}" \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  files=$((files + 1))
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  t="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")"
  e="$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done

echo "test result files: $files"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$files" -eq 0 ] || [ "$passed" -eq 0 ]; then
  echo "no tests ran" >&2
  exit 1
fi
exit "$status"
