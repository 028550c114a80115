using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// A worker of a swarm. It owns at most one sandbox at a time and runs deployments in it one after another,
    /// loading each symbol's data into the runner once. A sandbox that times out, crashes or breaks the
    /// protocol is discarded and the next deployment gets a fresh one.
    /// </summary>
    internal sealed class Agent
    {
        private readonly ISandboxProvider _provider;
        private readonly SwarmOptions _options;
        private readonly Func<string, PriceSeries> _prices;
        private readonly HashSet<string> _loaded = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private ISandbox? _sandbox;
        private string? _sandboxImage;
        private long _requests;

        public Agent(string id, ISandboxProvider provider, SwarmOptions options, Func<string, PriceSeries> prices)
        {
            Id = id;
            _provider = provider;
            _options = options;
            _prices = prices;
        }

        public string Id { get; }

        /// <summary>Whether the agent holds a sandbox that is still running.</summary>
        public bool HasLiveSandbox => _sandbox?.IsAlive == true;

        /// <summary>Runs one resolved deployment; never throws except for cancellation of the whole swarm.</summary>
        public async Task<DeploymentResult> RunAsync(ResolvedDeployment deployment, CancellationToken cancellationToken)
        {
            var result = deployment.NewResult(Id);
            var steps = new List<OperationTiming>();
            var total = Stopwatch.StartNew();
            var step = Stopwatch.StartNew();
            string current = "create-sandbox";
            try
            {
                var sandbox = await EnsureSandboxAsync(deployment, cancellationToken).ConfigureAwait(false);
                result.SandboxId = sandbox.Id;
                steps.Add(new OperationTiming(current, step.Elapsed.TotalMilliseconds, true));

                current = "load-data";
                step.Restart();
                if (deployment.Image == null && _loaded.Add(deployment.Dataset))
                {
                    var load = new RunnerRequest { Id = NextId(), Op = RunnerOps.Load, Dataset = deployment.Dataset, Data = deployment.Series!.ToPriceData() };
                    var loaded = await sandbox.SendAsync(load, _options.SandboxTimeout, cancellationToken).ConfigureAwait(false);
                    if (!loaded.Ok)
                        throw RunnerFailure(loaded.Error, deployment);
                }
                steps.Add(new OperationTiming(current, step.Elapsed.TotalMilliseconds, true));

                current = "run";
                step.Restart();
                var run = RunRequest(deployment);
                if (deployment.Image != null)
                    run.Data = deployment.Series?.ToPriceData();
                var response = await sandbox.SendAsync(run, _options.SandboxTimeout, cancellationToken).ConfigureAwait(false);
                steps.Add(new OperationTiming(current, step.Elapsed.TotalMilliseconds, response.Ok));

                current = "collect";
                step.Restart();
                if (!response.Ok || response.Result == null)
                    throw RunnerFailure(response.Error, deployment);
                result.Backtest = response.Result;
                result.Parameters = response.Result.Parameters.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.OrdinalIgnoreCase);
                result.Status = DeploymentStatus.Succeeded;
                steps.Add(new OperationTiming(current, step.Elapsed.TotalMilliseconds, true));
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Whatever broke while the swarm was being cancelled (a sandbox killed under a write, say), the
                // deployment was cancelled.
                steps.Add(new OperationTiming(current, step.Elapsed.TotalMilliseconds, false));
                await DiscardSandboxAsync().ConfigureAwait(false);
                Fail(result, new SwarmException(SwarmErrorIds.DeploymentCancelled, SwarmErrorKind.Cancelled, "The deployment was cancelled.", deployment.Registration.Name));
            }
            catch (SwarmException e)
            {
                steps.Add(new OperationTiming(current, step.Elapsed.TotalMilliseconds, false));
                if (_sandbox != null && !_sandbox.IsAlive)
                    await DiscardSandboxAsync().ConfigureAwait(false);
                Fail(result, e);
            }
            result.Duration = total.Elapsed;
            result.Operations = steps;
            return result;
        }

        /// <summary>
        /// Whether a deployment may travel in a <c>batch</c>: the built-in runner (a custom image may speak an older
        /// protocol) and none of the test hooks that are meant to fail one sandbox on purpose (delay, allocation).
        /// </summary>
        public static bool CanBatch(ResolvedDeployment deployment) =>
            deployment.SandboxImage == null && deployment.RunOptions?.DelayMs == null && deployment.RunOptions?.AllocateMb == null;

        /// <summary>
        /// Runs deployments that <see cref="CanBatch"/> in one <c>batch</c> request: one round trip for all of them.
        /// Returns a result per deployment, each as <see cref="RunAsync"/> would have settled it, or null where the
        /// deployment must run alone: the batch as a whole failed (sandbox crashed or timed out, a runner older than
        /// protocol 3), so each one's own run says what is wrong with it. Each step's time is shared out evenly, so
        /// the deployments' durations add up to the time the agent spent. Never throws.
        /// </summary>
        public async Task<DeploymentResult?[]> RunBatchAsync(IReadOnlyList<ResolvedDeployment> batch, CancellationToken cancellationToken)
        {
            var settled = new DeploymentResult?[batch.Count];
            var startedAt = DateTimeOffset.UtcNow;
            var total = Stopwatch.StartNew();
            try
            {
                var sandbox = await EnsureSandboxAsync(batch[0], cancellationToken).ConfigureAwait(false);
                double createMs = total.Elapsed.TotalMilliseconds;
                foreach (var deployment in batch)
                {
                    if (!_loaded.Add(deployment.Dataset))
                        continue;
                    var load = new RunnerRequest { Id = NextId(), Op = RunnerOps.Load, Dataset = deployment.Dataset, Data = deployment.Series!.ToPriceData() };
                    var loaded = await sandbox.SendAsync(load, _options.SandboxTimeout, cancellationToken).ConfigureAwait(false);
                    if (!loaded.Ok)
                    {
                        _loaded.Remove(deployment.Dataset);
                        return settled; // each deployment's own run reports the data problem
                    }
                }
                double loadMs = total.Elapsed.TotalMilliseconds - createMs;

                var requests = batch.Select(RunRequest).ToList();
                // Every deployment keeps its own time budget: the batch may take as long as they would one by one.
                var timeout = TimeSpan.FromTicks(Math.Min(TimeSpan.MaxValue.Ticks / 2, _options.SandboxTimeout.Ticks * batch.Count));
                var response = await sandbox.SendAsync(new RunnerRequest { Id = NextId(), Op = RunnerOps.Batch, Requests = requests }, timeout, cancellationToken).ConfigureAwait(false);
                double runMs = total.Elapsed.TotalMilliseconds - createMs - loadMs;
                var responses = response.Responses;
                if (!response.Ok || responses == null || responses.Count != batch.Count)
                    return settled;
                for (int i = 0; i < batch.Count; i++)
                {
                    if (!string.Equals(responses[i].Id, requests[i].Id, StringComparison.Ordinal))
                        return new DeploymentResult?[batch.Count];
                }

                double n = batch.Count;
                for (int i = 0; i < batch.Count; i++)
                {
                    var result = batch[i].NewResult(Id);
                    result.StartedAt = startedAt;
                    result.SandboxId = sandbox.Id;
                    var item = responses[i];
                    bool ok = item.Ok && item.Result != null;
                    result.Operations = new List<OperationTiming>
                    {
                        new OperationTiming("create-sandbox", createMs / n, true),
                        new OperationTiming("load-data", loadMs / n, true),
                        new OperationTiming("run", runMs / n, item.Ok),
                        new OperationTiming("collect", 0, ok),
                    };
                    if (ok)
                    {
                        result.Backtest = item.Result;
                        result.Parameters = item.Result!.Parameters.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.OrdinalIgnoreCase);
                        result.Status = DeploymentStatus.Succeeded;
                    }
                    else
                    {
                        Fail(result, RunnerFailure(item.Error, batch[i]));
                    }
                    result.Duration = TimeSpan.FromTicks(total.Elapsed.Ticks / batch.Count);
                    settled[i] = result;
                }
                return settled;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                await DiscardSandboxAsync().ConfigureAwait(false);
                for (int i = 0; i < batch.Count; i++)
                {
                    var result = batch[i].NewResult(Id);
                    Fail(result, new SwarmException(SwarmErrorIds.DeploymentCancelled, SwarmErrorKind.Cancelled, "The deployment was cancelled.", batch[i].Registration.Name));
                    result.Duration = total.Elapsed;
                    settled[i] = result;
                }
                return settled;
            }
            catch (SwarmException)
            {
                // The batch as a whole failed; a dead sandbox goes, and each deployment runs alone on a fresh one.
                if (_sandbox != null && !_sandbox.IsAlive)
                    await DiscardSandboxAsync().ConfigureAwait(false);
                return new DeploymentResult?[batch.Count];
            }
        }

        private RunnerRequest RunRequest(ResolvedDeployment deployment) => new RunnerRequest
        {
            Id = NextId(),
            Op = RunnerOps.Run,
            Strategy = deployment.Registration.Type,
            Dataset = deployment.Dataset,
            Parameters = deployment.ProtocolParameters,
            Options = deployment.RunOptions,
        };

        /// <summary>Stops the agent's sandbox; returns the time it took, for the cleanup step.</summary>
        public async Task<double> StopAsync()
        {
            var watch = Stopwatch.StartNew();
            await DiscardSandboxAsync().ConfigureAwait(false);
            return watch.Elapsed.TotalMilliseconds;
        }

        private async Task<ISandbox> EnsureSandboxAsync(ResolvedDeployment deployment, CancellationToken cancellationToken)
        {
            if (_sandbox != null && (!_sandbox.IsAlive || !string.Equals(_sandboxImage, deployment.SandboxImage, StringComparison.Ordinal)))
                await DiscardSandboxAsync().ConfigureAwait(false);
            if (_sandbox == null)
            {
                var spec = new SandboxSpec
                {
                    AgentId = Id,
                    Strategy = deployment.Registration.Name,
                    Image = deployment.SandboxImage,
                    MemoryLimitMb = _options.MemoryLimitMb,
                    CpuLimit = _options.CpuLimit,
                };
                _sandbox = await _provider.CreateAsync(spec, cancellationToken).ConfigureAwait(false);
                _sandboxImage = deployment.SandboxImage;
            }
            return _sandbox;
        }

        private async Task DiscardSandboxAsync()
        {
            var sandbox = _sandbox;
            _sandbox = null;
            _loaded.Clear();
            if (sandbox != null)
                await sandbox.StopAsync().ConfigureAwait(false);
        }

        private string NextId() => Id + "-" + Interlocked.Increment(ref _requests).ToString(CultureInfo.InvariantCulture);

        private static SwarmException RunnerFailure(RunnerError? error, ResolvedDeployment deployment)
        {
            var code = error?.Code ?? RunnerErrorCodes.Internal;
            var message = error?.Message ?? "The runner reported a failure without details.";
            switch (code)
            {
                case RunnerErrorCodes.InvalidParameter:
                    return new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, message, deployment.Registration.Name);
                case RunnerErrorCodes.UnknownStrategy:
                    return new SwarmException(SwarmErrorIds.UnknownStrategyType, SwarmErrorKind.InvalidArgument, message, deployment.Registration.Name);
                case RunnerErrorCodes.InvalidData:
                case RunnerErrorCodes.UnknownDataset:
                    return new SwarmException(SwarmErrorIds.InvalidMarketData, SwarmErrorKind.InvalidData, message, deployment.Symbol);
                case RunnerErrorCodes.OutOfMemory:
                    return new SwarmException(SwarmErrorIds.SandboxOutOfMemory, SwarmErrorKind.ResourceLimit,
                        "The strategy ran out of memory in its sandbox: " + message, deployment.Registration.Name);
                default:
                    return new SwarmException(SwarmErrorIds.StrategyFailed, SwarmErrorKind.Failed, $"The strategy failed ({code}): {message}", deployment.Registration.Name);
            }
        }

        internal static void Fail(DeploymentResult result, SwarmException error)
        {
            result.Error = error.Message;
            result.ErrorId = error.ErrorId;
            result.ErrorKind = error.Kind;
            result.Status = error.ErrorId == SwarmErrorIds.SandboxTimeout ? DeploymentStatus.TimedOut
                : error.ErrorId == SwarmErrorIds.SandboxOutOfMemory ? DeploymentStatus.OutOfMemory
                : error.ErrorId == SwarmErrorIds.DeploymentCancelled ? DeploymentStatus.Cancelled
                : error.ErrorId == SwarmErrorIds.CircuitOpen ? DeploymentStatus.Rejected
                : DeploymentStatus.Failed;
        }
    }

    /// <summary>A deployment with its strategy, symbol, data and parameters resolved and validated.</summary>
    internal sealed class ResolvedDeployment
    {
        public ResolvedDeployment(int index, DeploymentRequest request, StrategyRegistration registration, string symbol,
            IReadOnlyDictionary<string, object?> parameters, PriceSeries? series)
        {
            Index = index;
            Request = request;
            Registration = registration;
            Symbol = symbol;
            Parameters = parameters;
            Series = series;
            ProtocolParameters = ToProtocol(parameters);
            UsedSuggestion = request.FromSuggestion;
            RunOptions = request.Options;
        }

        public int Index { get; }
        public DeploymentRequest Request { get; }
        public StrategyRegistration Registration { get; }
        public string Symbol { get; }
        public IReadOnlyDictionary<string, object?> Parameters { get; private set; }
        public PriceSeries? Series { get; }

        /// <summary>The runner's dataset name: the symbol for daily bars, SYMBOL.interval for intraday ones (both may be loaded at once).</summary>
        public string Dataset => Series == null || !Series.IsIntraday ? Symbol : Symbol + "." + Series.Interval;
        public string? Image => Registration.Image;

        /// <summary>The image of this run (<see cref="SwarmRun.Image"/>) for strategies registered without one.</summary>
        public string? RunImage { get; set; }

        /// <summary>What the sandbox runs: the registration's image, else the run's, else the provider's default.</summary>
        public string? SandboxImage => Registration.Image ?? RunImage;
        public Dictionary<string, JsonElement> ProtocolParameters { get; private set; }
        /// <summary>What the run returns: the request's own options, or the swarm's result detail (<see cref="ResultDetails.For"/>).</summary>
        public RunOptions? RunOptions { get; set; }
        public bool UsedSuggestion { get; private set; }
        public NeuralTrader.Swarm.Core.Store.Prediction? Prediction { get; set; }

        /// <summary>The parameters as given are the current suggestion's.</summary>
        public void MarkSuggestionUsed() => UsedSuggestion = true;

        /// <summary>Runs with the learned parameters on top of the registration's (autoOptimize).</summary>
        public void ApplySuggestion(IReadOnlyDictionary<string, double> suggested)
        {
            var merged = new Dictionary<string, object?>(Parameters.ToDictionary(p => p.Key, p => p.Value), StringComparer.OrdinalIgnoreCase);
            foreach (var p in suggested)
                merged[p.Key] = p.Value;
            Parameters = merged;
            ProtocolParameters = ToProtocol(merged);
            UsedSuggestion = true;
        }

        private static Dictionary<string, JsonElement> ToProtocol(IReadOnlyDictionary<string, object?> parameters) =>
            parameters.ToDictionary(p => p.Key, p => ParameterJson.ToElement(p.Value));

        public DeploymentResult NewResult(string agentId) => new DeploymentResult
        {
            Index = Index,
            AgentId = agentId,
            Strategy = Registration.Name,
            StrategyType = Registration.Type,
            Symbol = Symbol,
            Parameters = Parameters,
            Status = DeploymentStatus.Failed,
            UsedSuggestion = UsedSuggestion,
            StartedAt = DateTimeOffset.UtcNow,
        };
    }
}
