#!/usr/bin/env bash
# WireGuard throughput between two network namespaces (Debian wireguard-go + wg, as the node VPN runs here without a
# kernel module) against the bare underlay (the veth pair the tunnel runs over), with iperf3 (TCP, one stream).
# Public tools only: ip, wg, wireguard-go, iperf3. Everything is created under a random prefix and removed on exit.
# Usage: sudo benchmarks/vpn/wireguard-throughput.sh [SECONDS per run, default 5] [RUNS, default 3]
# Prints a header (date, cores, CPU, load) and one line per run: underlay Mbit/s, WireGuard Mbit/s, ratio.
set -euo pipefail
seconds="${1:-5}"
runs="${2:-3}"
for tool in ip wg wireguard-go iperf3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian iproute2, wireguard-tools, wireguard-go, iperf3)" >&2; exit 1; }
done

p="wb$(head -c3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
a="$p-a"; b="$p-b"; keys="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  ip netns del "$a" 2>/dev/null || true
  ip netns del "$b" 2>/dev/null || true
  rm -rf "$keys"
}
trap cleanup EXIT

ip netns add "$a"; ip netns add "$b"
ip -n "$a" link add eth0 type veth peer name eth0 netns "$b"
ip -n "$a" address add 192.168.78.1/24 dev eth0; ip -n "$a" link set eth0 up; ip -n "$a" link set lo up
ip -n "$b" address add 192.168.78.2/24 dev eth0; ip -n "$b" link set eth0 up; ip -n "$b" link set lo up

umask 077
for side in a b; do
  wg genkey > "$keys/$side.key"
  wg pubkey < "$keys/$side.key" > "$keys/$side.pub"
done

start_wg() { # namespace interface key peer-pub peer-endpoint own-vpn-ip peer-vpn-ip
  ip netns exec "$1" wireguard-go -f "$2" >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do [ -S "/var/run/wireguard/$2.sock" ] && break; sleep 0.05; done
  ip netns exec "$1" wg set "$2" private-key "$3" listen-port 51820 peer "$(cat "$4")" endpoint "$5" allowed-ips "$7/32" persistent-keepalive 25
  ip -n "$1" address add "$6/16" dev "$2"
  ip -n "$1" link set "$2" up
}
start_wg "$a" "${p}a" "$keys/a.key" "$keys/b.pub" 192.168.78.2:51820 10.119.0.1 10.119.0.2
start_wg "$b" "${p}b" "$keys/b.key" "$keys/a.pub" 192.168.78.1:51820 10.119.0.2 10.119.0.1

ip netns exec "$b" iperf3 -s -D -I "$keys/iperf.pid" >/dev/null
for _ in $(seq 100); do [ -s "$keys/iperf.pid" ] && break; sleep 0.05; done
pids+=("$(cat "$keys/iperf.pid")")

mbits() { # namespace server-address
  ip netns exec "$1" iperf3 -c "$2" -t "$seconds" -J | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))' 2>/dev/null \
    || ip netns exec "$1" iperf3 -c "$2" -t "$seconds" -f m | awk '/receiver/ {print $(NF-2)}'
}

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg), $(wireguard-go --version | head -1), iperf3 ${seconds} s per run"
for run in $(seq "$runs"); do
  bare="$(mbits "$a" 192.168.78.2)"
  tunnel="$(mbits "$a" 10.119.0.2)"
  echo "run $run: underlay ${bare} Mbit/s, wireguard-go ${tunnel} Mbit/s, ratio $(awk -v t="$tunnel" -v u="$bare" 'BEGIN {printf "%.3f", t/u}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
done
