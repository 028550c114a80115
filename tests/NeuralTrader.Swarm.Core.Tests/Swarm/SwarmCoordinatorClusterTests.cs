using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// A whole swarm through the coordinator with Isolation Swarm, the provider made by the factory from the options
    /// a user gives (manager endpoint, node endpoints, registry): placed on both nodes, results streamed and recorded.
    /// The busybox probe runner stands in for the built-in runner (which needs a Native AOT publish): it answers every
    /// run with the same fixed backtest, so what is recorded is known exactly.
    /// </summary>
    [Collection(SwarmClusterCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class SwarmCoordinatorClusterTests
    {
        private readonly SwarmClusterFixture _cluster;

        public SwarmCoordinatorClusterTests(SwarmClusterFixture cluster)
        {
            _cluster = cluster;
        }

        [SwarmClusterFact]
        public async Task A_swarm_runs_on_both_nodes_streams_every_result_records_each_once_and_leaves_no_service()
        {
            _cluster.RequireCluster();
            var dir = Path.Combine(Path.GetTempPath(), "nts-swarm-e2e-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                var options = _cluster.CoordinatorOptions(Path.Combine(dir, "swarm.db"), TimeSpan.FromSeconds(60));
                string runId;
                var streamed = new ConcurrentBag<DeploymentResult>();
                var nodes = new ConcurrentDictionary<string, byte>();
                IReadOnlyList<DeploymentResult> results;
                using (var coordinator = new SwarmCoordinator(options))
                {
                    runId = coordinator.Id;
                    coordinator.RegisterStrategy("momentum-cluster", "momentum", new[] { "SPY", "QQQ", "IWM", "TSLA" });
                    var requests = Enumerable.Range(0, 8).Select(i => new DeploymentRequest("momentum-cluster", new[] { "SPY", "QQQ", "IWM", "TSLA" }[i % 4])).ToList();
                    results = await coordinator.DeploySwarmAsync(requests, r =>
                    {
                        streamed.Add(r);
                        foreach (var sandbox in coordinator.GetSandboxes())
                            nodes[sandbox.Node] = 0;
                    });
                    Assert.Equal("swarm", coordinator.GetMetrics().Isolation);
                    await coordinator.CleanupAsync();
                }

                Assert.Equal(8, results.Count);
                Assert.Equal(8, streamed.Count);
                Assert.All(results, r => Assert.True(r.Success, r.Strategy + " on " + r.Symbol + ": " + r.ErrorId + " " + r.Error));
                Assert.All(results, r => Assert.Equal(0.01, r.Backtest!.Metrics.TotalReturn, 9));
                Assert.Contains(SwarmClusterFixture.Node1Address, nodes.Keys);
                Assert.Contains(SwarmClusterFixture.Node2Address, nodes.Keys);
                // Recorded once each, as with Docker isolation: one trajectory per deployment.
                Assert.All(results, r => Assert.False(string.IsNullOrEmpty(r.TrajectoryId)));
                Assert.Equal(8, results.Select(r => r.TrajectoryId).Distinct().Count());
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
