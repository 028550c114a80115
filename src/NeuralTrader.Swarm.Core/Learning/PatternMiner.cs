using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>Finds recurring success and failure patterns in observations.</summary>
    internal static class PatternMiner
    {
        /// <summary>A run counts as good when its score is at least this.</summary>
        internal const double GoodScore = 0.5;

        internal static IReadOnlyList<Pattern> Mine(List<Observation> all, PatternFilter filter)
        {
            var inv = CultureInfo.InvariantCulture;
            var patterns = new List<Pattern>();
            var minN = Math.Max(1, filter.MinObservations);
            var scope = all.Where(o => o.Status != ExecutionStatus.Cancelled
                && (filter.Strategy is null || string.Equals(o.Strategy, filter.Strategy, StringComparison.OrdinalIgnoreCase))
                && (filter.Symbol is null || string.Equals(o.Symbol, filter.Symbol, StringComparison.OrdinalIgnoreCase))).ToList();

            // 1. Parameter regions: per strategy × symbol × regime (and any regime), quartile bins of each parameter.
            foreach (var pairGroup in scope.Where(o => o.Readable && o.Parameters != null).GroupBy(o => (o.Strategy.ToUpperInvariant(), o.Symbol.ToUpperInvariant())))
            {
                var pairList = pairGroup.ToList();
                var regimes = new List<(string? Regime, List<Observation> Items)> { (null, pairList) };
                regimes.AddRange(pairList.Where(o => o.Regime != null).GroupBy(o => o.Regime).Select(g => ((string?)g.Key, g.ToList())));
                var strategy = pairList[0].Strategy;
                var symbol = pairList[0].Symbol;
                foreach (var (regime, items) in regimes)
                {
                    // A single regime covering every run adds nothing beyond the "any regime" patterns.
                    if (items.Count < minN || (regime != null && items.Count == pairList.Count))
                    {
                        continue;
                    }

                    var names = items.SelectMany(o => o.Parameters!.Keys).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal);
                    foreach (var name in names)
                    {
                        var withParam = items.Where(o => o.Parameters!.ContainsKey(name)).OrderBy(o => o.Parameters![name]).ToList();
                        if (withParam.Count < minN)
                        {
                            continue;
                        }

                        // A parameter that never varied (position size, cash, costs) restates a constant, not a pattern.
                        var distinct = withParam.Select(o => o.Parameters![name]).Distinct().Count();
                        if (distinct < 2)
                        {
                            continue;
                        }

                        var bins = Math.Min(4, distinct);
                        for (var b = 0; b < bins; b++)
                        {
                            var start = b * withParam.Count / bins;
                            var end = ((b + 1) * withParam.Count / bins) - 1;
                            var lo = withParam[start].Parameters![name];
                            var hi = withParam[end].Parameters![name];
                            var inBin = withParam.Where(o => o.Parameters![name] >= lo && o.Parameters![name] <= hi).ToList();
                            if (inBin.Count < minN)
                            {
                                continue;
                            }

                            var good = inBin.Count(o => o.Score >= GoodScore);
                            var where = string.Format(inv, "{0} on {1}{2} with {3} in [{4:0.####}, {5:0.####}]", strategy, symbol, regime is null ? string.Empty : " in " + regime + " markets", name, lo, hi);
                            AddRate(patterns, filter, "ParameterRegion", strategy, symbol, regime, good, inBin.Count, inBin.Average(o => o.Score), where, p =>
                            {
                                p.Parameter = name;
                                p.RangeMin = lo;
                                p.RangeMax = hi;
                            });
                        }
                    }
                }
            }

            // 2. Operation sequences per strategy.
            foreach (var strategyGroup in scope.Where(o => o.Readable && o.Operations != null && o.Operations.Length > 0).GroupBy(o => o.Strategy.ToUpperInvariant()))
            {
                var strategy = strategyGroup.First().Strategy;
                foreach (var sequenceGroup in strategyGroup.GroupBy(o => string.Join(" > ", o.Operations!)))
                {
                    var items = sequenceGroup.ToList();
                    if (items.Count < minN)
                    {
                        continue;
                    }

                    var good = items.Count(o => o.Score >= GoodScore);
                    var ops = items[0].Operations!.ToList();
                    var failedStep = ops.FirstOrDefault(s => s.EndsWith("!", StringComparison.Ordinal));
                    var where = failedStep is null
                        ? string.Format(inv, "{0} runs following {1}", strategy, sequenceGroup.Key)
                        : string.Format(inv, "{0} runs whose step '{1}' failed ({2})", strategy, failedStep.TrimEnd('!'), sequenceGroup.Key);
                    AddRate(patterns, filter, "OperationSequence", strategy, null, null, good, items.Count, items.Average(o => o.Score), where, p => p.Operations = ops);
                }
            }

            // 3. Swarm size: timeouts, out-of-memory and failures above N agents.
            var sized = scope.Where(o => o.Readable && o.SwarmSize > 0).ToList();
            var checks = new (string Label, Func<Observation, bool> Bad)[]
            {
                ("time out", o => o.Status == ExecutionStatus.TimedOut),
                ("run out of memory", o => o.Status == ExecutionStatus.OutOfMemory),
                ("fail", o => o.Status != ExecutionStatus.Succeeded),
            };
            foreach (var (label, bad) in checks)
            {
                Pattern? best = null;
                foreach (var threshold in sized.Select(o => o.SwarmSize).Distinct().OrderBy(s => s))
                {
                    var above = sized.Where(o => o.SwarmSize > threshold).ToList();
                    var below = sized.Where(o => o.SwarmSize <= threshold).ToList();
                    if (above.Count < minN)
                    {
                        continue;
                    }

                    var badAbove = above.Count(bad);
                    var badBelow = below.Count(bad);
                    var lower = Wilson.LowerBound(badAbove, above.Count);
                    var rateBelow = below.Count == 0 ? 0 : badBelow / (double)below.Count;
                    if (lower < filter.MinConfidence || lower <= rateBelow || (best != null && lower <= best.Confidence))
                    {
                        continue;
                    }

                    best = new Pattern
                    {
                        Kind = PatternKind.Failure,
                        Category = "SwarmSize",
                        Strategy = filter.Strategy,
                        Symbol = filter.Symbol,
                        SwarmSizeAbove = threshold,
                        SuccessRate = badAbove / (double)above.Count,
                        ObservationCount = above.Count,
                        Confidence = lower,
                        Description = string.Format(
                            inv,
                            "Runs {0} when more than {1} agents run at once: {2} of {3} ({4:P0}, lower bound {5:P0}) vs {6} of {7} with {1} or fewer.",
                            label,
                            threshold,
                            badAbove,
                            above.Count,
                            badAbove / (double)above.Count,
                            lower,
                            badBelow,
                            below.Count),
                    };
                    best.Id = Id("SwarmSize", label, threshold.ToString(inv), filter.Strategy ?? "*", filter.Symbol ?? "*");
                }

                if (best != null && (filter.Kind is null || filter.Kind == PatternKind.Failure))
                {
                    patterns.Add(best);
                }
            }

            return patterns.OrderByDescending(p => p.Confidence).ThenByDescending(p => p.ObservationCount).ThenBy(p => p.Id, StringComparer.Ordinal).ToList();
        }

        private static void AddRate(List<Pattern> patterns, PatternFilter filter, string category, string? strategy, string? symbol, string? regime, int good, int n, double meanScore, string where, Action<Pattern> fill)
        {
            var inv = CultureInfo.InvariantCulture;
            var successLower = Wilson.LowerBound(good, n);
            var failureLower = Wilson.LowerBound(n - good, n);
            if (successLower >= filter.MinConfidence && (filter.Kind is null || filter.Kind == PatternKind.Success))
            {
                var p = new Pattern
                {
                    Kind = PatternKind.Success,
                    Category = category,
                    Strategy = strategy,
                    Symbol = symbol,
                    Regime = regime,
                    SuccessRate = good / (double)n,
                    ObservationCount = n,
                    Confidence = successLower,
                    Description = string.Format(inv, "Success: {0} score at least 0.5 in {1} of {2} runs ({3:P0}, lower bound {4:P0}, mean score {5:0.00}).", where, good, n, good / (double)n, successLower, meanScore),
                };
                fill(p);
                p.Id = Id(category, "S", strategy ?? "*", symbol ?? "*", regime ?? "*", p.Parameter ?? string.Join(">", p.Operations ?? new List<string>()), (p.RangeMin ?? 0).ToString("R", inv), (p.RangeMax ?? 0).ToString("R", inv));
                patterns.Add(p);
            }

            if (failureLower >= filter.MinConfidence && (filter.Kind is null || filter.Kind == PatternKind.Failure))
            {
                var p = new Pattern
                {
                    Kind = PatternKind.Failure,
                    Category = category,
                    Strategy = strategy,
                    Symbol = symbol,
                    Regime = regime,
                    SuccessRate = (n - good) / (double)n,
                    ObservationCount = n,
                    Confidence = failureLower,
                    Description = string.Format(inv, "Failure: {0} score below 0.5 in {1} of {2} runs ({3:P0}, lower bound {4:P0}, mean score {5:0.00}).", where, n - good, n, (n - good) / (double)n, failureLower, meanScore),
                };
                fill(p);
                p.Id = Id(category, "F", strategy ?? "*", symbol ?? "*", regime ?? "*", p.Parameter ?? string.Join(">", p.Operations ?? new List<string>()), (p.RangeMin ?? 0).ToString("R", inv), (p.RangeMax ?? 0).ToString("R", inv));
                patterns.Add(p);
            }
        }

        private static string Id(params string[] parts) => "pat-" + StableHash.Of(parts).ToString("x8", CultureInfo.InvariantCulture) + StableHash.Of(Enumerable.Reverse(parts).ToArray()).ToString("x8", CultureInfo.InvariantCulture);
    }
}
