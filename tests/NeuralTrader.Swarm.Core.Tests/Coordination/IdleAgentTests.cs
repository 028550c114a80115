using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm.Tests.Coordination
{
    /// <summary>SandboxIdleTimeout: agents keep their sandbox (real runner processes) between swarms, then let it go.</summary>
    public sealed class IdleAgentTests
    {
        private static SwarmOptions Options(TimeSpan idle) => new SwarmOptions
        {
            Isolation = IsolationMode.Process,
            MaxAgents = 2,
            LearningEnabled = false,
            SandboxIdleTimeout = idle,
        };

        private static List<DeploymentRequest> Swarm(int n) =>
            Enumerable.Range(0, n).Select(i => new DeploymentRequest("momentum", "SPY", new Dictionary<string, object?> { ["lookback"] = 10 + i })).ToList();

        [Fact]
        public async Task Agents_stay_warm_by_default_and_zero_restores_stopping_at_the_end_of_each_swarm()
        {
            Assert.Equal(SwarmOptions.DefaultSandboxIdleTimeout, new SwarmOptions().SandboxIdleTimeout);
            using (var warm = new SwarmCoordinator(new SwarmOptions { Isolation = IsolationMode.Process, MaxAgents = 2, LearningEnabled = false }))
            {
                await warm.DeploySwarmAsync(Swarm(2));
                Assert.NotEmpty(warm.GetSandboxes());
                Assert.All(warm.GetSandboxes(), s => Assert.Equal("Idle", s.State));
            }
            using var cold = new SwarmCoordinator(Options(TimeSpan.Zero));
            await cold.DeploySwarmAsync(Swarm(2));
            Assert.Empty(cold.GetSandboxes());
        }

        [Fact]
        public async Task The_next_swarm_reuses_the_warm_sandboxes()
        {
            using var coordinator = new SwarmCoordinator(Options(TimeSpan.FromMinutes(10)));

            var first = await coordinator.DeploySwarmAsync(Swarm(4));
            var warm = coordinator.GetSandboxes().Select(s => s.Id).ToList();
            var second = await coordinator.DeploySwarmAsync(Swarm(4));

            Assert.All(first.Concat(second), r => Assert.True(r.Success, r.Error));
            Assert.Equal(2, warm.Count);
            Assert.All(coordinator.GetSandboxes(), s => Assert.Equal("Idle", s.State));
            Assert.Equal(warm.OrderBy(i => i), second.Select(r => r.SandboxId).Distinct().OrderBy(i => i));
            Assert.Equal(2, await coordinator.CleanupAsync());
            Assert.Empty(coordinator.GetSandboxes());
        }

        [Fact]
        public async Task Idle_sandboxes_stop_once_the_timeout_passes()
        {
            using var coordinator = new SwarmCoordinator(Options(TimeSpan.FromMilliseconds(300)));

            await coordinator.DeploySwarmAsync(Swarm(2));
            Assert.NotEmpty(coordinator.GetSandboxes());

            var wait = Stopwatch.StartNew();
            while (coordinator.GetSandboxes().Count > 0 && wait.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(50);
            Assert.Empty(coordinator.GetSandboxes());
            // A swarm after the expiry starts fresh sandboxes and still works.
            Assert.All(await coordinator.DeploySwarmAsync(Swarm(2)), r => Assert.True(r.Success, r.Error));
        }

        [Fact]
        public async Task Disposing_the_coordinator_stops_its_idle_sandboxes()
        {
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(), "idle-test");
            var coordinator = new SwarmCoordinator(Options(TimeSpan.FromMinutes(10)), provider);
            await coordinator.DeploySwarmAsync(Swarm(2));
            var pids = provider.ListSandboxes().Select(s => int.Parse(s.Id.Substring("proc-".Length))).ToList();
            Assert.NotEmpty(pids);

            coordinator.Dispose();

            Assert.Empty(provider.ListSandboxes());
            Assert.All(pids, pid => Assert.True(HasExited(pid), $"runner process {pid} still runs"));
        }

        [Fact]
        public async Task A_cancelled_swarm_keeps_no_agents()
        {
            using var coordinator = new SwarmCoordinator(Options(TimeSpan.FromMinutes(10)));
            using var cts = new System.Threading.CancellationTokenSource();
            var requests = Swarm(2).Select(r => new DeploymentRequest(r.Strategy, r.Symbol, r.Parameters) { Options = new NeuralTrader.Swarm.Protocol.RunOptions { DelayMs = 30000 } }).ToList();

            var running = coordinator.DeploySwarmAsync(requests, cancellationToken: cts.Token);
            var wait = Stopwatch.StartNew();
            while (coordinator.GetSandboxes().Count(s => s.State == "Busy") < 2 && wait.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(20);
            cts.Cancel();
            var results = await running;

            Assert.All(results, r => Assert.Equal(DeploymentStatus.Cancelled, r.Status));
            Assert.Empty(coordinator.GetSandboxes());
        }

        private static bool HasExited(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return process.WaitForExit(10000);
            }
            catch (ArgumentException)
            {
                return true; // no such process any more
            }
        }
    }
}
