using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Resilience;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// The one entry point of both front ends, one method per operation: registers strategies and deploys them into
    /// sandboxes, at most <see cref="SwarmOptions.MaxAgents"/> at a time (further deployments queue; every deployment
    /// settles into a <see cref="DeploymentResult"/>), and answers from what it learned and stored.
    /// </summary>
    public sealed class SwarmCoordinator : IDisposable
    {
        private readonly StrategyRegistry _registry;
        private readonly SwarmLearning? _learning;
        private readonly DeploymentResilience _resilience;
        private readonly Lazy<ISandboxProvider> _provider;
        private readonly DeploymentInputs _inputs;
        private readonly IdleAgents _idle;
        private readonly ILogger _logger;
        private readonly SwarmCounters _counters = new SwarmCounters();
        private readonly DeploymentDispatcher _dispatcher;
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
            _dispatcher = new DeploymentDispatcher(Options, _registry, _inputs, _learning, _provider, _idle, _counters, _logger);
        }

        /// <summary>Unique id of this coordinator (labels its sandboxes).</summary>
        public string Id { get; }

        /// <summary>The options it was created with (a copy).</summary>
        public SwarmOptions Options { get; }

        /// <summary>
        /// The trajectory store this coordinator learns into, opened on first use; throws KeyRequired-style
        /// errors from the store, and InvalidConfiguration when learning is off. Front ends use the operations below.
        /// </summary>
        internal TrajectoryStore Store => _learning?.Store ?? throw LearningOff("trajectory store");

        /// <summary>The learning model over <see cref="Store"/> (statistics, patterns, suggestions, predictions); same errors as <see cref="Store"/>.</summary>
        internal LearningModel Learning => _learning?.Model ?? throw LearningOff("learning model");

        private static SwarmException LearningOff(string what) => new SwarmException(SwarmErrorIds.InvalidConfiguration,
            SwarmErrorKind.InvalidArgument, $"Learning is off for this coordinator, so it has no {what}. Turn {{learning}} on to use it.");

        // The operations of the learning and store commands, one each; the store's errors (KeyRequired, WrongKey,
        // CorruptStore, StoreBusy) and InvalidConfiguration when learning is off pass through.

        /// <summary>Where the store is and how it is protected.</summary>
        public StoreStatus GetStoreStatus() => StoreStatus.Of(Store);

        /// <summary>How many trajectories the store holds.</summary>
        public long CountTrajectories() => Store.Count();

        /// <summary>Learning statistics, overall and per strategy.</summary>
        public LearningStats GetLearningStats() => Learning.GetStats();

        /// <summary>Success and failure patterns, most confident first.</summary>
        public IReadOnlyList<Pattern> GetPatterns(PatternFilter? filter = null) => Learning.GetPatterns(filter);

        /// <summary>The numbers the benchmark's Learning recommendations judge (the one summary both front ends use).</summary>
        public LearningSummary GetLearningSummary() => LearningSummary.From(Learning);

        /// <summary>Stored trajectories matching a filter, newest first.</summary>
        public IReadOnlyList<StoredTrajectory> GetTrajectories(TrajectoryFilter? filter = null, bool includePayload = true) => Store.Query(filter, includePayload);

        /// <summary>One stored trajectory by id, or null.</summary>
        public StoredTrajectory? GetTrajectory(string id) => Store.Get(id);

        /// <summary>Walks the store's SHA3-512 chain (<see cref="TrajectoryStore.Verify"/>); needs no key.</summary>
        public StoreVerification VerifyStore() => Store.Verify();

        /// <summary>Deletes every trajectory (registrations stay); returns how many.</summary>
        public long ResetLearning() => Store.Reset();

        /// <summary>
        /// Exports the store's state with the learning model's patterns and metrics (see <see cref="TrajectoryStore.ExportState(string, bool, System.Action{System.Text.Json.Utf8JsonWriter})"/>).
        /// </summary>
        /// <param name="path">Destination file; replaced if it exists.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        public StateExport ExportState(string path, bool decrypt = false) => Store.ExportState(path, decrypt, Learning.WriteExportSections);

        /// <summary>
        /// Adds an export's trajectories and registrations that the store lacks (see <see cref="TrajectoryStore.ImportState(string)"/>).
        /// A bad file is refused before the store is opened: nothing is left behind, not even a new empty store.
        /// </summary>
        public ImportResult ImportState(string path)
        {
            TrajectoryStore.CheckExport(path);
            return Store.ImportState(path);
        }

        /// <summary>A store without a coordinator: opened without a key (never adopting one), looked at and closed; null when there is none.</summary>
        public static StoreStatus? ProbeStore(string? path, ILoggerFactory? loggerFactory = null)
        {
            var resolved = StoreFile.Check(path);
            if (!TrajectoryStore.IsServer(resolved) && !System.IO.File.Exists(resolved))
                return null;
            using var store = StoreFile.Open(new StoreOptions { Path = path, LoggerFactory = loggerFactory });
            return StoreStatus.Of(store);
        }

        /// <summary>Verifies the chain of a store file without a coordinator or key (for checking a copy or a backup).</summary>
        public static StoreVerification VerifyStoreFile(string path, ILoggerFactory? loggerFactory = null)
        {
            using var store = StoreFile.Open(new StoreOptions { Path = path, LoggerFactory = loggerFactory });
            return store.Verify();
        }

        /// <summary>A learned parameter suggestion for a strategy (registered name or built-in type) on a symbol.</summary>
        public Suggestion GetSuggestion(string strategy, string? symbol = null, IDictionary<string, object?>? fixedParameters = null)
        {
            var registration = _registry.Resolve(strategy);
            if (registration.Image != null)
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    $"Strategy '{registration.Name}' runs a custom image whose parameters the module does not know, so it cannot suggest any.", strategy);
            }

            var learning = _learning ?? throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                "Learning is off for this coordinator; suggestions come from recorded trajectories. Turn {learning} on.");
            var chosen = (symbol ?? registration.Symbols[0]).Trim().ToUpperInvariant();
            CheckHeld(registration, chosen, fixedParameters);
            var fixedNumbers = fixedParameters == null ? null : SwarmLearning.Numeric(fixedParameters);
            return learning.Suggest(registration, chosen, fixedNumbers);
        }

        /// <summary>
        /// Tunes a strategy: suggests, deploys and records trial after trial, then reports the robust choice in and out
        /// of sample (see <see cref="SwarmOptimization"/>); <paramref name="onTrial"/> is called as each trial settles.
        /// </summary>
        public Task<OptimizationOutcome> OptimizeAsync(OptimizationRequest request, Action<OptimizationTrial>? onTrial = null,
            CancellationToken cancellationToken = default) => SwarmOptimization.RunAsync(this, request, onTrial, cancellationToken);

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
                    {
                        throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                            "The symbols are given twice: as symbols and inside the parameters ('symbols'). Give them once.", strategy);
                    }

                    symbols = named;
                }
            }
            var plan = DeploymentPlan.Expand(strategy, symbols, registration?.Symbols, agents, parameters, task);
            return registration == null ? plan : DeploymentPlan.Vary(plan, registration, parameters, Options.Seed, _logger);
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
            return await _dispatcher.RunAsync(deployments.ToList(), onResult, resilience, run?.Image, cancellationToken).ConfigureAwait(false);
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
