using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// The coordinator's side of learning: predicts before a run, applies confident suggestions when
    /// autoOptimize is on, and turns every settled result into a trajectory. Trajectories are written by one
    /// background writer in batches (one transaction each), so recording stays off the agents' hot path;
    /// <see cref="FlushAsync"/> waits until everything recorded so far is committed.
    /// </summary>
    internal sealed class SwarmLearning : IDisposable
    {
        private readonly object _openLock = new object();
        private TrajectoryStore? _store;
        private LearningModel? _model;
        private readonly SwarmOptions _options;
        private readonly ILogger _logger;
        private readonly ConcurrentDictionary<PriceSeries, MarketContext> _contexts = new ConcurrentDictionary<PriceSeries, MarketContext>();
        private readonly object _pendingLock = new object();
        private List<Trajectory> _pending = new List<Trajectory>();
        private bool _draining;
        private readonly SemaphoreSlim _storeGate = new SemaphoreSlim(1, 1);
        private Task _writer = Task.CompletedTask;

        public SwarmLearning(SwarmOptions options, ILogger logger)
        {
            _options = options;
            _logger = logger;
        }

        /// <summary>
        /// The store, opened on first use (wrong key and corruption surface here). A failed open is not
        /// remembered: a store that was busy a moment ago opens on the next call.
        /// </summary>
        public TrajectoryStore Store
        {
            get
            {
                lock (_openLock)
                {
                    return _store ??= StoreFile.Open(new StoreOptions
                    {
                        Path = _options.StorePath,
                        Credential = _options.StoreCredential,
                        Key = _options.EncryptionKey,
                        LoggerFactory = _options.LoggerFactory,
                    });
                }
            }
        }

        /// <summary>The store when its file exists (or it is open already); null for a store not created yet, which reads as empty.</summary>
        public TrajectoryStore? ExistingStore
        {
            get
            {
                lock (_openLock)
                {
                    if (_store != null)
                        return _store;
                    var path = StoreFile.Check(_options.StorePath);
                    if (!TrajectoryStore.IsServer(path) && !System.IO.File.Exists(path))
                        return null;
                }
                return Store;
            }
        }

        /// <summary>The learning model over <see cref="Store"/>, one per coordinator so its index and fits are reused.</summary>
        public LearningModel Model
        {
            get
            {
                var store = Store;
                lock (_openLock)
                {
                    return _model ??= new LearningModel(store, _options.Seed, _options.LoggerFactory);
                }
            }
        }

        /// <summary>
        /// Opens the store before a swarm runs, so a wrong key, a corrupt store or an encrypted store without
        /// a key fails the swarm up front instead of losing its trajectories afterwards.
        /// </summary>
        public void EnsureWritable()
        {
            // A store that does not exist yet is created by the first recorded trajectory, not here: a swarm whose input
            // never ran (every deployment a usage error) leaves no new file behind.
            var store = ExistingStore;
            if (store == null)
                return;
            if (store.IsEncrypted && _options.EncryptionKey == null)
            {
                throw new NeuralTrader.Swarm.Core.Security.StoreException(NeuralTrader.Swarm.Core.Security.StoreErrorIds.KeyRequired,
                    $"The trajectory store '{store.Path}' is encrypted (key id {store.KeyId}), so recording needs its key. " +
                    "Set it with {op:configure} ({encryption-key}), or turn {learning} off.");
            }
        }

        private static readonly ConcurrentDictionary<string, ParameterSpace> Spaces =
            new ConcurrentDictionary<string, ParameterSpace>(StringComparer.OrdinalIgnoreCase);

        /// <summary>The search space of a built-in strategy type, from its parameter descriptors (built once per type).</summary>
        public static ParameterSpace SpaceOf(string type) => Spaces.GetOrAdd(type, BuildSpace);

        /// <summary>
        /// The default search space of a built-in type (<see cref="SearchSpace.For"/>: the ranges traders use, log
        /// scales for lookbacks): money management, costs and the window are the user's choice, never searched.
        /// </summary>
        private static ParameterSpace BuildSpace(string type) => ParameterSpace.From(SearchSpace.For(type));

        /// <summary>A suggestion for a built-in strategy, with the user's parameters held fixed.</summary>
        public Suggestion Suggest(StrategyRegistration registration, string symbol, IDictionary<string, double>? fixedParameters) =>
            Model.GetSuggestion(registration.Name, symbol, SpaceOf(registration.Type), fixedParameters);

        /// <summary>
        /// Applies autoOptimize and makes the prediction, before the deployment runs. One agent at a time asks the
        /// store: the agents of a swarm would otherwise queue on the store's learning lock while it takes in the
        /// latest appends, and a contended lock spins, taking CPU from the agents that have work. Waiting here is
        /// asynchronous and costs nothing.
        /// </summary>
        public async Task PrepareAsync(ResolvedDeployment deployment, bool parametersGiven, CancellationToken cancellationToken)
        {
            if (deployment.Image != null)
                return;
            var space = SpaceOf(deployment.Registration.Type);
            await _storeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_options.AutoOptimize && !parametersGiven)
                {
                    var suggestion = Model.GetSuggestion(deployment.Registration.Name, deployment.Symbol, space);
                    if (suggestion.Observations > 0 && suggestion.Confidence >= _options.AutoOptimizeMinConfidence)
                        deployment.ApplySuggestion(suggestion.RecommendedParameters);
                }
                var numbers = Numeric(deployment.Parameters);
                // Parameters passed by hand that are the current suggestion are the suggestion used.
                if (!deployment.UsedSuggestion && Model.IsCurrentSuggestion(deployment.Registration.Name, deployment.Symbol, space, numbers))
                    deployment.MarkSuggestionUsed();
                deployment.Prediction = Model.Predict(deployment.Registration.Name, deployment.Symbol, numbers, space);
            }
            finally
            {
                _storeGate.Release();
            }
        }

        /// <summary>Scores the result, gives it a trajectory id and queues the trajectory for writing.</summary>
        public void Record(DeploymentResult result, ResolvedDeployment? deployment, DeploymentRequest request, int swarmSize)
        {
            var status = StatusOf(result.Status);
            var metrics = MetricsOf(result);
            var score = SuccessScore.Compute(status, ValidatedMetrics(metrics));
            var trajectory = new Trajectory
            {
                Id = Guid.NewGuid().ToString("N"),
                StartedAt = result.StartedAt,
                CompletedAt = result.StartedAt + result.Duration,
                Task = request.Task ?? $"Backtest {result.Strategy} on {result.Symbol}",
                StrategyName = result.Strategy,
                StrategyType = result.StrategyType,
                Symbol = result.Symbol,
                Parameters = new Dictionary<string, double>(Numeric(result.Parameters), StringComparer.Ordinal),
                Context = deployment?.Series is PriceSeries series ? _contexts.GetOrAdd(series, s => MarketRegimes.Classify(s.Close)) : null,
                Operations = result.Operations.Select(o => new OperationStep { Name = o.Name, DurationMs = o.DurationMs, Ok = o.Succeeded }).ToList(),
                Prediction = deployment?.Prediction,
                Outcome = new Outcome
                {
                    Status = status,
                    Success = result.Success,
                    Score = score,
                    Metrics = metrics,
                    Critique = SuccessScore.Critique(status, score, ValidatedMetrics(metrics)),
                    Error = result.Error,
                },
                UsedSuggestion = result.UsedSuggestion,
                SwarmSize = swarmSize,
            };
            result.TrajectoryId = trajectory.Id;
            result.Score = score;
            lock (_pendingLock)
            {
                _pending.Add(trajectory);
                if (!_draining)
                {
                    _draining = true;
                    _writer = Task.Run(DrainAsync);
                }
            }
        }

        /// <summary>Waits until every trajectory recorded so far is committed.</summary>
        public async Task FlushAsync()
        {
            while (true)
            {
                Task writer;
                lock (_pendingLock)
                {
                    if (!_draining)
                        return;
                    writer = _writer;
                }
                await writer.ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Writes pending trajectories until none are left. A small batch waits a few milliseconds for more first
        /// (group commit): each commit makes every agent's next prediction take in the new rows and refit, so a
        /// commit per settled deployment cost more than the writing itself. Flushing still waits for everything.
        /// </summary>
        private async Task DrainAsync()
        {
            while (true)
            {
                bool small;
                lock (_pendingLock)
                    small = _pending.Count < GroupCommitSize;
                if (small)
                    await Task.Delay(GroupCommitDelay).ConfigureAwait(false);

                List<Trajectory> batch;
                lock (_pendingLock)
                {
                    if (_pending.Count == 0)
                    {
                        _draining = false;
                        return;
                    }
                    batch = _pending;
                    _pending = new List<Trajectory>();
                }
                try
                {
                    Store.AppendMany(batch);
                }
                catch (SwarmException e)
                {
                    // The results are already with the caller; losing their trajectories must at least be loud.
                    CoordinatorLog.RecordFailed(_logger, batch.Count, e.Message);
                }
            }
        }

        private const int GroupCommitSize = 64;
        private static readonly TimeSpan GroupCommitDelay = TimeSpan.FromMilliseconds(10);

        private static ExecutionStatus StatusOf(DeploymentStatus status) => status switch
        {
            DeploymentStatus.Succeeded => ExecutionStatus.Succeeded,
            DeploymentStatus.TimedOut => ExecutionStatus.TimedOut,
            DeploymentStatus.OutOfMemory => ExecutionStatus.OutOfMemory,
            DeploymentStatus.Cancelled => ExecutionStatus.Cancelled,
            _ => ExecutionStatus.Failed,
        };

        /// <summary>
        /// The backtest's metrics under stable camelCase keys (the store's trajectories and the patterns read
        /// them). With validation, the in- and out-of-sample segments add <c>inSample.*</c> and
        /// <c>outOfSample.*</c>: each the mean over that sample's segments (one each for a split, one per fold
        /// for walk-forward), plus <c>validationSegments</c>.
        /// </summary>
        internal static Dictionary<string, double> MetricsOf(DeploymentResult result)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["durationMs"] = result.Duration.TotalMilliseconds };
            if (result.Backtest?.Metrics is { } m)
            {
                AddMetrics(metrics, "", m);
                metrics["bars"] = m.Bars;
                metrics["barsPerYear"] = m.BarsPerYear;
                metrics["fills"] = m.Fills;
            }
            if (result.Backtest?.Segments is { Count: > 0 } segments)
            {
                metrics["validationSegments"] = segments.Count;
                foreach (var sample in segments.GroupBy(g => g.Sample))
                {
                    var prefix = sample.Key == NeuralTrader.Swarm.Protocol.SegmentSamples.Out ? "outOfSample." : "inSample.";
                    var mean = new Dictionary<string, double>(StringComparer.Ordinal);
                    foreach (var segment in sample)
                        AddMetrics(mean, prefix, segment.Metrics);
                    int count = sample.Count();
                    foreach (var key in mean.Keys.ToList())
                        metrics[key] = mean[key] / count;
                }
            }
            return metrics;
        }

        /// <summary>
        /// The metrics learning scores: out of sample when the deployment was validated (so suggestions favour what
        /// generalises, not the best in-sample spike), the whole window otherwise.
        /// </summary>
        internal static IReadOnlyDictionary<string, double> ValidatedMetrics(Dictionary<string, double> metrics)
        {
            const string Out = "outOfSample.";
            if (!metrics.ContainsKey(Out + "sharpe"))
                return metrics;
            return metrics.Where(m => m.Key.StartsWith(Out, StringComparison.Ordinal))
                .ToDictionary(m => m.Key.Substring(Out.Length), m => m.Value, StringComparer.Ordinal);
        }

        /// <summary>Adds (sums into) the metrics a trader compares, under <paramref name="prefix"/>.</summary>
        private static void AddMetrics(Dictionary<string, double> into, string prefix, NeuralTrader.Swarm.Protocol.BacktestMetrics m)
        {
            void Add(string key, double value) => into[prefix + key] = (into.TryGetValue(prefix + key, out var sum) ? sum : 0) + value;
            Add("totalReturn", m.TotalReturn);
            Add("annualizedReturn", m.AnnualizedReturn);
            Add("volatility", m.Volatility);
            Add("sharpe", m.Sharpe);
            Add("sortino", m.Sortino);
            Add("maxDrawdown", m.MaxDrawdown);
            Add("trades", m.Trades);
            Add("winRate", m.WinRate);
            Add("exposure", m.Exposure);
            Add("buyAndHoldReturn", m.BuyAndHold.Return);
            Add("buyAndHoldAnnualizedReturn", m.BuyAndHold.AnnualizedReturn);
            Add("buyAndHoldSharpe", m.BuyAndHold.Sharpe);
            Add("buyAndHoldMaxDrawdown", m.BuyAndHold.MaxDrawdown);
        }

        /// <summary>The numeric parameters (dates and text are context, not search dimensions).</summary>
        internal static Dictionary<string, double> Numeric(IEnumerable<KeyValuePair<string, object?>> parameters)
        {
            var numbers = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in parameters)
            {
                switch (p.Value)
                {
                    case bool b: numbers[p.Key] = b ? 1 : 0; break;
                    case string _: break;
                    case System.Text.Json.JsonElement e when e.ValueKind == System.Text.Json.JsonValueKind.Number: numbers[p.Key] = e.GetDouble(); break;
                    case IConvertible c when c.GetTypeCode() != TypeCode.String && c.GetTypeCode() != TypeCode.DateTime:
                        numbers[p.Key] = c.ToDouble(CultureInfo.InvariantCulture);
                        break;
                }
            }
            return numbers;
        }

        public void Dispose()
        {
            FlushAsync().GetAwaiter().GetResult();
            lock (_openLock)
                _store?.Dispose();
            _storeGate.Dispose();
        }
    }
}
