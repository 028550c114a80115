using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>
    /// Runs one swarm for the benchmark: every request settles into a result, at most
    /// <c>maxAgents</c> at once, <c>onResult</c> called as each settles. On cancellation it stops the agents,
    /// cleans up, and either returns the settled results (Cancelled for those not run) or throws
    /// <see cref="OperationCanceledException"/>; the benchmark keeps what <c>onResult</c> delivered either way.
    /// </summary>
    public interface ISwarmExecutor
    {
        /// <summary>Runs the requests on at most <paramref name="maxAgents"/> agents and releases every sandbox before returning.</summary>
        Task<SwarmExecution> ExecuteAsync(IReadOnlyList<DeploymentRequest> requests, int maxAgents,
            Action<DeploymentResult>? onResult, CancellationToken cancellationToken);
    }

    /// <summary>What one swarm run returned.</summary>
    public sealed class SwarmExecution
    {
        /// <summary>Creates an execution record.</summary>
        public SwarmExecution(IReadOnlyList<DeploymentResult> results, IReadOnlyList<CleanupTiming>? cleanups = null, string? isolation = null)
        {
            Results = results ?? throw new ArgumentNullException(nameof(results));
            Cleanups = cleanups ?? Array.Empty<CleanupTiming>();
            Isolation = isolation;
        }

        /// <summary>Settled results (any order).</summary>
        public IReadOnlyList<DeploymentResult> Results { get; }

        /// <summary>Time taken to release sandboxes: one entry per agent, or per cleanup step the executor measured.</summary>
        public IReadOnlyList<CleanupTiming> Cleanups { get; }

        /// <summary>Sandbox kind used (process or docker), when known.</summary>
        public string? Isolation { get; }
    }

    /// <summary>A measured cleanup: an agent stopping its sandbox or the coordinator's final sweep.</summary>
    public sealed class CleanupTiming
    {
        /// <summary>Creates a timing.</summary>
        public CleanupTiming(string source, double durationMs, int sandboxes = 1)
        {
            Source = source;
            DurationMs = durationMs;
            Sandboxes = sandboxes;
        }

        /// <summary>Agent id, or "coordinator" for the final sweep.</summary>
        public string Source { get; }
        /// <summary>Wall time in ms.</summary>
        public double DurationMs { get; }
        /// <summary>Sandboxes released by it.</summary>
        public int Sandboxes { get; }
    }

    /// <summary>Executors over a delegate and over <see cref="SwarmCoordinator"/>.</summary>
    public static class SwarmExecutor
    {
        /// <summary>An executor over a plain delegate (no cleanup timings).</summary>
        public static ISwarmExecutor FromDelegate(
            Func<IReadOnlyList<DeploymentRequest>, int, Action<DeploymentResult>?, CancellationToken, Task<IReadOnlyList<DeploymentResult>>> run)
            => new DelegateExecutor(run ?? throw new ArgumentNullException(nameof(run)));

        /// <summary>
        /// An executor that creates a <see cref="SwarmCoordinator"/> per swarm from <paramref name="options"/>
        /// with MaxAgents set to the scenario's agents (so each scenario starts cold), deploys, cleans up and
        /// disposes it. Cleanup is measured from outside: "agents" is the time from the last settled result
        /// until DeploySwarmAsync returned (the agents stopping their sandboxes), "coordinator" is CleanupAsync
        /// plus Dispose. <paramref name="configure"/> may register strategies on each new coordinator.
        /// </summary>
        public static ISwarmExecutor ForCoordinator(SwarmOptions options, Action<SwarmCoordinator>? configure = null)
            => new CoordinatorExecutor(options ?? throw new ArgumentNullException(nameof(options)), configure);

        private sealed class DelegateExecutor : ISwarmExecutor
        {
            private readonly Func<IReadOnlyList<DeploymentRequest>, int, Action<DeploymentResult>?, CancellationToken, Task<IReadOnlyList<DeploymentResult>>> _run;

            public DelegateExecutor(Func<IReadOnlyList<DeploymentRequest>, int, Action<DeploymentResult>?, CancellationToken, Task<IReadOnlyList<DeploymentResult>>> run) => _run = run;

            public async Task<SwarmExecution> ExecuteAsync(IReadOnlyList<DeploymentRequest> requests, int maxAgents,
                Action<DeploymentResult>? onResult, CancellationToken cancellationToken)
                => new SwarmExecution(await _run(requests, maxAgents, onResult, cancellationToken).ConfigureAwait(false));
        }

        private sealed class CoordinatorExecutor : ISwarmExecutor
        {
            private readonly SwarmOptions _options;
            private readonly Action<SwarmCoordinator>? _configure;

            public CoordinatorExecutor(SwarmOptions options, Action<SwarmCoordinator>? configure)
            {
                _options = options;
                _configure = configure;
            }

            public async Task<SwarmExecution> ExecuteAsync(IReadOnlyList<DeploymentRequest> requests, int maxAgents,
                Action<DeploymentResult>? onResult, CancellationToken cancellationToken)
            {
                var options = _options.Clone();
                options.MaxAgents = maxAgents;
                var coordinator = new SwarmCoordinator(options);
                var cleanups = new List<CleanupTiming>();
                var clock = Stopwatch.StartNew();
                long lastSettledTicks = 0;
                IReadOnlyList<DeploymentResult> results;
                string? isolation = null;
                try
                {
                    _configure?.Invoke(coordinator);
                    results = await coordinator.DeploySwarmAsync(requests, r =>
                    {
                        Interlocked.Exchange(ref lastSettledTicks, clock.Elapsed.Ticks);
                        onResult?.Invoke(r);
                    }, cancellationToken).ConfigureAwait(false);
                    var returned = clock.Elapsed;
                    var settled = TimeSpan.FromTicks(Interlocked.Read(ref lastSettledTicks));
                    if (settled > TimeSpan.Zero)
                        cleanups.Add(new CleanupTiming("agents", (returned - settled).TotalMilliseconds, Math.Min(maxAgents, requests.Count)));
                }
                finally
                {
                    var sweep = Stopwatch.StartNew();
                    int swept = await coordinator.CleanupAsync().ConfigureAwait(false);
                    isolation = coordinator.GetMetrics().Isolation;
                    coordinator.Dispose();
                    cleanups.Add(new CleanupTiming("coordinator", sweep.Elapsed.TotalMilliseconds, swept));
                }
                return new SwarmExecution(results, cleanups, isolation);
            }
        }
    }
}
