using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Core.Resilience;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// Registers strategies and deploys them into sandboxes, at most <see cref="SwarmOptions.MaxAgents"/> at a
    /// time; further deployments queue. Every deployment settles into a <see cref="DeploymentResult"/>.
    /// </summary>
    public sealed partial class SwarmCoordinator : IDisposable
    {
        private readonly StrategyRegistry _registry;
        private readonly SwarmLearning? _learning;
        private readonly DeploymentResilience _resilience;
        private readonly Lazy<ISandboxProvider> _provider;
        private readonly DeploymentInputs _inputs;
        private readonly IdleAgents _idle;
        private readonly ILogger _logger;
        private readonly SwarmCounters _counters = new SwarmCounters();
        private int _agentCounter;
        private int _disposed;

        /// <summary>Creates a coordinator; the sandbox provider is created on first use unless one is given.</summary>
        public SwarmCoordinator(SwarmOptions? options = null, ISandboxProvider? sandboxProvider = null)
        {
            Options = (options ?? new SwarmOptions()).Clone();
            Options.Validate();
            Id = "swarm-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            _logger = (ILogger?)Options.LoggerFactory?.CreateLogger<SwarmCoordinator>() ?? NullLogger.Instance;
            _inputs = DeploymentInputs.Open(Options.DataPath);
            _learning = Options.LearningEnabled ? new SwarmLearning(Options, _logger) : null;
            _registry = new StrategyRegistry(create => create ? _learning?.Store : _learning?.ExistingStore);
            _idle = new IdleAgents(Options.SandboxIdleTimeout);
            _resilience = new DeploymentResilience(Options.Resilience, Options.LoggerFactory?.CreateLogger<DeploymentResilience>());
            _provider = new Lazy<ISandboxProvider>(
                () => sandboxProvider ?? SandboxProviderFactory.Create(Options, Id, Options.LoggerFactory ?? NullLoggerFactory.Instance),
                LazyThreadSafetyMode.ExecutionAndPublication);
        }

        /// <summary>Unique id of this coordinator (labels its sandboxes).</summary>
        public string Id { get; }

        /// <summary>The options it was created with (a copy).</summary>
        public SwarmOptions Options { get; }

        /// <summary>
        /// The trajectory store this coordinator learns into, opened on first use; throws KeyRequired-style
        /// errors from the store, and InvalidConfiguration when learning is off.
        /// </summary>
        public TrajectoryStore Store => _learning?.Store ?? throw new SwarmException(SwarmErrorIds.InvalidConfiguration,
            SwarmErrorKind.InvalidArgument, "Learning is off for this coordinator, so it has no trajectory store. Turn learning on (-Learning) to use it.");

        /// <summary>The learning model over <see cref="Store"/> (statistics, patterns, suggestions, predictions); same errors as <see cref="Store"/>.</summary>
        public LearningModel Learning => _learning?.Model ?? throw new SwarmException(SwarmErrorIds.InvalidConfiguration,
            SwarmErrorKind.InvalidArgument, "Learning is off for this coordinator, so it has no learning model. Turn learning on (-Learning) to use it.");

        /// <summary>
        /// Exports the store's state with the learning model's patterns and metrics (see <see cref="TrajectoryStore.ExportState(string, bool, System.Action{System.Text.Json.Utf8JsonWriter})"/>).
        /// </summary>
        /// <param name="path">Destination file; replaced if it exists.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <returns>How many trajectories were written.</returns>
        public int ExportState(string path, bool decrypt = false) => Store.ExportState(path, decrypt, Learning.WriteExportSections);

        /// <summary>A learned parameter suggestion for a strategy (registered name or built-in type) on a symbol.</summary>
        public Suggestion GetSuggestion(string strategy, string? symbol = null, IDictionary<string, object?>? fixedParameters = null)
        {
            var registration = _registry.Resolve(strategy);
            if (registration.Image != null)
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    $"Strategy '{registration.Name}' runs a custom image whose parameters the module does not know, so it cannot suggest any.", strategy);
            var learning = _learning ?? throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                "Learning is off for this coordinator; suggestions come from recorded trajectories. Turn learning on (-Learning).");
            var chosen = (symbol ?? registration.Symbols[0]).Trim().ToUpperInvariant();
            CheckHeld(registration, chosen, fixedParameters);
            var fixedNumbers = fixedParameters == null ? null : SwarmLearning.Numeric(fixedParameters);
            return learning.Suggest(registration, chosen, fixedNumbers);
        }

        /// <summary>
        /// UnknownSymbol or InvalidParameter, naming the value, for a symbol without data or held parameters the strategy
        /// would refuse: a suggestion or an optimisation around them could only print a deploy line that fails.
        /// </summary>
        internal void CheckHeld(StrategyRegistration registration, string symbol, IDictionary<string, object?>? held)
        {
            var merged = registration.Parameters.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);
            foreach (var p in held ?? new Dictionary<string, object?>())
                merged[p.Key] = p.Value;
            _inputs.Validate(registration.Type, merged, registration.Name, symbol, null);
        }

        /// <summary>The registration for a name, or an ad-hoc one for a built-in type; StrategyNotRegistered otherwise.</summary>
        internal StrategyRegistration ResolveStrategy(string name) => _registry.Resolve(name);

        /// <summary>Symbols with market data (user data first, then bundled).</summary>
        public IReadOnlyList<string> Symbols => _inputs.Symbols;

        /// <summary>Registers a strategy under a name. Throws StrategyAlreadyRegistered unless <paramref name="replace"/>.</summary>
        public StrategyRegistration RegisterStrategy(string name, string type, IEnumerable<string>? symbols = null,
            IDictionary<string, object?>? parameters = null, string? image = null, string? description = null, bool replace = false)
        {
            if (string.IsNullOrWhiteSpace(name))
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, "A strategy needs a name.");
            if (string.IsNullOrWhiteSpace(type))
                throw new SwarmException(SwarmErrorIds.UnknownStrategyType, SwarmErrorKind.InvalidArgument, $"Strategy '{name}' needs a type.", name);

            var symbolList = (symbols ?? Enumerable.Empty<string>()).Where(s => !string.IsNullOrWhiteSpace(s))
                .Select(s => s.Trim().ToUpperInvariant()).Distinct().ToList();
            var parameterMap = new Dictionary<string, object?>(parameters ?? new Dictionary<string, object?>(), StringComparer.OrdinalIgnoreCase);
            string resolvedType = type;
            if (image == null)
            {
                // Built-in types are checked now so a typo fails at registration, not at deployment.
                resolvedType = DeploymentInputs.BuiltInType(type, name);
                if (symbolList.Count == 0)
                    DeploymentInputs.Validate(resolvedType, parameterMap, name, int.MaxValue);
                foreach (var symbol in symbolList)
                    _inputs.Validate(resolvedType, parameterMap, name, symbol, null);
            }
            if (symbolList.Count == 0)
                symbolList.Add(StrategyRegistry.DefaultSymbol);

            var registration = _registry.Add(new StrategyRegistration(name.Trim(), resolvedType, symbolList, parameterMap, image, description), replace);
            CoordinatorLog.Registered(_logger, registration.Name, registration.Type, string.Join(",", registration.Symbols));
            return registration;
        }

        /// <summary>Removes a registration; false when there was none.</summary>
        public bool UnregisterStrategy(string name) => _registry.Remove(name);

        /// <summary>All registrations, by name.</summary>
        public IReadOnlyList<StrategyRegistration> GetStrategies() => _registry.All;

        /// <summary>
        /// The deployments for one strategy as <see cref="DeploymentPlan"/> lays them out: <paramref name="symbols"/>
        /// when given, else the registered strategy's symbols; one per symbol, or <paramref name="agents"/> spread across them.
        /// </summary>
        public IReadOnlyList<DeploymentRequest> PlanDeployments(string strategy, IReadOnlyList<string>? symbols = null,
            int? agents = null, IDictionary<string, object?>? parameters = null, string? task = null)
        {
            StrategyRegistration? registration = null;
            try
            {
                registration = _registry.Resolve(strategy);
            }
            catch (SwarmException e) when (e.ErrorId == SwarmErrorIds.StrategyNotRegistered)
            {
                // Deployed anyway, it settles as a failed result that names the known strategies.
            }
            if (parameters != null)
            {
                parameters = new Dictionary<string, object?>(parameters, StringComparer.OrdinalIgnoreCase);
                if (DeploymentPlan.TakeSymbols(parameters) is { } named)
                {
                    if (symbols != null)
                        throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                            "The symbols are given twice: as symbols and inside the parameters ('symbols'). Give them once.", strategy);
                    symbols = named;
                }
            }
            var plan = DeploymentPlan.Expand(strategy, symbols, registration?.Symbols, agents, parameters, task);
            return registration == null ? plan : Vary(plan, registration, parameters);
        }

        /// <summary>
        /// A backtest is deterministic: the same strategy, symbol and parameters give the same result. When -Agents
        /// asks for more deployments than there are symbols, each further round over the symbols tries distinct
        /// parameters instead (space-filling points of the default search space, the given parameters held); what
        /// cannot be varied (a custom image, every parameter held) is dropped with a warning rather than run twice.
        /// </summary>
        private IReadOnlyList<DeploymentRequest> Vary(IReadOnlyList<DeploymentRequest> plan, StrategyRegistration registration, IDictionary<string, object?>? parameters)
        {
            // The round of a request: how many earlier requests ran the same symbol.
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var rounds = plan.Select(r => seen[r.Symbol ?? ""] = seen.TryGetValue(r.Symbol ?? "", out var n) ? n + 1 : 0).ToList();
            if (rounds.Max() == 0)
                return plan;
            IReadOnlyList<Core.Learning.Search.SearchSuggestion> variations = Array.Empty<Core.Learning.Search.SearchSuggestion>();
            if (registration.Image == null)
            {
                var space = Core.Learning.Search.SearchSpace.For(registration.Type);
                var held = SwarmLearning.Numeric(parameters ?? new Dictionary<string, object?>())
                    .Where(p => space.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                try
                {
                    // A held value outside the default range (still within the catalogue's) widens that range.
                    space = space.Covering(held);
                    var first = space.Defaults.ToDictionary(p => p.Key, p => held.TryGetValue(p.Key, out var v) ? v : p.Value, StringComparer.Ordinal);
                    variations = Core.Learning.Search.BayesianSearch.Suggest(space, Array.Empty<Core.Learning.Search.SearchObservation>(), Options.Seed,
                        rounds.Max(), new[] { first }, held.Count == 0 ? null : held);
                }
                catch (ArgumentException)
                {
                    // A held value the catalogue rejects: nothing to vary around; the deployments that run say why.
                }
            }
            var varied = new List<DeploymentRequest>(plan.Count);
            for (int i = 0; i < plan.Count; i++)
            {
                int round = rounds[i];
                if (round == 0)
                {
                    varied.Add(plan[i]);
                    continue;
                }
                if (round > variations.Count)
                    continue;
                var merged = new Dictionary<string, object?>(plan[i].Parameters ?? new Dictionary<string, object?>(), StringComparer.OrdinalIgnoreCase);
                foreach (var p in variations[round - 1].Parameters)
                    merged[p.Key] = p.Value;
                varied.Add(new DeploymentRequest(plan[i].Strategy, plan[i].Symbol, merged) { Task = plan[i].Task });
            }
            if (varied.Count < plan.Count)
                CoordinatorLog.RepeatsDropped(_logger, plan.Count - varied.Count, registration.Name, varied.Count);
            return varied;
        }

        /// <summary>Deploys one strategy: a registered name or a built-in type.</summary>
        public async Task<DeploymentResult> DeployStrategyAsync(string name, IDictionary<string, object?>? parameters = null,
            string? symbol = null, CancellationToken cancellationToken = default)
        {
            var results = await DeploySwarmAsync(new[] { new DeploymentRequest(name, symbol, parameters) }, null, cancellationToken).ConfigureAwait(false);
            return results[0];
        }

        /// <summary>
        /// Runs every deployment, at most MaxAgents at once, calling <paramref name="onResult"/> as each settles
        /// (from a worker thread). Returns the settled results in input order. Cancellation stops the running
        /// agents, kills their sandboxes and settles the rest as Cancelled. <paramref name="run"/> overrides retries,
        /// circuit breaker or image for this swarm only.
        /// </summary>
        public async Task<IReadOnlyList<DeploymentResult>> DeploySwarmAsync(IEnumerable<DeploymentRequest> deployments,
            Action<DeploymentResult>? onResult = null, CancellationToken cancellationToken = default, SwarmRun? run = null)
        {
            ThrowIfDisposed();
            if (run?.Image != null)
                SwarmOptions.CheckImage(Options.Isolation, run.Image);
            run?.Resilience?.Validate();
            var resilience = run?.Resilience is null ? _resilience : new DeploymentResilience(run.Resilience, Options.LoggerFactory?.CreateLogger<DeploymentResilience>());
            var requests = deployments.ToList();
            var results = new DeploymentResult[requests.Count];
            var queue = new ConcurrentQueue<int>(Enumerable.Range(0, requests.Count));
            int workers = Math.Min(Options.MaxAgents, requests.Count);
            CoordinatorLog.SwarmStarting(_logger, requests.Count, workers, _provider.Value.Kind);

            _learning?.EnsureWritable();
            var tasks = new Task[workers];
            for (int w = 0; w < workers; w++)
                tasks[w] = Task.Run(() => WorkAsync(queue, requests, results, onResult, resilience, run?.Image, BatchSize(resilience, requests.Count, workers), cancellationToken));
            await Task.WhenAll(tasks).ConfigureAwait(false);
            if (_learning != null)
                await _learning.FlushAsync().ConfigureAwait(false);
            return results;
        }

        /// <summary>Most deployments an agent takes from the queue at once, and sends in one batch.</summary>
        internal const int MaxBatch = 32;

        /// <summary>
        /// Deployments an agent takes from the queue at once: enough that a sweep pays one round trip per batch instead
        /// of one per backtest, few enough that every agent still gets about four batches (so the agents finish
        /// together). 1 (one at a time, as before batching) for small swarms and whenever retries or the circuit
        /// breaker are on: those judge each deployment's own attempt.
        /// </summary>
        private static int BatchSize(DeploymentResilience resilience, int deployments, int workers) =>
            resilience.IsPassThrough ? Math.Max(1, Math.Min(MaxBatch, deployments / (workers * 4))) : 1;

        private async Task WorkAsync(ConcurrentQueue<int> queue, IReadOnlyList<DeploymentRequest> requests,
            DeploymentResult[] results, Action<DeploymentResult>? onResult, DeploymentResilience resilience, string? runImage, int batch, CancellationToken cancellationToken)
        {
            var agent = _idle.Take() ?? new Agent(NewAgentId(), _provider.Value, Options, symbol => _inputs.Series(symbol));
            var taken = new List<int>(batch);
            var prepared = new List<(int Index, ResolvedDeployment? Deployment, DeploymentResult? Failed)>(batch);
            try
            {
                while (true)
                {
                    taken.Clear();
                    while (taken.Count < batch && queue.TryDequeue(out int index))
                        taken.Add(index);
                    if (taken.Count == 0)
                        break;

                    // Resolve and predict each in queue order, run those that can travel together in one batch, then
                    // settle each in queue order: results, trajectories and callbacks are the same as one at a time.
                    prepared.Clear();
                    foreach (int index in taken)
                    {
                        var (deployment, failed) = await PrepareAsync(agent, index, requests[index], runImage, cancellationToken).ConfigureAwait(false);
                        if (deployment != null)
                            deployment.RunOptions = ResultDetails.For(Options.ResultDetail, requests.Count, deployment.RunOptions);
                        prepared.Add((index, deployment, failed));
                    }
                    var batchable = prepared.Where(p => p.Deployment != null && Agent.CanBatch(p.Deployment)).Select(p => p.Deployment!).ToList();
                    var batched = new Dictionary<ResolvedDeployment, DeploymentResult>();
                    if (batchable.Count > 1)
                    {
                        _counters.Enter();
                        try
                        {
                            var settled = await agent.RunBatchAsync(batchable, cancellationToken).ConfigureAwait(false);
                            for (int i = 0; i < settled.Length; i++)
                            {
                                if (settled[i] is DeploymentResult done)
                                {
                                    done.Attempts = 1;
                                    batched[batchable[i]] = done;
                                }
                            }
                        }
                        finally
                        {
                            _counters.Leave();
                        }
                    }
                    foreach (var (index, deployment, failed) in prepared)
                    {
                        var result = failed ?? (batched.TryGetValue(deployment!, out var done) ? done : await RunPreparedAsync(agent, deployment!, resilience, cancellationToken).ConfigureAwait(false));
                        // Input that never ran (unknown strategy or symbol, bad parameters or data) teaches nothing about parameters.
                        if (!NeverRan(result))
                            _learning?.Record(result, deployment, requests[index], requests.Count);
                        results[index] = result;
                        _counters.Record(result);
                        CoordinatorLog.Settled(_logger, result.Strategy, result.Symbol, result.Status.ToString(), result.Duration.TotalMilliseconds);
                        onResult?.Invoke(result);
                    }
                }
            }
            finally
            {
                if (cancellationToken.IsCancellationRequested || !_idle.TryKeep(agent))
                    await agent.StopAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Resolves a deployment and makes its prediction; a deployment that cannot run comes back settled instead.</summary>
        private async Task<(ResolvedDeployment?, DeploymentResult?)> PrepareAsync(Agent agent, int index, DeploymentRequest request, string? runImage, CancellationToken cancellationToken)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var deployment = Resolve(index, request);
                deployment.RunImage = runImage;
                if (_learning != null)
                    await _learning.PrepareAsync(deployment, parametersGiven: request.Parameters is { Count: > 0 } || deployment.Registration.Parameters.Count > 0, cancellationToken).ConfigureAwait(false);
                return (deployment, null);
            }
            catch (Exception e) when (e is SwarmException || e is OperationCanceledException)
            {
                var failed = new DeploymentResult
                {
                    Index = index,
                    AgentId = agent.Id,
                    Strategy = request.Strategy,
                    Symbol = request.Symbol ?? "",
                    Parameters = new Dictionary<string, object?>(request.Parameters ?? new Dictionary<string, object?>()),
                    StartedAt = DateTimeOffset.UtcNow,
                };
                Agent.Fail(failed, e as SwarmException ?? new SwarmException(SwarmErrorIds.DeploymentCancelled, SwarmErrorKind.Cancelled, "The deployment was cancelled.", request.Strategy));
                return (null, failed);
            }
        }

        /// <summary>Runs one prepared deployment on its own, under the retry and circuit-breaker rules.</summary>
        private async Task<DeploymentResult> RunPreparedAsync(Agent agent, ResolvedDeployment deployment, DeploymentResilience resilience, CancellationToken cancellationToken)
        {
            _counters.Enter();
            try
            {
                return await resilience.ExecuteAsync(deployment.Registration.Name,
                    (attempt, token) => agent.RunAsync(deployment, token),
                    rejected =>
                    {
                        var settled = deployment.NewResult(agent.Id);
                        Agent.Fail(settled, rejected);
                        return settled;
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _counters.Leave();
            }
        }

        private ResolvedDeployment Resolve(int index, DeploymentRequest request)
        {
            var registration = _registry.Resolve(request.Strategy);
            var symbol = (request.Symbol ?? registration.Symbols[0]).Trim().ToUpperInvariant();
            var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var p in registration.Parameters)
                parameters[p.Key] = p.Value;
            if (request.Parameters != null)
                foreach (var p in request.Parameters)
                    parameters[p.Key] = p.Value;
            // A custom image gets the series when there is one; its parameters are its own to check.
            var series = registration.Image == null
                ? _inputs.Validate(registration.Type, parameters, registration.Name, symbol, request.Options)
                : _inputs.SeriesIfAny(symbol, parameters);
            return new ResolvedDeployment(index, request, registration, symbol, parameters, series);
        }

        /// <summary>Counters since the coordinator was created.</summary>
        public SwarmMetrics GetMetrics()
        {
            var metrics = _counters.Snapshot();
            metrics.ActiveSandboxes = _provider.IsValueCreated ? _provider.Value.ListSandboxes().Count : 0;
            metrics.RegisteredStrategies = _registry.Count;
            metrics.Isolation = _provider.IsValueCreated ? _provider.Value.Kind : Options.Isolation.ToString().ToLowerInvariant();
            return metrics;
        }

        /// <summary>Live sandboxes of this coordinator.</summary>
        public IReadOnlyList<SandboxInfo> GetSandboxes() =>
            _provider.IsValueCreated ? _provider.Value.ListSandboxes() : Array.Empty<SandboxInfo>();

        /// <summary>Stops every sandbox this coordinator created, idle ones included; returns how many.</summary>
        public async Task<int> CleanupAsync()
        {
            int stopped = _provider.IsValueCreated ? await _provider.Value.CleanupAsync().ConfigureAwait(false) : 0;
            await _idle.StopAllAsync().ConfigureAwait(false); // their sandboxes are gone already; this drops the agents
            return stopped;
        }

        /// <summary>Cleans up and releases the sandbox provider.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            _idle.Dispose();
            if (_provider.IsValueCreated)
                _provider.Value.Dispose();
            _learning?.Dispose();
        }

        private static readonly HashSet<string> InputErrors = new HashSet<string>(StringComparer.Ordinal)
        {
            SwarmErrorIds.InvalidParameter, SwarmErrorIds.UnknownStrategyType, SwarmErrorIds.UnknownSymbol,
            SwarmErrorIds.StrategyNotRegistered, SwarmErrorIds.InvalidMarketData,
        };

        /// <summary>True for a deployment refused for its input (usage errors): it is reported, never recorded.</summary>
        public static bool NeverRan(DeploymentResult result) => result.ErrorId != null && InputErrors.Contains(result.ErrorId);

        private string NewAgentId() => "agent-" + Interlocked.Increment(ref _agentCounter).ToString(CultureInfo.InvariantCulture);

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref _disposed) == 1)
                throw new ObjectDisposedException(nameof(SwarmCoordinator));
        }
    }

    internal static partial class CoordinatorLog
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Registered strategy {Name} ({Type}) on {Symbols}")]
        public static partial void Registered(ILogger logger, string name, string type, string symbols);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Deploying {Count} deployments on {Agents} agents ({Isolation} sandboxes)")]
        public static partial void SwarmStarting(ILogger logger, int count, int agents, string isolation);

        [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "{Strategy} on {Symbol}: {Status} in {DurationMs:0.0} ms")]
        public static partial void Settled(ILogger logger, string strategy, string symbol, string status, double durationMs);

        [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "{Count} deployment(s) of {Strategy} would repeat identical work (same symbol and parameters, and no parameter left to vary); running {Kept}.")]
        public static partial void RepeatsDropped(ILogger logger, int count, string strategy, int kept);

        [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "{Count} trajectories could not be recorded: {Reason}")]
        public static partial void RecordFailed(ILogger logger, int count, string reason);
    }
}
