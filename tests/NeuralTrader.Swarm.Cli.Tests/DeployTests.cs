using System.Linq;
using System.Text.Json;

namespace NeuralTrader.Swarm.Cli.Tests
{
    public sealed class DeployTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public DeployTests(TempFolder temp) => _temp = temp;

        [Fact]
        public void Deploy_PrintsTheTable_AndJsonParses()
        {
            var store = _temp.File("deploy.db");
            var table = CliRunner.Run("deploy", "-s", "momentum", "-a", "2", "--symbols", "SPY,QQQ", "--isolation", "process", "--store", store);
            Assert.True(table.ExitCode == 0, table.ToString());
            Assert.Contains("Strategy", table.Stdout);
            Assert.Contains("QQQ", table.Stdout);
            Assert.Contains("2 deployments: 2 succeeded", table.Stdout);
            Assert.Contains("[2/2]", table.Stderr);

            var json = CliRunner.Run("deploy", "-s", "mean-reversion", "--symbols", "IWM", "--isolation", "process", "--store", store, "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            using var document = JsonDocument.Parse(json.Stdout);
            var result = Assert.Single(document.RootElement.EnumerateArray());
            Assert.Equal("mean-reversion", result.GetProperty("strategy").GetString());
            Assert.Equal("IWM", result.GetProperty("symbol").GetString());
            Assert.Equal("Succeeded", result.GetProperty("status").GetString());
            Assert.True(result.GetProperty("totalReturn").ValueKind == JsonValueKind.Number);
        }

        [Fact]
        public void Deploy_OutOfRangeParameter_IsAUsageError_NamingIt()
        {
            var r = CliRunner.Run("deploy", "-s", "momentum", "-p", "{\"lookback\":-3}", "--isolation", "process", "--store", _temp.File("bad.db"));
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains("deploy-swarm: ", r.Stderr);
            Assert.Contains("lookback", r.Stderr);
        }

        [Fact]
        public void Deploy_MalformedParams_IsAUsageError()
        {
            var r = CliRunner.Run("deploy", "-s", "momentum", "-p", "{lookback", "--isolation", "process", "--store", _temp.File("bad.db"));
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.StartsWith("deploy-swarm: --params is not valid JSON", r.Stderr);
            Assert.Equal("", r.Stdout);
        }

        [Fact]
        public void MissingOptions_AndUnknownCommands_ExitWithTwo()
        {
            var missing = CliRunner.Run("deploy");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains("deploy-swarm: Option '--strategy' is required.", missing.Stderr);

            var unknown = CliRunner.Run("frobnicate");
            Assert.Equal(2, unknown.ExitCode);
            Assert.StartsWith("deploy-swarm: ", unknown.Stderr);
        }

        [Fact]
        public void Help_ListsEveryCommand()
        {
            var r = CliRunner.Run("--help");
            Assert.Equal(0, r.ExitCode);
            foreach (var command in new[] { "deploy", "benchmark", "status", "patterns", "export", "import" })
                Assert.Contains(command, r.Stdout);
        }
    }
}
