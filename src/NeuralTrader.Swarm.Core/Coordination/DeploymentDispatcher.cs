using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Resilience;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// Runs a swarm's deployments on agents, at most <see cref="SwarmOptions.MaxAgents"/> at a time: each agent takes
    /// deployments from one queue (in batches for sweeps), resolves and predicts them, runs them in its sandbox under
    /// the retry and circuit-breaker rules, records what ran and reports each result as it settles.
    /// </summary>
    internal sealed class DeploymentDispatcher
    {
        private readonly SwarmOptions _options;
        private readonly StrategyRegistry _registry;
        private readonly DeploymentInputs _inputs;
        private readonly SwarmLearning? _learning;
        private readonly Lazy<ISandboxProvider> _provider;
        private readonly IdleAgents _idle;
        private readonly SwarmCounters _counters;
        private readonly ILogger _logger;
        private int _agentCounter;

        public DeploymentDispatcher(SwarmOptions options, StrategyRegistry registry, DeploymentInputs inputs, SwarmLearning? learning,
            Lazy<ISandboxProvider> provider, IdleAgents idle, SwarmCounters counters, ILogger logger)
        {
            _options = options;
            _registry = registry;
            _inputs = inputs;
            _learning = learning;
            _provider = provider;
            _idle = idle;
            _counters = counters;
            _logger = logger;
        }

        /// <summary>
        /// Settles every request (results in input order), calling <paramref name="onResult"/> as each settles, then
        /// waits until the recorded trajectories are committed.
        /// </summary>
        public async Task<DeploymentResult[]> RunAsync(IReadOnlyList<DeploymentRequest> requests, Action<DeploymentResult>? onResult,
            DeploymentResilience resilience, string? runImage, CancellationToken cancellationToken)
        {
            var results = new DeploymentResult[requests.Count];
            var queue = new ConcurrentQueue<int>(Enumerable.Range(0, requests.Count));
            int workers = Math.Min(_options.MaxAgents, requests.Count);
            CoordinatorLog.SwarmStarting(_logger, requests.Count, workers, _provider.Value.Kind);

            _learning?.EnsureWritable();
            var tasks = new Task[workers];
            for (int w = 0; w < workers; w++)
                tasks[w] = Task.Run(() => WorkAsync(queue, requests, results, onResult, resilience, runImage, BatchSize(resilience, requests.Count, workers), cancellationToken));
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
            var agent = _idle.Take() ?? new Agent(NewAgentId(), _provider.Value, _options, symbol => _inputs.Series(symbol));
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
                            deployment.RunOptions = ResultDetails.For(_options.ResultDetail, requests.Count, deployment.RunOptions);
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
                        if (!SwarmCoordinator.NeverRan(result))
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
            {
                foreach (var p in request.Parameters)
                    parameters[p.Key] = p.Value;
            }
            // A custom image gets the series when there is one; its parameters are its own to check.
            var series = registration.Image == null
                ? _inputs.Validate(registration.Type, parameters, registration.Name, symbol, request.Options)
                : _inputs.SeriesIfAny(symbol, parameters);
            return new ResolvedDeployment(index, request, registration, symbol, parameters, series);
        }

        private string NewAgentId() => "agent-" + Interlocked.Increment(ref _agentCounter).ToString(CultureInfo.InvariantCulture);
    }
}
