#!/usr/bin/env bash
# The optimisation benchmark (docs/learning-search.md): the search engine of Core/Learning/Search against random
# search and a TPE baseline on the bundled symbols, in and out of sample, scored by the project's backtester
# in-process. Writes bench/results/optimization-<date>.md (git-ignored; the table is copied into the docs by hand).
#   bench/optimization.sh              full run: 30 trials, 50 seeds per symbol, momentum and mean-reversion
#   bench/optimization.sh --quick      8 seeds, to check the harness
#   bench/optimization.sh --calibration   the reliability table of the suggestions' confidence
#   extra arguments go to the harness, e.g. --space full, --symbols SPY,QQQ, --seeds 100, --threads 2
# Runs under nice: the machines these run on are shared.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p bench/results
project=bench/NeuralTrader.Swarm.Optimization.Bench
dotnet build "$project" -c Release -nologo -v quiet
harness="$project/bin/Release/net10.0/NeuralTrader.Swarm.Optimization.Bench"
stamp="$(date -u +%Y%m%d-%H%M)"
case "${1:-}" in
  --quick)
    shift
    exec nice -n 10 "$harness" --seeds 8 --threads 2 --out "bench/results/optimization-$stamp-quick.md" "$@" ;;
  --calibration)
    shift
    exec nice -n 10 "$harness" --calibration --seeds 30 "$@" ;;
  *)
    exec nice -n 10 "$harness" --seeds 50 --threads 2 --grid --out "bench/results/optimization-$stamp.md" "$@" ;;
esac
