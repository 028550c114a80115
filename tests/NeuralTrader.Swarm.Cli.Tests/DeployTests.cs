using System.Linq;
using System.Text.Json;

namespace NeuralTrader.Swarm.Cli.Tests
{
    public sealed class DeployTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public DeployTests(TempFolder temp) => _temp = temp;

        [Theory]
        [InlineData("--cpu-limit", "0.0000000001", "CpuLimit 1E-10 is invalid")]
        [InlineData("--cpu-limit", "Infinity", "CpuLimit Infinity is invalid")]
        [InlineData("--memory-limit", "99999999", "MemoryLimitMb 99999999 is invalid")]
        public void Deploy_RefusesLimitsOutOfRange_BeforeAnythingRuns(string option, string value, string message)
        {
            var store = _temp.File("limits-" + option.TrimStart('-') + value.Length + ".db");
            var r = CliRunner.Run("deploy", "-s", "momentum", "--symbols", "SPY", "--isolation", "process", "--store", store, option, value);
            Assert.True(r.ExitCode == 2, r.ToString());
            Assert.Contains(message, r.Stderr);
            Assert.False(System.IO.File.Exists(store), "nothing may be recorded for input that never ran");
        }

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
        public void Deploy_OfARegisteredName_CoversItsSymbols_UnlessSymbolsAreGiven()
        {
            var store = _temp.File("registered.db");
            var registered = CliRunner.Run("register", "-n", "trio", "--type", "momentum", "--symbols", "SPY,QQQ,IWM", "-p", "{\"lookback\":30}", "--store", store);
            Assert.True(registered.ExitCode == 0, registered.ToString());
            Assert.Contains("registered trio (momentum) on SPY, QQQ, IWM", registered.Stdout);

            var all = CliRunner.Run("deploy", "-s", "trio", "--isolation", "process", "--store", store, "--json");
            Assert.True(all.ExitCode == 0, all.ToString());
            using (var document = JsonDocument.Parse(all.Stdout))
            {
                var results = document.RootElement.EnumerateArray().ToList();
                Assert.Equal(new[] { "SPY", "QQQ", "IWM" }, results.Select(r => r.GetProperty("symbol").GetString()));
                Assert.All(results, r => Assert.Equal(30, r.GetProperty("parameters").GetProperty("lookback").GetInt32()));
            }

            var one = CliRunner.Run("deploy", "-s", "trio", "--symbols", "TSLA", "--isolation", "process", "--store", store, "--json");
            Assert.True(one.ExitCode == 0, one.ToString());
            using (var document = JsonDocument.Parse(one.Stdout))
                Assert.Equal("TSLA", Assert.Single(document.RootElement.EnumerateArray()).GetProperty("symbol").GetString());

            var removed = CliRunner.Run("unregister", "-n", "trio", "--store", store);
            Assert.True(removed.ExitCode == 0, removed.ToString());
            var gone = CliRunner.Run("unregister", "-n", "trio", "--store", store);
            Assert.Equal(2, gone.ExitCode);
            Assert.Contains("No strategy named 'trio'", gone.Stderr);
        }

        [Fact]
        public void Optimize_PrintsTrials_AndTheChoiceInAndOutOfSample()
        {
            var store = _temp.File("optimize.db");
            var json = CliRunner.Run("optimize", "-s", "momentum", "--symbol", "IWM", "-n", "5", "--parallel", "2", "--validation-split", "0.3",
                "--seed", "4", "--isolation", "process", "--store", store, "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            Assert.Contains("[5/5]", json.Stderr);
            using var document = JsonDocument.Parse(json.Stdout);
            var root = document.RootElement;
            Assert.Equal("IWM", root.GetProperty("symbol").GetString());
            Assert.Equal("split 0.3", root.GetProperty("validation").GetString());
            Assert.Equal(4, root.GetProperty("seed").GetInt32());
            Assert.Equal(5, root.GetProperty("trials").GetArrayLength());
            Assert.Equal(780, root.GetProperty("outOfSample").GetProperty("bars").GetInt32());
            Assert.True(root.GetProperty("parameters").TryGetProperty("lookback", out _));

            var table = CliRunner.Run("optimize", "-s", "momentum", "-n", "3", "--walk-forward", "2", "--isolation", "process", "--store", store);
            Assert.True(table.ExitCode == 0, table.ToString());
            Assert.Contains("validation walk-forward 2 anchored", table.Stdout);
            Assert.Contains("B&H annualised", table.Stdout);
            Assert.Contains("Fold 2:", table.Stdout);

            var both = CliRunner.Run("optimize", "-s", "momentum", "--validation-split", "0.3", "--walk-forward", "2", "--isolation", "process", "--store", store);
            Assert.Equal(2, both.ExitCode);
            Assert.Contains("either --validation-split or --walk-forward", both.Stderr);
        }

        [Fact]
        public void Deploy_TakesTheOriginalDesignsSymbolsInParams_AndAMixedSwarmFromAFile()
        {
            var store = _temp.File("guide.db");
            // The guide's first example: the symbols ride in the parameters.
            var first = CliRunner.Run("deploy", "-s", "momentum", "-a", "3", "-p", "{\"symbols\":[\"SPY\",\"QQQ\",\"IWM\"],\"lookback\":20}",
                "--isolation", "process", "--store", store, "--json");
            Assert.True(first.ExitCode == 0, first.ToString());
            using (var document = JsonDocument.Parse(first.Stdout))
            {
                var results = document.RootElement.EnumerateArray().ToList();
                Assert.Equal(new[] { "IWM", "QQQ", "SPY" }, results.Select(r => r.GetProperty("symbol").GetString()).OrderBy(s => s));
                Assert.All(results, r => Assert.False(r.GetProperty("parameters").TryGetProperty("symbols", out _)));
            }

            var twice = CliRunner.Run("deploy", "-s", "momentum", "--symbols", "SPY", "-p", "{\"symbols\":[\"QQQ\"]}", "--isolation", "process", "--store", store);
            Assert.Equal(2, twice.ExitCode);
            Assert.Contains("symbols are given twice", twice.Stderr);

            var file = _temp.File("swarm.json");
            System.IO.File.WriteAllText(file, "[{ \"strategyName\": \"momentum\", \"params\": { \"lookback\": 15, \"symbols\": [\"SPY\", \"TSLA\"] } }," +
                " { \"strategy\": \"mean-reversion\", \"symbol\": \"IWM\", \"parameters\": { \"entryZ\": 1.5 }, \"task\": \"dip buying\" }]");
            var mixed = CliRunner.Run("deploy", "--from", file, "--isolation", "process", "--store", store, "--json");
            Assert.True(mixed.ExitCode == 0, mixed.ToString());
            using (var document = JsonDocument.Parse(mixed.Stdout))
            {
                var runs = document.RootElement.EnumerateArray().Select(r => r.GetProperty("strategy").GetString() + "/" + r.GetProperty("symbol").GetString()).OrderBy(s => s);
                Assert.Equal(new[] { "mean-reversion/IWM", "momentum/SPY", "momentum/TSLA" }, runs);
            }

            System.IO.File.WriteAllText(file, "[{ \"params\": {} }]");
            var nameless = CliRunner.Run("deploy", "--from", file, "--isolation", "process", "--store", store);
            Assert.Equal(2, nameless.ExitCode);
            Assert.Contains("deployment 1 in", nameless.Stderr);
            Assert.Contains("names no strategy", nameless.Stderr);
        }

        [Fact]
        public void TheGuidesIntradayExample_RegisterWithInterval1min_ThenDeploy()
        {
            // Minute bars by the rule of Scripts/Guide.Tests.ps1 (no licensed intraday sample can be bundled).
            var data = System.IO.Directory.CreateDirectory(_temp.File("minute")).FullName;
            var csv = new System.Text.StringBuilder("Datetime,Open,High,Low,Close,Volume\n");
            double close = 100;
            int k = 0;
            foreach (var day in new[] { new System.DateTime(2025, 1, 6), new System.DateTime(2025, 1, 7), new System.DateTime(2025, 1, 8) })
            {
                for (int b = 0; b < 390; b++)
                {
                    double open = close;
                    close = open * (1 + 0.001 * System.Math.Sin(k++ / 9.0));
                    csv.Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0:yyyy-MM-dd HH:mm:ss}-05:00,{1:R},{2:R},{3:R},{4:R},1000\n",
                        day.AddMinutes(570 + b), open, System.Math.Max(open, close) * 1.0005, System.Math.Min(open, close) * 0.9995, close));
                }
            }

            System.IO.File.WriteAllText(System.IO.Path.Combine(data, "SPY.1min.csv"), csv.ToString());
            var store = _temp.File("intraday.db");

            var registered = CliRunner.Run("register", "-n", "scalper", "--type", "momentum", "--symbols", "SPY", "-p", "{\"interval\":\"1min\",\"lookback\":30}", "--data", data, "--store", store);
            Assert.True(registered.ExitCode == 0, registered.ToString());
            var r = CliRunner.Run("deploy", "-s", "scalper", "--data", data, "--store", store, "--isolation", "process", "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var document = JsonDocument.Parse(r.Stdout);
            var metrics = Assert.Single(document.RootElement.EnumerateArray()).GetProperty("backtest").GetProperty("metrics");
            Assert.Equal("1min", metrics.GetProperty("interval").GetString());
            Assert.Equal(1170, metrics.GetProperty("bars").GetInt32());
            Assert.Equal(252 * 390, metrics.GetProperty("barsPerYear").GetDouble());
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
            Assert.Contains("deploy-swarm: deploy needs either --strategy or --from <deployments.json>.", missing.Stderr);

            var unknown = CliRunner.Run("frobnicate");
            Assert.Equal(2, unknown.ExitCode);
            Assert.StartsWith("deploy-swarm: ", unknown.Stderr);
        }

        [Fact]
        public void Help_ListsEveryCommand()
        {
            var r = CliRunner.Run("--help");
            Assert.Equal(0, r.ExitCode);
            foreach (var command in new[] { "deploy", "register", "unregister", "optimize", "benchmark", "status", "patterns", "export", "import" })
                Assert.Contains(command, r.Stdout);
        }
    }
}
