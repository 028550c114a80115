#!/usr/bin/env bash
# Issue [4/7]'s rows: the same sweep on one engine vs the two-node Swarm the tests build (two network namespaces,
# one dockerd each, a registry in node 1's), and encrypted PostgreSQL appends vs SQLite appends. Writes
# bench/out/scale.json and merges its rows into bench/results/latest.json and latest.md (other rows kept).
#   sudo nice -n 10 bench/scale.sh [--agents N] [--per-agent N] [--appends N]   (defaults 4, 1000, 2000)
# Needs root (namespaces, a second dockerd), PostgreSQL server binaries (/usr/lib/postgresql/*/bin), a static
# busybox and apt-get download for Debian's docker-registry, as the cluster tests do. Everything it starts is
# stopped by pid and both namespaces deleted, also when it fails. Both nodes share this machine's cores, so the
# sweep rows measure the Swarm path's overhead and balance, not a speed-up.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/bench/out"
results="$root/bench/results"
mkdir -p "$out" "$results"
export NEURALTRADER_SESSION="${NEURALTRADER_SESSION:-bench-scale-$$}"

rid="linux-x64"
[[ "$(uname -m)" == "aarch64" ]] && rid="linux-arm64"
echo "== publishing the Native AOT runner ($rid) for the sandbox image"
dotnet publish src/NeuralTrader.Swarm.Runner -c Release -r "$rid" -o "$out/runner" -nologo -v quiet
export NEURALTRADER_RUNNER="$out/runner/NeuralTrader.Swarm.Runner"

echo "== building the harness (Release)"
dotnet build bench/NeuralTrader.Swarm.Bench -c Release -nologo -v quiet
bench="$root/bench/NeuralTrader.Swarm.Bench/bin/Release/net10.0/NeuralTrader.Swarm.Bench"

echo "== scale-out rows (load before: $(cut -d' ' -f1-3 /proc/loadavg))"
"$bench" scale --out "$out/scale.json" "$@"
"$bench" merge-scale --in "$results/latest.json" --from "$out/scale.json" --md "$results/latest.md"
