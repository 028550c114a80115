using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Data.Sqlite;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>The learning model over the stored trajectories.</summary>
    public sealed partial class TrajectoryStore
    {
        /// <summary>Most observations per (strategy, symbol) the Gaussian process uses: the most recent and the best.</summary>
        internal const int MaxModelObservations = 64;

        private static readonly string[] DefaultOperations = { "resolve-image", "create-sandbox", "load-data", "run", "collect", "cleanup" };

        private readonly Dictionary<string, Suggestion> _suggestionCache = new Dictionary<string, Suggestion>(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Count, HashSet<string> Keys)> _triedPoints = new Dictionary<string, (int Count, HashSet<string> Keys)>(StringComparer.Ordinal);
        private readonly Dictionary<(string Pair, string Space), ModelSlot> _models = new Dictionary<(string Pair, string Space), ModelSlot>();
        private readonly Dictionary<string, IReadOnlyList<Pattern>> _patternCache = new Dictionary<string, IReadOnlyList<Pattern>>(StringComparer.Ordinal);
        private readonly Dictionary<string, (int Count, IReadOnlyList<Pattern> Patterns)> _pairPatterns = new Dictionary<string, (int Count, IReadOnlyList<Pattern> Patterns)>(StringComparer.Ordinal);
        private LearningIndex _index = new LearningIndex(string.Empty);

        // The learning model has its own lock and its own read connection (WAL readers never wait for the writer), so
        // Predict and GetSuggestion do not queue behind an AppendMany that holds _gate while it encrypts and commits.
        // Lock order: _gate, then _learnGate, never the reverse.
        private readonly object _learnGate = new object();
        private SqliteConnection? _readConnection;
        private SqliteCommand? _dataVersionCommand;
        private long _dataVersion = -1;
        private long _gridSearches;

        [ThreadStatic]
        private static double[]? _predictScratch;

        // Trajectories this instance appended, by id, until the index takes them in: their observations are then built
        // from these instead of reading back, decrypting and parsing rows this process has just written (most of a
        // Predict's cost during a swarm). Kept only once the index is in use, and bounded, so a store that only
        // appends holds none.
        private const int MaxOwnAppends = 10000;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Trajectory> _ownAppends =
            new System.Collections.Concurrent.ConcurrentDictionary<string, Trajectory>(StringComparer.Ordinal);
        private volatile bool _indexInUse;

        /// <summary>Remembers trajectories about to be appended (normalised, as stored) for the index.</summary>
        private void RememberOwnAppends(IReadOnlyList<Trajectory> trajectories)
        {
            if (!_indexInUse || !CanReadPayloads)
            {
                return;
            }

            if (_ownAppends.Count + trajectories.Count > MaxOwnAppends)
            {
                _ownAppends.Clear();
            }

            foreach (var trajectory in trajectories)
            {
                _ownAppends[trajectory.Id] = trajectory;
            }
        }

        /// <summary>Forgets those that were not inserted (already present, or the append failed).</summary>
        private void ForgetOwnAppends(IEnumerable<string> ids)
        {
            foreach (var id in ids)
            {
                _ownAppends.TryRemove(id, out _);
            }
        }

        /// <summary>How many hyperparameter grid searches the learning model has run (tests check the reuse rule).</summary>
        internal long GridSearches => System.Threading.Interlocked.Read(ref _gridSearches);

        /// <summary>
        /// Recommends parameters for the next deployment of <paramref name="strategy"/> on <paramref name="symbol"/>.
        /// Without data: the defaults, confidence 0. With fewer than max(5, d + 3) observations: a space-filling point
        /// (the random candidate farthest from every observation). Then Bayesian optimisation: a Gaussian process
        /// (Matérn 5/2 on parameters normalised to [0,1], hyperparameters by marginal likelihood) over at most
        /// <c>64</c> observations (the most recent and the best), maximising expected improvement over random candidates
        /// and local perturbations of the best. Deterministic for a given <see cref="StoreOptions.Seed"/> and data;
        /// cached per (strategy, symbol, space) until a new observation arrives.
        /// </summary>
        /// <param name="strategy">Strategy name.</param>
        /// <param name="symbol">Symbol.</param>
        /// <param name="space">Search space.</param>
        /// <param name="fixedParameters">Parameters the user fixed; the others are optimised.</param>
        /// <returns>The suggestion.</returns>
        public Suggestion GetSuggestion(string strategy, string symbol, ParameterSpace space, IDictionary<string, double>? fixedParameters = null)
        {
            if (space is null)
            {
                throw new ArgumentNullException(nameof(space));
            }

            strategy = strategy ?? string.Empty;
            symbol = symbol ?? string.Empty;
            lock (_learnGate)
            {
                ThrowIfDisposed();
                var index = SyncIndex();
                var pair = PairKey(strategy, symbol);
                var usable = index.Usable(pair);
                var cacheKey = SuggestionKey(index, pair, space, fixedParameters, usable.Count);
                if (_suggestionCache.TryGetValue(cacheKey, out var cached))
                {
                    return Clone(cached);
                }

                var suggestion = ComputeSuggestion(index, strategy, symbol, pair, space, fixedParameters, usable);
                if (_suggestionCache.Count > 256)
                {
                    _suggestionCache.Clear();
                }

                _suggestionCache[cacheKey] = suggestion;
                StoreLog.Suggested(_logger, strategy, symbol, suggestion.Method, suggestion.Observations);
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
            lock (_learnGate)
            {
                ThrowIfDisposed();
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
        public Prediction Predict(string strategy, string symbol, IDictionary<string, double> parameters, ParameterSpace? space = null)
        {
            parameters = parameters ?? new Dictionary<string, double>();
            Lazy<GaussianProcess> model;
            double[] point;
            int n;
            lock (_learnGate)
            {
                ThrowIfDisposed();
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

                space = space ?? DeriveSpace(usable, parameters);
                model = ModelFor(index, pair, space);
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
                scratch = _predictScratch = new double[Math.Max(MaxModelObservations, gp.Count)];
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
            lock (_learnGate)
            {
                ThrowIfDisposed();
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
            lock (_learnGate)
            {
                ThrowIfDisposed();
                return GetPatternsLocked(SyncIndex(), filter ?? new PatternFilter());
            }
        }

        private static string PairKey(string strategy, string symbol) => strategy.ToUpperInvariant() + "\u0001" + symbol.ToUpperInvariant();

        private static double Clamp01(double v) => double.IsNaN(v) ? 0 : Math.Max(0, Math.Min(1, v));

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
        /// Brings the in-memory index up to date on the read connection: nothing but <c>PRAGMA data_version</c> when no
        /// connection has committed since the last call, otherwise only the rows appended since (by seq).
        /// </summary>
        private LearningIndex SyncIndex()
        {
            _indexInUse = true;
            var connection = ReadConnection();
            var dataVersion = Convert.ToInt64(_dataVersionCommand!.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (dataVersion == _dataVersion)
            {
                return _index;
            }

            List<RecordRow> rows;
            Dictionary<string, byte[]> encapsulations;
            using (var transaction = connection.BeginTransaction(deferred: true))
            {
                string generation;
                long maxSeq;
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "SELECT (SELECT value FROM meta WHERE key = 'generation'), (SELECT IFNULL(MAX(seq), 0) FROM trajectories)";
                    using (var reader = command.ExecuteReader())
                    {
                        reader.Read();
                        generation = reader.IsDBNull(0) ? "0" : reader.GetString(0);
                        maxSeq = reader.GetInt64(1);
                    }
                }

                if (!string.Equals(generation, _index.Generation, StringComparison.Ordinal))
                {
                    _index = new LearningIndex(generation);
                    _ownAppends.Clear();
                    _suggestionCache.Clear();
                    _models.Clear();
                    _patternCache.Clear();
                    _pairPatterns.Clear();
                }

                if (maxSeq <= _index.LastSeq)
                {
                    _dataVersion = dataVersion;
                    return _index;
                }

                rows = new List<RecordRow>();
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = SelectColumns + " WHERE seq > $seq AND seq <= $max ORDER BY seq";
                    command.Parameters.AddWithValue("$seq", _index.LastSeq);
                    command.Parameters.AddWithValue("$max", maxSeq);
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            rows.Add(ReadRow(reader));
                        }
                    }
                }

                // The workers below get the encapsulations they need up front; they never touch a connection.
                encapsulations = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                foreach (var kemId in rows.Where(r => r.KemId != null).Select(r => r.KemId!).Distinct())
                {
                    var encapsulation = LoadEncapsulation(kemId, connection);
                    if (encapsulation != null)
                    {
                        encapsulations[kemId] = encapsulation;
                    }
                }

                transaction.Commit();
            }

            // Decrypting and deserialising dominate a cold load; do it in parallel.
            var observations = new Observation[rows.Count];
            if (rows.Count >= 256 && Environment.ProcessorCount > 1)
            {
                System.Threading.Tasks.Parallel.For(0, rows.Count, i => observations[i] = ToObservation(rows[i], encapsulations));
            }
            else
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    observations[i] = ToObservation(rows[i], encapsulations);
                }
            }

            foreach (var observation in observations)
            {
                _index.Add(observation);
                _index.LastSeq = observation.Seq;
            }

            _index.Version++;
            _dataVersion = dataVersion;
            return _index;
        }

        /// <summary>The learning model's own connection, opened on first use; only reads.</summary>
        private SqliteConnection ReadConnection()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(TrajectoryStore));
            }

            if (_readConnection != null)
            {
                return _readConnection;
            }

            var connection = new SqliteConnection(ConnectionString(Path, SqliteOpenMode.ReadWrite, _busyTimeout));
            try
            {
                connection.Open();
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture) + "; PRAGMA query_only = 1";
                    command.ExecuteNonQuery();
                }

                _dataVersionCommand = connection.CreateCommand();
                _dataVersionCommand.CommandText = "PRAGMA data_version";
                _dataVersionCommand.Prepare();
            }
            catch
            {
                _dataVersionCommand?.Dispose();
                _dataVersionCommand = null;
                connection.Dispose();
                throw;
            }

            _readConnection = connection;
            return connection;
        }

        private void DisposeReadConnection()
        {
            lock (_learnGate)
            {
                _dataVersionCommand?.Dispose();
                _dataVersionCommand = null;
                _readConnection?.Dispose();
                _readConnection = null;
            }
        }

        private Observation ToObservation(RecordRow row, IReadOnlyDictionary<string, byte[]> encapsulations)
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
            var readable = row.Encryption == 0 || (_key != null && _key.CanDecrypt && string.Equals(row.KeyId, _key.KeyId, StringComparison.Ordinal));
            if (!readable)
            {
                return observation;
            }

            if (!_ownAppends.TryRemove(row.Id, out var trajectory))
            {
                try
                {
                    trajectory = DecodePayload(row, encapsulations);
                }
                catch (StoreException)
                {
                    return observation;
                }
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

        private Suggestion ComputeSuggestion(LearningIndex index, string strategy, string symbol, string pair, ParameterSpace space, IDictionary<string, double>? fixedParameters, List<Observation> usable)
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
                    : Clamp01(next.ExpectedScore);
                suggestion.Confidence = Clamp01(next.Confidence);
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
        /// evaluates (Predict does so outside <c>_learnGate</c>); callers asking for the same state share one fit. The
        /// hyperparameters come from a grid search on the observations as of the last anchor (a deterministic function
        /// of the data, so the same data give the same model whatever the history of calls); between anchors the model
        /// is refitted with them, one Cholesky factor instead of fifteen. Called under <c>_learnGate</c>.
        /// </summary>
        private Lazy<GaussianProcess> ModelFor(LearningIndex index, string pair, ParameterSpace space)
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

        private static ParameterSpace DeriveSpace(List<Observation> usable, IDictionary<string, double> query)
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

        internal const int BestOlderCount = TrajectoryStore.MaxModelObservations - RecentCount;

        /// <summary>
        /// The model's observations for a pair (see <see cref="TrajectoryStore.SelectObservations"/>), updated when the
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
            if (count <= TrajectoryStore.MaxModelObservations)
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

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// Running figures of a pair's usable observations, updated as each arrives, so a suggestion does not scan (or sort)
    /// every run of the pair. Sums run in insertion order, so they equal the LINQ averages they replace.
    /// </summary>
    internal sealed class PairSummary
    {
        private double _scoreSum;
        private int _usable;

        internal int Unreadable { get; set; }

        internal int AtLeastHalf { get; private set; }

        /// <summary>The first usable observation with the highest score.</summary>
        internal Observation? Best { get; private set; }

        internal double MeanScore => _usable == 0 ? 0 : _scoreSum / _usable;

        /// <summary>Durations of the usable runs whose status is Succeeded.</summary>
        internal RunningMedian SucceededDurations { get; } = new RunningMedian();

        internal void AddUsable(Observation o)
        {
            _usable++;
            _scoreSum += o.Score;
            if (o.Score >= 0.5)
            {
                AtLeastHalf++;
            }

            if (Best is null || o.Score > Best.Score)
            {
                Best = o;
            }

            if (o.Status == ExecutionStatus.Succeeded)
            {
                SucceededDurations.Add(o.DurationMs);
            }
        }
    }

    /// <summary>Running figures of all observations of a strategy.</summary>
    internal sealed class StrategySummary
    {
        private readonly Dictionary<string, (int Count, string[] Operations)> _sequences = new Dictionary<string, (int Count, string[] Operations)>(StringComparer.Ordinal);
        private double _scoreSum;
        private int _count;
        private string? _bestKey;
        private int _bestCount;

        internal double MeanScore => _count == 0 ? 0.5 : _scoreSum / _count;

        /// <summary>Durations of the runs that executed successfully.</summary>
        internal RunningMedian SuccessDurations { get; } = new RunningMedian();

        /// <summary>The most frequent operation sequence of successful runs (ties: the ordinally smallest), or null.</summary>
        internal string[]? MostCommonSequence { get; private set; }

        internal void Add(Observation o)
        {
            _count++;
            _scoreSum += o.Score;
            if (o.Success)
            {
                SuccessDurations.Add(o.DurationMs);
            }

            if (!o.Readable || o.Status != ExecutionStatus.Succeeded || o.Operations is null || o.Operations.Length == 0)
            {
                return;
            }

            // Counts only grow, so the running maximum stays exact.
            var key = string.Join(">", o.Operations);
            var count = _sequences.TryGetValue(key, out var c) ? c.Count + 1 : 1;
            var operations = count == 1 ? o.Operations : c.Operations;
            _sequences[key] = (count, operations);
            if (count > _bestCount || (count == _bestCount && string.CompareOrdinal(key, _bestKey) < 0))
            {
                _bestCount = count;
                _bestKey = key;
                MostCommonSequence = operations;
            }
        }
    }

    /// <summary>
    /// The upper median (element n/2 of the sorted values) of a growing set, in O(log n) per value: a max-heap of the
    /// lower n/2 values and a min-heap of the rest.
    /// </summary>
    internal sealed class RunningMedian
    {
        private readonly List<long> _lower = new List<long>();
        private readonly List<long> _upper = new List<long>();

        internal int Count => _lower.Count + _upper.Count;

        internal double Median => _upper[0];

        internal void Add(long value)
        {
            if (_upper.Count > 0 && value >= _upper[0])
            {
                Push(_upper, value);
            }
            else
            {
                Push(_lower, -value);
            }

            var lowerSize = Count / 2;
            if (_lower.Count > lowerSize)
            {
                Push(_upper, -Pop(_lower));
            }
            else if (_lower.Count < lowerSize)
            {
                Push(_lower, -Pop(_upper));
            }
        }

        // Min-heaps; the lower half stores negated values.
        private static void Push(List<long> heap, long value)
        {
            heap.Add(value);
            var i = heap.Count - 1;
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (heap[parent] <= heap[i])
                {
                    break;
                }

                (heap[parent], heap[i]) = (heap[i], heap[parent]);
                i = parent;
            }
        }

        private static long Pop(List<long> heap)
        {
            var top = heap[0];
            var last = heap[heap.Count - 1];
            heap.RemoveAt(heap.Count - 1);
            if (heap.Count == 0)
            {
                return top;
            }

            heap[0] = last;
            var i = 0;
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= heap.Count)
                {
                    break;
                }

                var smallest = left + 1 < heap.Count && heap[left + 1] < heap[left] ? left + 1 : left;
                if (heap[i] <= heap[smallest])
                {
                    break;
                }

                (heap[i], heap[smallest]) = (heap[smallest], heap[i]);
                i = smallest;
            }

            return top;
        }
    }
}
