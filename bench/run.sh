#!/usr/bin/env bash
# One command for every benchmark: builds Release, publishes the Native AOT runner, runs the end-to-end
# scenarios (bench/NeuralTrader.Swarm.Bench) and the BenchmarkDotNet micro benchmarks, and writes
# bench/results/latest.json plus bench/results/latest.md (the table docs/performance.md and the README show).
#   bench/run.sh            full run (about 10 minutes on 2 cores)
#   bench/run.sh --quick    smaller samples, for checking the harness (about 3 minutes)
#   bench/run.sh --docker-only  only the Docker scenarios (bare engine, DockerSandboxProvider and issue 18's warm
#                           swarms, sweeps, bursts and owner kill; about 6 minutes); their rows replace the Docker
#                           rows of latest.json/latest.md, the others are kept
# Prerequisites are checked first (and busybox-static installed with apt-get when missing and run as root): the
# Docker rows need an engine that answers and a static busybox for the bare-engine baselines. Without them the run
# stops and says what is missing, instead of producing a table without Docker rows.
# Containers carry NEURALTRADER_SESSION (default: bench-<pid>); only this run's containers are counted or removed.
# Run it under `nice -n 10` on a shared machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
quick=""
docker_only=""
[[ "${1:-}" == "--quick" ]] && quick="--quick"
[[ "${1:-}" == "--docker-only" ]] && docker_only=1
out="$root/bench/out"
results="$root/bench/results"
mkdir -p "$out" "$results"

export NEURALTRADER_SESSION="${NEURALTRADER_SESSION:-bench-$$}"

echo "== prerequisites"
is_static() { [[ -x "$1" ]] && ! ldd "$1" >/dev/null 2>&1; }
busybox=""
for candidate in /bin/busybox /usr/bin/busybox; do
  if is_static "$candidate"; then busybox="$candidate"; break; fi
done
if [[ -z "$busybox" ]]; then
  if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "installing busybox-static (the bare-engine baselines build their image from it)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >/dev/null
    for candidate in /bin/busybox /usr/bin/busybox; do
      if is_static "$candidate"; then busybox="$candidate"; break; fi
    done
  fi
fi
if [[ -z "$busybox" ]]; then
  echo "!! no static busybox: install busybox-static (apt-get install busybox-static) and run again" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "!! no Docker engine answers (docker info failed): start it, or check access to /var/run/docker.sock" >&2
  exit 1
fi
echo "static busybox: $busybox; Docker engine $(docker version --format '{{.Server.Version}}'); session $NEURALTRADER_SESSION"

rid="linux-x64"
[[ "$(uname -m)" == "aarch64" ]] && rid="linux-arm64"
echo "== publishing the Native AOT runner ($rid)"
if dotnet publish src/NeuralTrader.Swarm.Runner -c Release -r "$rid" -o "$out/runner" -nologo -v quiet; then
  export NEURALTRADER_RUNNER="$out/runner/NeuralTrader.Swarm.Runner"
else
  echo "!! Native AOT publish failed; measuring the framework-dependent runner instead (the results say which)"
  dotnet build src/NeuralTrader.Swarm.Runner -c Release -o "$out/runner-fd" -nologo -v quiet
  export NEURALTRADER_RUNNER="$out/runner-fd/NeuralTrader.Swarm.Runner.dll"
fi

echo "== building the harness (Release)"
dotnet build bench/NeuralTrader.Swarm.Bench -c Release -nologo -v quiet
bench="$root/bench/NeuralTrader.Swarm.Bench/bin/Release/net10.0/NeuralTrader.Swarm.Bench"

if [[ -n "$docker_only" ]]; then
  echo "== Docker scenarios only"
  "$bench" scenarios --only docker,issue18 --out "$out/docker.json"
  "$bench" merge-docker --in "$results/latest.json" --from "$out/docker.json" --md "$results/latest.md"
  echo
  cat "$results/latest.md"
  exit 0
fi

echo "== scenarios"
"$bench" scenarios $quick --out "$results/latest.json"

echo "== micro benchmarks (BenchmarkDotNet)"
rm -rf "$out/bdn"
"$bench" micro --filter '*' --job short --inProcess --exporters json --artifacts "$out/bdn" > "$out/bdn.log" 2>&1 \
  || echo "!! BenchmarkDotNet failed; see $out/bdn.log"
grep -E '^\| ' "$out/bdn.log" | tail -n 20 || true

"$bench" report --in "$results/latest.json" --micro "$out/bdn/results" --md "$results/latest.md"
echo
cat "$results/latest.md"
