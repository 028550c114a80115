using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Tests.Store;

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>
    /// One learning store on PostgreSQL shared by several hosts: each host is a CLI process of its own (as a scheduled
    /// deploy on another machine would be), all writing to one real database at once.
    /// </summary>
    public sealed class SharedStoreTests : IClassFixture<PostgresCluster>
    {
        private readonly PostgresCluster _cluster;

        public SharedStoreTests(PostgresCluster cluster) => _cluster = cluster;

        [Fact]
        public async Task ConcurrentHosts_RecordIntoOneChain_AndEachLearnsFromAll()
        {
            var store = _cluster.NewDatabase();
            var key = CliRunner.NewKey();
            var hosts = new[] { "SPY", "QQQ", "IWM" }.Select(symbol => Task.Run(() =>
                CliRunner.Run(CliRunner.WithKey(key), "deploy", "-s", "momentum", "-a", "3", "--symbols", symbol, "--isolation", "process", "--store", store, "--encryption-key", "--json")));
            var results = await Task.WhenAll(hosts);
            foreach (var result in results)
                Assert.True(result.ExitCode == 0, result.ToString());

            var status = CliRunner.Run(CliRunner.WithKey(key), "status", "--store", store, "--learning", "--json");
            Assert.True(status.ExitCode == 0, status.ToString());
            using var document = JsonDocument.Parse(status.Stdout);
            var root = document.RootElement;
            Assert.Equal(9, root.GetProperty("trajectories").GetInt64());
            Assert.True(root.GetProperty("chainValid").GetBoolean(), status.Stdout);
            Assert.True(root.GetProperty("encrypted").GetBoolean());
            Assert.StartsWith("postgresql://", root.GetProperty("storePath").GetString());
            Assert.Equal(9, root.GetProperty("learning").GetProperty("totalTrajectories").GetInt64());

            // A fourth host's suggestion for QQQ learns from the runs the QQQ host recorded.
            var suggestion = CliRunner.Run(CliRunner.WithKey(key), "patterns", "-t", "momentum on QQQ", "--store", store, "--json");
            Assert.True(suggestion.ExitCode == 0, suggestion.ToString());
            using var advice = JsonDocument.Parse(suggestion.Stdout);
            Assert.Equal(3, advice.RootElement.GetProperty("suggestion").GetProperty("observations").GetInt32());
        }
    }
}
