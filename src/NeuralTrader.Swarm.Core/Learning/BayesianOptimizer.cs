using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// The Bayesian optimiser behind suggestions and predictions: per (strategy, symbol) and parameter space, a Gaussian
    /// process over at most <see cref="MaxModelObservations"/> observations (the most recent and the best), with
    /// hyperparameters searched again only at anchors; the next point comes from <see cref="SuggestionSearch"/>, never
    /// one already tried. Not thread-safe: <see cref="LearningModel"/> calls it under its lock.
    /// </summary>
    internal sealed class BayesianOptimizer
    {
        /// <summary>Most observations per (strategy, symbol) the Gaussian process uses: the most recent and the best.</summary>
        internal const int MaxModelObservations = 64;

        private static readonly string[] DefaultOperations = { "resolve-image", "create-sandbox", "load-data", "run", "collect", "cleanup" };

        private readonly int _seed;
        private readonly Dictionary<string, (int Count, HashSet<string> Keys)> _triedPoints = new Dictionary<string, (int Count, HashSet<string> Keys)>(StringComparer.Ordinal);
        private readonly Dictionary<(string Pair, string Space), ModelSlot> _models = new Dictionary<(string Pair, string Space), ModelSlot>();
        private readonly Dictionary<string, (int Count, IReadOnlyList<Pattern> Patterns)> _pairPatterns = new Dictionary<string, (int Count, IReadOnlyList<Pattern> Patterns)>(StringComparer.Ordinal);
        private long _gridSearches;

        internal BayesianOptimizer(int seed)
        {
            _seed = seed;
        }

        /// <summary>How many hyperparameter grid searches have run (tests check the reuse rule).</summary>
        internal long GridSearches => System.Threading.Interlocked.Read(ref _gridSearches);

        /// <summary>Forgets every model: the store was reset.</summary>
        internal void Clear()
        {
            _triedPoints.Clear();
            _models.Clear();
            _pairPatterns.Clear();
        }

        internal Suggestion Suggest(LearningIndex index, string strategy, string symbol, string pair, ParameterSpace space, IDictionary<string, double>? fixedParameters, List<Observation> usable)
        {
            var inv = CultureInfo.InvariantCulture;
            var dims = space.Dimensions;
            var d = dims.Count;
            var n = usable.Count;
            var suggestion = new Suggestion { Strategy = strategy, Symbol = symbol, Observations = n };
            var strategySummary = index.StrategySummary(strategy);
            var pairSummary = index.PairSummary(pair);
            string regionText;
            var unreadable = pairSummary?.Unreadable ?? 0;
            if ((n == 0 && unreadable > 0) || d == 0)
            {
                // Nothing readable to search from (runs recorded under another key): the defaults.
                foreach (var dim in dims)
                {
                    suggestion.RecommendedParameters[dim.Name] = fixedParameters != null && fixedParameters.TryGetValue(dim.Name, out var held) ? held : dim.Default;
                }

                suggestion.Method = "defaults";
                suggestion.ExpectedSuccessRate = strategySummary?.MeanScore ?? 0.5;
                regionText = "the defaults";
            }
            else
            {
                var next = SuggestionSearch.Next(space, index.Selected(pair), TriedPoints(index, pair, space, usable), _seed, fixedParameters);
                foreach (var p in next.Parameters)
                {
                    suggestion.RecommendedParameters[p.Key] = p.Value;
                }

                suggestion.Method = MethodName(next.Method);
                // The calibrated target: Confidence is the chance of scoring at least this much.
                suggestion.ExpectedSuccessRate = double.IsNaN(next.ExpectedScore)
                    ? pairSummary?.MeanScore ?? strategySummary?.MeanScore ?? 0.5
                    : LearningModel.Clamp01(next.ExpectedScore);
                suggestion.Confidence = LearningModel.Clamp01(next.Confidence);
                regionText = next.Reason.TrimEnd('.');
            }

            // Operations and duration come from the strategy's successful runs (running figures kept by the index).
            suggestion.EstimatedDurationMs = pairSummary != null && pairSummary.SucceededDurations.Count > 0
                ? pairSummary.SucceededDurations.Median
                : strategySummary != null && strategySummary.SuccessDurations.Count > 0 ? strategySummary.SuccessDurations.Median : (double?)null;
            suggestion.RecommendedOperations = (strategySummary?.MostCommonSequence ?? DefaultOperations).ToList();
            suggestion.SupportingPatterns = PairPatterns(index, pair, strategy, symbol)
                .Where(p => p.Category == "ParameterRegion" && p.Parameter != null && suggestion.RecommendedParameters.TryGetValue(p.Parameter, out var v) && v >= p.RangeMin && v <= p.RangeMax)
                .ToList();

            var parameterText = string.Join(", ", suggestion.RecommendedParameters.Select(p => p.Key + "=" + p.Value.ToString("0.####", inv)));
            if (n == 0 && unreadable > 0)
            {
                suggestion.Reasoning = string.Format(inv, "{0} runs of {1} on {2} are recorded but their payloads cannot be read with this key, so the defaults ({3}) are suggested with confidence 0.", unreadable, strategy, symbol, parameterText);
            }
            else if (n == 0)
            {
                suggestion.Reasoning = string.Format(inv, "No recorded runs of {0} on {1} yet, so {2} starts filling the space (confidence 0): {3}.", strategy, symbol, suggestion.Method, parameterText);
            }
            else
            {
                var bestObs = pairSummary!.Best!;
                var bestText = string.Join(", ", dims.Select(dim => dim.Name + "=" + (bestObs.Parameters != null && bestObs.Parameters.TryGetValue(dim.Name, out var v) ? v : dim.Default).ToString("0.####", inv)));
                suggestion.Reasoning = string.Format(
                    inv,
                    "From {0} runs of {1} on {2} (mean score {3:0.00}, {4:P0} scoring at least 0.5, best {5:0.00} at {6}), {7} suggests {8}, {9}.",
                    n,
                    strategy,
                    symbol,
                    pairSummary.MeanScore,
                    pairSummary.AtLeastHalf / (double)n,
                    bestObs.Score,
                    bestText,
                    suggestion.Method,
                    parameterText,
                    regionText);
            }

            return suggestion;
        }

        /// <summary>Keys of every point the pair has tried in this space, brought up to date with the runs since the last call.</summary>
        private HashSet<string> TriedPoints(LearningIndex index, string pair, ParameterSpace space, List<Observation> usable)
        {
            var key = index.Generation + "|" + pair + "|" + space.Signature;
            if (!_triedPoints.TryGetValue(key, out var tried))
            {
                if (_triedPoints.Count > 256)
                {
                    _triedPoints.Clear();
                }

                tried = (0, new HashSet<string>(StringComparer.Ordinal));
            }

            for (var i = tried.Count; i < usable.Count; i++)
            {
                tried.Keys.Add(SuggestionSearch.KeyOf(space.Searched, usable[i]));
            }

            _triedPoints[key] = (usable.Count, tried.Keys);
            return tried.Keys;
        }

        private static string MethodName(SearchMethod method) => method switch
        {
            SearchMethod.SpaceFilling => "space-filling",
            SearchMethod.ExpectedImprovement => "bayesian-optimization",
            SearchMethod.Robust => "robust",
            _ => "fallback",
        };

        /// <summary>Success patterns of one (strategy, symbol), cached until that pair gets a new observation.</summary>
        private IReadOnlyList<Pattern> PairPatterns(LearningIndex index, string pair, string strategy, string symbol)
        {
            // Mining is O(n log n) in the pair's runs; to keep suggestions fast it is refreshed when the pair has grown by
            // 20 runs or 5% since the last mining, not after every run.
            var observations = index.Pair(pair);
            var key = index.Generation + "|" + pair;
            if (_pairPatterns.TryGetValue(key, out var cached)
                && observations.Count - cached.Count < Math.Max(20, cached.Count / 20))
            {
                return cached.Patterns;
            }

            var patterns = PatternMiner.Mine(observations, new PatternFilter { Strategy = strategy, Symbol = symbol, Kind = PatternKind.Success });
            if (_pairPatterns.Count > 256)
            {
                _pairPatterns.Clear();
            }

            _pairPatterns[key] = (observations.Count, patterns);
            return patterns;
        }

        /// <summary>
        /// The next count of usable observations at which the hyperparameters are searched again after
        /// <paramref name="anchor"/>: a quarter more observations, at least 1 and at most 16 (1, 2, ..., 8, 10, 12, 15,
        /// 18, 22, 27, 33, 41, 51, 63, 78, 94, 110, ...).
        /// </summary>
        internal static int NextHyperparameterAnchor(int anchor) => anchor + Math.Max(1, Math.Min(16, anchor / 4));

        /// <summary>The largest anchor (see <see cref="NextHyperparameterAnchor"/>) not above <paramref name="n"/>.</summary>
        internal static int HyperparameterAnchor(int n)
        {
            var anchor = 1;
            while (NextHyperparameterAnchor(anchor) - anchor < 16)
            {
                var next = NextHyperparameterAnchor(anchor);
                if (next > n)
                {
                    return anchor;
                }

                anchor = next;
            }

            return n < anchor ? anchor : anchor + (16 * ((n - anchor) / 16));
        }

        /// <summary>
        /// The Gaussian process of a pair and space for its current observations, as a lazy value that the caller
        /// evaluates (Predict does so outside the model's lock); callers asking for the same state share one fit. The
        /// hyperparameters come from a grid search on the observations as of the last anchor (a deterministic function
        /// of the data, so the same data give the same model whatever the history of calls); between anchors the model
        /// is refitted with them, one Cholesky factor instead of fifteen. Called under the model's lock.
        /// </summary>
        internal Lazy<GaussianProcess> ModelFor(LearningIndex index, string pair, ParameterSpace space)
        {
            var usable = index.Usable(pair);
            var n = usable.Count;
            var key = (pair, space.Signature);
            if (!_models.TryGetValue(key, out var slot))
            {
                if (_models.Count > 256)
                {
                    _models.Clear();
                }

                slot = new ModelSlot();
                _models[key] = slot;
            }

            if (slot.Count == n && slot.Model != null)
            {
                return slot.Model;
            }

            var anchor = HyperparameterAnchor(n);
            if (slot.Anchor != anchor || slot.Search is null)
            {
                var (ax, ay) = ModelData(space, anchor == n ? index.Selected(pair) : SelectObservations(usable, anchor));
                slot.Search = new Lazy<GaussianProcess>(() =>
                {
                    System.Threading.Interlocked.Increment(ref _gridSearches);
                    return GaussianProcess.Fit(ax, ay);
                });
                slot.Anchor = anchor;
            }

            var search = slot.Search;
            if (anchor == n)
            {
                slot.Model = search;
            }
            else
            {
                var (x, y) = ModelData(space, index.Selected(pair));
                slot.Model = new Lazy<GaussianProcess>(() => GaussianProcess.Fit(x, y, search.Value.LengthScale, search.Value.Noise));
            }

            slot.Count = n;
            return slot.Model;
        }

        private static (double[][] X, double[] Y) ModelData(ParameterSpace space, List<Observation> selected)
        {
            var x = new double[selected.Count][];
            var y = new double[selected.Count];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = Point(space, selected[i]);
                y[i] = selected[i].Score;
            }

            return (x, y);
        }

        /// <summary>
        /// At most <see cref="MaxModelObservations"/> of the first <paramref name="count"/> usable observations: the 40
        /// most recent plus the best of the rest (ties: the earlier), in seq order. <see cref="LearningIndex.Selected"/>
        /// keeps the same selection up to date incrementally.
        /// </summary>
        internal static List<Observation> SelectObservations(List<Observation> usable, int count) =>
            LearningIndex.Select(new LearningIndex.Selection(), usable, count);

        private static double[] Point(ParameterSpace space, Observation o)
        {
            var dims = space.Dimensions;
            var p = new double[dims.Count];
            for (var i = 0; i < p.Length; i++)
            {
                var dim = dims[i];
                p[i] = dim.Normalize(o.Parameters != null && o.Parameters.TryGetValue(dim.Name, out var v) ? v : dim.Default);
            }

            return p;
        }

        /// <summary>A pair's model state: the current model and the hyperparameter search it uses.</summary>
        private sealed class ModelSlot
        {
            internal int Count { get; set; } = -1;

            internal Lazy<GaussianProcess>? Model { get; set; }

            internal int Anchor { get; set; } = -1;

            internal Lazy<GaussianProcess>? Search { get; set; }
        }

        internal static ParameterSpace DeriveSpace(List<Observation> usable, IDictionary<string, double> query)
        {
            var names = usable.Where(o => o.Parameters != null).SelectMany(o => o.Parameters!.Keys).Concat(query.Keys).Distinct(StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal).ToList();
            var dims = new List<ParameterDimension>();
            foreach (var name in names)
            {
                var values = usable.Where(o => o.Parameters != null && o.Parameters.ContainsKey(name)).Select(o => o.Parameters![name]).ToList();
                if (query.TryGetValue(name, out var q))
                {
                    values.Add(q);
                }

                var min = values.Min();
                var max = values.Max();
                dims.Add(new ParameterDimension(name, ParameterKind.Number, min, max, values.Count > 0 ? values[0] : min));
            }

            return new ParameterSpace(dims);
        }
    }
}
