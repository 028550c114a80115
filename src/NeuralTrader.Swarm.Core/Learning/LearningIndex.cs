using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>What the learning model keeps of a trajectory in memory.</summary>
    internal sealed class Observation
    {
        internal long Seq { get; set; }

        internal string Id { get; set; } = string.Empty;

        internal string Strategy { get; set; } = string.Empty;

        internal string Symbol { get; set; } = string.Empty;

        internal long CompletedAtMs { get; set; }

        internal double Score { get; set; }

        internal bool Success { get; set; }

        internal long DurationMs { get; set; }

        internal bool Readable { get; set; }

        internal ExecutionStatus Status { get; set; }

        internal Dictionary<string, double>? Parameters { get; set; }

        internal string? Regime { get; set; }

        internal string[]? Operations { get; set; }

        internal double? Predicted { get; set; }

        internal bool UsedSuggestion { get; set; }

        internal int SwarmSize { get; set; }
    }

    /// <summary>In-memory observations, refreshed incrementally by insertion sequence and rebuilt after a reset.</summary>
    internal sealed class LearningIndex
    {
        private readonly Dictionary<string, List<Observation>> _byPair = new Dictionary<string, List<Observation>>(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Observation>> _usableByPair = new Dictionary<string, List<Observation>>(StringComparer.Ordinal);
        private readonly Dictionary<string, Selection> _selected = new Dictionary<string, Selection>(StringComparer.Ordinal);
        private readonly Dictionary<string, PairSummary> _pairSummaries = new Dictionary<string, PairSummary>(StringComparer.Ordinal);
        private readonly Dictionary<string, StrategySummary> _strategySummaries = new Dictionary<string, StrategySummary>(StringComparer.OrdinalIgnoreCase);
        private static readonly List<Observation> Empty = new List<Observation>();

        internal LearningIndex(string generation)
        {
            Generation = generation;
        }

        internal string Generation { get; }

        internal long LastSeq { get; set; }

        internal long Version { get; set; }

        internal List<Observation> All { get; } = new List<Observation>();

        internal void Add(Observation observation)
        {
            All.Add(observation);
            var key = observation.Strategy.ToUpperInvariant() + "\u0001" + observation.Symbol.ToUpperInvariant();
            if (!_byPair.TryGetValue(key, out var list))
            {
                list = new List<Observation>();
                _byPair[key] = list;
            }

            list.Add(observation);
            if (!_strategySummaries.TryGetValue(observation.Strategy, out var strategySummary))
            {
                strategySummary = new StrategySummary();
                _strategySummaries[observation.Strategy] = strategySummary;
            }

            strategySummary.Add(observation);
            if (!_pairSummaries.TryGetValue(key, out var pairSummary))
            {
                pairSummary = new PairSummary();
                _pairSummaries[key] = pairSummary;
            }

            if (!observation.Readable)
            {
                pairSummary.Unreadable++;
            }

            if (observation.Readable && observation.Status != ExecutionStatus.Cancelled)
            {
                if (!_usableByPair.TryGetValue(key, out var usable))
                {
                    usable = new List<Observation>();
                    _usableByPair[key] = usable;
                }

                usable.Add(observation);
                pairSummary.AddUsable(observation);
            }
        }

        /// <summary>Running figures of the pair's observations, or null before its first.</summary>
        internal PairSummary? PairSummary(string key) => _pairSummaries.TryGetValue(key, out var summary) ? summary : null;

        /// <summary>Running figures of the strategy's observations (case-insensitive), or null before its first.</summary>
        internal StrategySummary? StrategySummary(string strategy) => _strategySummaries.TryGetValue(strategy, out var summary) ? summary : null;

        /// <summary>
        /// The pair's readable, not cancelled observations in seq order, kept as they arrive so predictions and
        /// suggestions need not filter every observation of the pair on each call. Callers must not modify it.
        /// </summary>
        internal List<Observation> Usable(string key) => _usableByPair.TryGetValue(key, out var list) ? list : Empty;

        internal const int RecentCount = 40;

        internal const int BestOlderCount = BayesianOptimizer.MaxModelObservations - RecentCount;

        /// <summary>
        /// The model's observations for a pair (see <see cref="BayesianOptimizer.SelectObservations"/>), updated when the
        /// pair has new usable ones: the observations that left the recent window are offered to the pair's best-older
        /// buffer, in seq order, so the selection costs O(new observations), not a scan of all of them. Callers must
        /// not modify it.
        /// </summary>
        internal List<Observation> Selected(string key)
        {
            var usable = Usable(key);
            if (!_selected.TryGetValue(key, out var state))
            {
                state = new Selection();
                _selected[key] = state;
            }

            if (state.Count == usable.Count && state.Observations != null)
            {
                return state.Observations;
            }

            state.Observations = Select(state, usable, usable.Count);
            state.Count = usable.Count;
            return state.Observations;
        }

        /// <summary>
        /// The selection of the first <paramref name="count"/> usable observations, advancing <paramref name="state"/>'s
        /// best-older buffer over those that left the recent window since it was last advanced (all of them for a new state).
        /// </summary>
        internal static List<Observation> Select(Selection state, List<Observation> usable, int count)
        {
            if (count <= BayesianOptimizer.MaxModelObservations)
            {
                return usable.GetRange(0, count);
            }

            var older = count - RecentCount;
            for (; state.Older < older; state.Older++)
            {
                AddToBest(state.BestOlder, usable[state.Older]);
            }

            var selected = new List<Observation>(state.BestOlder);
            selected.Sort((a, b) => a.Seq.CompareTo(b.Seq));
            selected.AddRange(usable.GetRange(older, RecentCount));
            return selected;
        }

        /// <summary>Keeps <paramref name="best"/> the <see cref="BestOlderCount"/> highest scores, by score descending, earlier first among equals.</summary>
        private static void AddToBest(List<Observation> best, Observation o)
        {
            if (best.Count == BestOlderCount && o.Score <= best[best.Count - 1].Score)
            {
                return;
            }

            var at = best.Count;
            while (at > 0 && best[at - 1].Score < o.Score)
            {
                at--;
            }

            best.Insert(at, o);
            if (best.Count > BestOlderCount)
            {
                best.RemoveAt(best.Count - 1);
            }
        }

        internal List<Observation> Pair(string key) => _byPair.TryGetValue(key, out var list) ? list : Empty;

        /// <summary>A pair's selection and the best-older buffer it is built from.</summary>
        internal sealed class Selection
        {
            internal int Count { get; set; } = -1;

            internal int Older { get; set; }

            internal List<Observation> BestOlder { get; } = new List<Observation>(BestOlderCount + 1);

            internal List<Observation>? Observations { get; set; }
        }
    }
}
