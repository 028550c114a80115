using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// What is learned from a store's trajectories: suggestions, predictions, statistics and patterns. Holds no SQL
    /// and no key: it reads the store's records as they are appended (by this or any other process) into an in-memory
    /// index with running summaries, and refreshes only what new records change. Thread-safe; one per store per
    /// process (the coordinator keeps one). See docs/learning.md.
    /// </summary>
    public sealed class LearningModel
    {
        private readonly object _gate = new object();
        private readonly TrajectoryStore _store;
        private readonly ILogger _logger;
        private readonly BayesianOptimizer _optimizer;
        private readonly Dictionary<string, Suggestion> _suggestionCache = new Dictionary<string, Suggestion>(StringComparer.Ordinal);
        private readonly Dictionary<string, IReadOnlyList<Pattern>> _patternCache = new Dictionary<string, IReadOnlyList<Pattern>>(StringComparer.Ordinal);
        private LearningIndex _index = new LearningIndex(string.Empty);

        [ThreadStatic]
        private static double[]? _predictScratch;

        /// <summary>A model over <paramref name="store"/>.</summary>
        /// <param name="store">The store it learns from (not owned).</param>
        /// <param name="seed">Seed of the optimiser's random candidates; suggestions are deterministic for a seed and the same data.</param>
        /// <param name="loggerFactory">Logger factory; null logs nothing.</param>
        public LearningModel(TrajectoryStore store, int seed = 1, ILoggerFactory? loggerFactory = null)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _optimizer = new BayesianOptimizer(seed);
            _logger = loggerFactory?.CreateLogger<LearningModel>() ?? (ILogger)NullLogger.Instance;
        }

        /// <summary>The store it learns from.</summary>
        public TrajectoryStore Store => _store;

        /// <summary>How many hyperparameter grid searches the model has run (tests check the reuse rule).</summary>
        internal long GridSearches => _optimizer.GridSearches;

        /// <summary>
        /// Recommends parameters for the next deployment of <paramref name="strategy"/> on <paramref name="symbol"/>.
        /// Without data: the defaults, confidence 0. With fewer than max(5, d + 3) observations: a space-filling point
        /// (the random candidate farthest from every observation). Then Bayesian optimisation: a Gaussian process
        /// (Matérn 5/2 on parameters normalised to [0,1], hyperparameters by marginal likelihood) over at most
        /// <c>64</c> observations (the most recent and the best), maximising expected improvement over random candidates
        /// and local perturbations of the best. Deterministic for a given seed (see the constructor) and data;
        /// cached per (strategy, symbol, space) until a new observation arrives.
        /// </summary>
        /// <param name="strategy">Strategy name.</param>
        /// <param name="symbol">Symbol.</param>
        /// <param name="space">Search space.</param>
        /// <param name="fixedParameters">Parameters the user fixed; the others are optimised.</param>
        /// <returns>The suggestion.</returns>
        internal Suggestion GetSuggestion(string strategy, string symbol, ParameterSpace space, IDictionary<string, double>? fixedParameters = null)
        {
            if (space is null)
            {
                throw new ArgumentNullException(nameof(space));
            }

            strategy = strategy ?? string.Empty;
            symbol = symbol ?? string.Empty;
            lock (_gate)
            {
                var index = SyncIndex();
                var pair = PairKey(strategy, symbol);
                var usable = index.Usable(pair);
                var cacheKey = SuggestionKey(index, pair, space, fixedParameters, usable.Count);
                if (_suggestionCache.TryGetValue(cacheKey, out var cached))
                {
                    return Clone(cached);
                }

                var suggestion = _optimizer.Suggest(index, strategy, symbol, pair, space, fixedParameters, usable);
                if (_suggestionCache.Count > 256)
                {
                    _suggestionCache.Clear();
                }

                _suggestionCache[cacheKey] = suggestion;
                LearningLog.Suggested(_logger, strategy, symbol, suggestion.Method, suggestion.Observations);
                return Clone(suggestion);
            }
        }

        /// <summary>
        /// True when <paramref name="parameters"/> are, at the space's resolution, the suggestion last made for the
        /// pair (without fixed parameters) and nothing was recorded for it since: a user who deploys a suggestion by
        /// hand deployed the suggestion. Never computes one.
        /// </summary>
        internal bool IsCurrentSuggestion(string strategy, string symbol, ParameterSpace space, IReadOnlyDictionary<string, double> parameters)
        {
            lock (_gate)
            {
                var index = SyncIndex();
                var pair = PairKey(strategy, symbol);
                if (!_suggestionCache.TryGetValue(SuggestionKey(index, pair, space, null, index.Usable(pair).Count), out var cached))
                {
                    return false;
                }

                var search = space.Searched;
                double Value(IReadOnlyDictionary<string, double> values, SearchDimension d) => values.TryGetValue(d.Name, out var v) ? v : d.Default;
                return search.KeyOf(search.Dimensions.ToDictionary(d => d.Name, d => Value(parameters, d)))
                    == search.KeyOf(search.Dimensions.ToDictionary(d => d.Name, d => Value(cached.RecommendedParameters, d)));
            }
        }

        // Keyed by this pair's observation count only, so appends for other pairs keep it warm.
        private static string SuggestionKey(LearningIndex index, string pair, ParameterSpace space, IDictionary<string, double>? fixedParameters, int usable)
        {
            var fixedKey = fixedParameters is null ? string.Empty : string.Join(",", fixedParameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value.ToString("R", CultureInfo.InvariantCulture)));
            return string.Join("|", index.Generation, pair, space.Signature, fixedKey, usable.ToString(CultureInfo.InvariantCulture), index.Pair(pair).Count.ToString(CultureInfo.InvariantCulture));
        }

        /// <summary>
        /// Predicts the score of a deployment before it runs, from the same Gaussian process (or the mean score with
        /// few data). Confidence is <c>n/(n+10)</c> times one minus the posterior standard deviation in standardised units.
        /// </summary>
        /// <param name="strategy">Strategy name.</param>
        /// <param name="symbol">Symbol.</param>
        /// <param name="parameters">Parameters of the deployment.</param>
        /// <param name="space">Search space; when null, one is derived from the observed parameter ranges.</param>
        /// <returns>The prediction.</returns>
        internal Prediction Predict(string strategy, string symbol, IDictionary<string, double> parameters, ParameterSpace? space = null)
        {
            parameters = parameters ?? new Dictionary<string, double>();
            Lazy<GaussianProcess> model;
            double[] point;
            int n;
            lock (_gate)
            {
                var index = SyncIndex();
                var pair = PairKey(strategy ?? string.Empty, symbol ?? string.Empty);
                var usable = index.Usable(pair);
                n = usable.Count;
                if (n == 0)
                {
                    return new Prediction { ExpectedScore = index.StrategySummary(strategy ?? string.Empty)?.MeanScore ?? 0.5, Confidence = 0, Observations = 0 };
                }

                if (n < 3)
                {
                    return new Prediction { ExpectedScore = usable.Average(o => o.Score), Confidence = 0.5 * n / (n + 10.0), Observations = n };
                }

                space = space ?? BayesianOptimizer.DeriveSpace(usable, parameters);
                model = _optimizer.ModelFor(index, pair, space);
                var dims = space.Dimensions;
                point = new double[dims.Count];
                for (var i = 0; i < point.Length; i++)
                {
                    point[i] = dims[i].Normalize(parameters.TryGetValue(dims[i].Name, out var v) ? v : dims[i].Default);
                }
            }

            // Fitted outside the lock: the other pairs' predictions and the index refresh go on meanwhile, and callers
            // that want the same new state wait for this one fit instead of each refitting.
            var gp = model.Value;
            var scratch = _predictScratch;
            if (scratch is null || scratch.Length < gp.Count)
            {
                scratch = _predictScratch = new double[Math.Max(BayesianOptimizer.MaxModelObservations, gp.Count)];
            }

            var (mean, std) = gp.PredictStandardized(point, scratch);
            return new Prediction
            {
                ExpectedScore = Clamp01(gp.ToOriginal(mean)),
                Confidence = Clamp01((n / (n + 10.0)) * (1 - Math.Min(1, std))),
                Observations = n,
            };
        }

        /// <summary>Learning statistics overall and per strategy (definitions in docs/learning.md).</summary>
        /// <returns>The statistics.</returns>
        public LearningStats GetStats()
        {
            lock (_gate)
            {
                var index = SyncIndex();
                var overall = Summarize(null, index.All);
                var stats = new LearningStats
                {
                    TotalTrajectories = overall.TotalTrajectories,
                    TotalPatterns = GetPatternsLocked(index, new PatternFilter()).Count,
                    AvgSuccessRate = overall.AvgSuccessRate,
                    ExecutionSuccessRate = overall.ExecutionSuccessRate,
                    ImprovementRate = overall.ImprovementRate,
                    PredictionsMade = overall.PredictionsMade,
                    PredictionAccuracy = overall.PredictionAccuracy,
                    PayloadsReadable = index.All.All(o => o.Readable),
                };
                foreach (var group in index.All.GroupBy(o => o.Strategy, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
                {
                    stats.ByStrategy.Add(Summarize(group.Key, group.ToList()));
                }

                return stats;
            }
        }

        /// <summary>
        /// Recurring success and failure patterns: parameter regions (quartile bins) per strategy × symbol × market regime,
        /// operation sequences, and swarm sizes above which runs time out or fail. Confidence is the Wilson 95% lower
        /// bound of the pattern's rate.
        /// </summary>
        /// <param name="filter">Filter and thresholds (null for the defaults).</param>
        /// <returns>The patterns, most confident first.</returns>
        public IReadOnlyList<Pattern> GetPatterns(PatternFilter? filter = null)
        {
            lock (_gate)
            {
                return GetPatternsLocked(SyncIndex(), filter ?? new PatternFilter());
            }
        }

        private static string PairKey(string strategy, string symbol) => strategy.ToUpperInvariant() + "\u0001" + symbol.ToUpperInvariant();

        internal static double Clamp01(double v) => double.IsNaN(v) ? 0 : Math.Max(0, Math.Min(1, v));

        private static Suggestion Clone(Suggestion s) => new Suggestion
        {
            Strategy = s.Strategy,
            Symbol = s.Symbol,
            Confidence = s.Confidence,
            ExpectedSuccessRate = s.ExpectedSuccessRate,
            EstimatedDurationMs = s.EstimatedDurationMs,
            RecommendedParameters = new Dictionary<string, double>(s.RecommendedParameters, StringComparer.Ordinal),
            RecommendedOperations = new List<string>(s.RecommendedOperations),
            SupportingPatterns = new List<Pattern>(s.SupportingPatterns),
            Observations = s.Observations,
            Method = s.Method,
            Reasoning = s.Reasoning,
        };

        /// <summary>
        /// Writes the learning sections of an export (patterns and metrics); pass it to
        /// <see cref="TrajectoryStore.ExportState(string, bool, Action{Utf8JsonWriter})"/>.
        /// </summary>
        /// <param name="json">The export being written.</param>
        public void WriteExportSections(Utf8JsonWriter json)
        {
            if (json is null)
            {
                throw new ArgumentNullException(nameof(json));
            }

            json.WritePropertyName("patterns");
            JsonSerializer.Serialize(json, GetPatterns(), LearningJsonContext.Default.IReadOnlyListPattern);
            json.WritePropertyName("metrics");
            JsonSerializer.Serialize(json, GetStats(), LearningJsonContext.Default.LearningStats);
        }

        /// <summary>
        /// Brings the in-memory index up to date with the store: nothing but a change check when nobody has committed
        /// since the last call, otherwise only the records appended since; a reset store starts a new index.
        /// </summary>
        private LearningIndex SyncIndex()
        {
            var feed = _store.ReadFeed(_index.Generation, _index.LastSeq);
            if (feed is null)
            {
                return _index;
            }

            if (!string.Equals(feed.Generation, _index.Generation, StringComparison.Ordinal))
            {
                _index = new LearningIndex(feed.Generation);
                _suggestionCache.Clear();
                _patternCache.Clear();
                _optimizer.Clear();
            }

            if (feed.Records.Count == 0)
            {
                return _index;
            }

            foreach (var record in feed.Records)
            {
                _index.Add(ToObservation(record.Row, record.Trajectory));
                _index.LastSeq = record.Row.Seq;
            }

            _index.Version++;
            return _index;
        }

        private static Observation ToObservation(RecordRow row, Trajectory? trajectory)
        {
            var observation = new Observation
            {
                Seq = row.Seq,
                Id = row.Id,
                Strategy = row.Strategy,
                Symbol = row.Symbol,
                CompletedAtMs = row.CompletedAtMs,
                Score = row.Score,
                Success = row.Success,
                DurationMs = row.DurationMs,
                Status = row.Success ? ExecutionStatus.Succeeded : ExecutionStatus.Failed,
            };
            if (trajectory is null)
            {
                return observation;
            }

            observation.Readable = true;
            observation.Status = trajectory.Outcome?.Status ?? observation.Status;
            observation.Parameters = trajectory.Parameters ?? new Dictionary<string, double>();
            observation.Regime = trajectory.Context is null ? null : string.Intern(trajectory.Context.Label);
            observation.Operations = (trajectory.Operations ?? new List<OperationStep>()).Select(o => string.Intern(o.Ok ? o.Name : o.Name + "!")).ToArray();
            observation.Predicted = trajectory.Prediction?.ExpectedScore;
            observation.UsedSuggestion = trajectory.UsedSuggestion;
            observation.SwarmSize = trajectory.SwarmSize;
            return observation;
        }

        private static StrategyLearningStats Summarize(string? strategy, List<Observation> observations)
        {
            var stats = new StrategyLearningStats { Strategy = strategy, TotalTrajectories = observations.Count };
            if (observations.Count == 0)
            {
                return stats;
            }

            stats.AvgSuccessRate = observations.Average(o => o.Score);
            stats.ExecutionSuccessRate = observations.Count(o => o.Success) / (double)observations.Count;
            stats.SuggestionUsage = observations.Count(o => o.UsedSuggestion) / (double)observations.Count;
            var n = observations.Count;
            if (n >= 10)
            {
                var window = Math.Max(5, Math.Min(500, n / 5));
                var recent = observations.Skip(n - window).Average(o => o.Score);
                var earlier = observations.Take(n - window).Average(o => o.Score);
                stats.ImprovementRate = recent - earlier;
            }

            var predicted = observations.Where(o => o.Predicted.HasValue).ToList();
            stats.PredictionsMade = predicted.Count;
            if (predicted.Count > 0)
            {
                stats.PredictionAccuracy = 1 - predicted.Average(o => Math.Abs(o.Predicted!.Value - o.Score));
            }

            return stats;
        }

        private IReadOnlyList<Pattern> GetPatternsLocked(LearningIndex index, PatternFilter filter)
        {
            var key = string.Join("|", index.Generation, index.Version.ToString(CultureInfo.InvariantCulture), filter.Strategy ?? "*", filter.Symbol ?? "*", filter.Kind?.ToString() ?? "*", filter.MinObservations.ToString(CultureInfo.InvariantCulture), filter.MinConfidence.ToString("R", CultureInfo.InvariantCulture));
            if (_patternCache.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var patterns = PatternMiner.Mine(index.All, filter);
            if (_patternCache.Count > 64)
            {
                _patternCache.Clear();
            }

            _patternCache[key] = patterns;
            return patterns;
        }
    }
}
