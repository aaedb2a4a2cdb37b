#!/usr/bin/env bash
# Whole-process start-up of the CLI against the C tools, as users script them: each pair runs alternately in one run
# (A, B, A, B, ...), so both see the same machine load; prints the median wall time and the median peak RSS of each
# side and their ratios.
#
#   bash benchmarks/cli/startup.sh [RUNS]        (default 31 runs per side)
#
# Pairs:
#   1. constellation evidence verify tpm-quote (Native AOT)  vs  tpm2_checkquote  — the same quote, AK and nonce
#   2. constellation evidence inspect snp-report             AOT vs JIT build of the same CLI
#   3. constellation evidence verify tdx-quote --signatures-only   AOT vs JIT
#   4. constellation --version (the front hands it to constellation-full)  through the front vs constellation-full
#      run directly: what the hand-over (one execv) adds to every command the front does not hold
# Needs: swtpm and tpm2-tools (to make the quote), /usr/bin/time (GNU time, for peak RSS), the AOT binary
# pair (artifacts/cli/constellation and constellation-full, as scripts/cli-publish.sh publishes them) and the JIT build (dotnet build -c Release).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd -P)"
runs="${1:-31}"
aot="$repo/artifacts/cli/constellation"
full="$repo/artifacts/cli/constellation-full"
jit="$repo/src/Constellation.Cli/bin/Release/net10.0/constellation"
for need in swtpm tpm2_createprimary tpm2_quote tpm2_checkquote /usr/bin/time python3; do
  command -v "$need" >/dev/null || { echo "startup.sh: $need is missing (.ci/run installs it)" >&2; exit 2; }
done
[ -x "$aot" ] && [ -x "$full" ] || { echo "startup.sh: $aot or $full is missing; publish them: bash scripts/cli-publish.sh" >&2; exit 2; }
[ -x "$jit" ] || { echo "startup.sh: $jit is missing; build it: dotnet build src/Constellation.Cli -c Release" >&2; exit 2; }

work="$(mktemp -d)"
swtpm_pid=""
cleanup() { [ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# A quote from a software TPM on loopback: ECC P-256 AK, SHA-256 PCRs 0-7, a fixed nonce.
port=$((20000 + RANDOM % 20000))
mkdir "$work/tpm"
swtpm socket --tpm2 --tpmstate "dir=$work/tpm" --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
  --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" --flags not-need-init,startup-clear &
swtpm_pid=$!
export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
for _ in $(seq 50); do tpm2_getrandom 1 >/dev/null 2>&1 && break; sleep 0.1; done
nonce=5f0b3c1e9a7d4b2c8e6f1a3d5c7b9e0f
(cd "$work" &&
  tpm2_createprimary -Q -C o -G ecc256:ecdsa-sha256:null -a "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign" -c ak.ctx &&
  tpm2_readpublic -Q -c ak.ctx -f pem -o ak.pem &&
  tpm2_quote -Q -c ak.ctx -l sha256:0,1,2,3,4,5,6,7 -q "$nonce" -m quote.msg -s quote.sig -g sha256)
kill "$swtpm_pid"; wait "$swtpm_pid" 2>/dev/null || true; swtpm_pid=""

snp="$repo/testdata/snp/azure-milan-vcek-report.bin"
tdx="$repo/testdata/tdx/sample-quote-v5.dat"

# One sample: wall time in microseconds (around the process) and peak RSS in KiB (GNU time), exit code checked.
sample() {
  local out="$1"; shift
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err" || { echo "startup.sh: failed: $* ($(tail -n 2 "$work/err"))" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000 )) $(cat "$work/rss")" >> "$out"
}

pair() {
  local name="$1" a_name="$2" b_name="$3"; shift 3
  local sep
  for sep in $(seq 1 $#); do [ "${!sep}" = "--" ] && break; done
  local a=("${@:1:$((sep - 1))}") b=("${@:$((sep + 1))}")
  : > "$work/a"; : > "$work/b"
  sample "$work/a" "${a[@]}"; sample "$work/b" "${b[@]}"   # warm the page cache; not counted
  : > "$work/a"; : > "$work/b"
  for _ in $(seq "$runs"); do sample "$work/a" "${a[@]}"; sample "$work/b" "${b[@]}"; done
  python3 - "$name" "$a_name" "$b_name" "$work/a" "$work/b" <<'PY'
import statistics, sys
name, an, bn, af, bf = sys.argv[1:]
def load(f):
    rows = [tuple(map(int, line.split())) for line in open(f)]
    return statistics.median(r[0] for r in rows) / 1000, statistics.median(r[1] for r in rows) / 1024
(at, ar), (bt, br) = load(af), load(bf)
print(f"{name}")
print(f"  {an:<28} median {at:7.1f} ms  peak RSS {ar:6.1f} MiB")
print(f"  {bn:<28} median {bt:7.1f} ms  peak RSS {br:6.1f} MiB")
print(f"  ratio {an} / {bn}: time {at / bt:.2f}x, RSS {ar / br:.2f}x")
PY
}

echo "machine: $(nproc) cores, $(uname -r); load: $(cut -d' ' -f1-3 /proc/loadavg); runs per side: $runs; $(date -u +%FT%TZ)"
pair "verify tpm-quote (same quote, AK, nonce)" "constellation (AOT)" "tpm2_checkquote" \
  "$aot" evidence verify tpm-quote "$work/quote.msg" --signature "$work/quote.sig" --ak "$work/ak.pem" --nonce "$nonce" -- \
  tpm2_checkquote -u "$work/ak.pem" -m "$work/quote.msg" -s "$work/quote.sig" -q "$nonce" -g sha256
pair "evidence inspect snp-report" "constellation (AOT)" "constellation (JIT)" \
  "$aot" evidence inspect snp-report "$snp" -- "$jit" evidence inspect snp-report "$snp"
pair "evidence verify tdx-quote --signatures-only" "constellation (AOT)" "constellation (JIT)" \
  "$aot" evidence verify tdx-quote "$tdx" --signatures-only -- "$jit" evidence verify tdx-quote "$tdx" --signatures-only
pair "--version (handed over)" "constellation (front)" "constellation-full" \
  "$aot" --version -- "$full" --version
