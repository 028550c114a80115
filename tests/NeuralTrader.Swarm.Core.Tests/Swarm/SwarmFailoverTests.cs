using System;
using System.Collections.Concurrent;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// A cluster of its own, since the test kills a node: run alone, after the parallel collections, so two clusters
    /// never share the two cores.
    /// </summary>
    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SwarmFailoverCollection : ICollectionFixture<SwarmClusterFixture>
    {
        public const string Name = "SwarmFailover";
    }

    /// <summary>Node 2's engine is killed mid-swarm: its deployments are redeployed on node 1, none lost, none recorded twice.</summary>
    [Collection(SwarmFailoverCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class SwarmFailoverTests
    {
        private readonly SwarmClusterFixture _cluster;

        public SwarmFailoverTests(SwarmClusterFixture cluster)
        {
            _cluster = cluster;
        }

        [SwarmClusterFact]
        public async Task Killing_a_nodes_engine_mid_swarm_redeploys_its_work_on_the_other_node()
        {
            _cluster.RequireCluster();
            var dir = Path.Combine(Path.GetTempPath(), "nts-swarm-failover-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                var options = _cluster.CoordinatorOptions(Path.Combine(dir, "swarm.db"), TimeSpan.FromSeconds(120));
                options.Resilience.RetryCount = 4;
                options.Resilience.RetryDelay = TimeSpan.FromMilliseconds(500);
                string runId;
                var streamed = new ConcurrentBag<DeploymentResult>();
                System.Collections.Generic.IReadOnlyList<DeploymentResult> results;
                using (var coordinator = new SwarmCoordinator(options))
                {
                    runId = coordinator.Id;
                    var symbols = new[] { "SPY", "QQQ", "IWM", "TSLA" };
                    coordinator.RegisterStrategy("momentum-failover", "momentum", symbols);
                    var requests = Enumerable.Range(0, 8).Select(i => new DeploymentRequest("momentum-failover", symbols[i % 4])
                    {
                        // Long enough that node 2's deployments are still running when its engine dies.
                        Options = new RunOptions { DelayMs = 4000, IncludeTrades = false },
                    }).ToList();
                    var swarm = coordinator.DeploySwarmAsync(requests, streamed.Add);

                    while (!coordinator.GetSandboxes().Any(s => s.Node == SwarmClusterFixture.Node2Address && s.State == "Busy"))
                    {
                        Assert.False(swarm.IsCompleted, "the swarm finished before any deployment ran on node 2");
                        await Task.Delay(50);
                    }
                    _cluster.KillNode2Engine();
                    results = await swarm;
                    await coordinator.CleanupAsync();
                }

                Assert.Equal(8, results.Count);
                Assert.Equal(8, streamed.Count);
                Assert.All(results, r => Assert.True(r.Success, r.Strategy + " on " + r.Symbol + ": " + r.ErrorId + " " + r.Error));
                Assert.Contains(results, r => r.Attempts > 1);
                // Nothing recorded twice: one trajectory per deployment, the failed attempts not among them.
                Assert.Equal(8, results.Select(r => r.TrajectoryId).Where(id => !string.IsNullOrEmpty(id)).Distinct().Count());
                Assert.Empty(await _cluster.ServicesOfRunAsync(runId));
                Assert.Empty(await _cluster.NetworksOfRunAsync(runId));
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }
    }
}
