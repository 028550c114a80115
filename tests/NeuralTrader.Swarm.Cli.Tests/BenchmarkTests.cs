using System.IO;
using System.Linq;
using System.Text.Json;

namespace NeuralTrader.Swarm.Cli.Tests
{
    public sealed class BenchmarkTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public BenchmarkTests(TempFolder temp) => _temp = temp;

        private static string[] Light(string store, string output, params string[] more) => new[]
        {
            "benchmark", "-s", "light-load", "--strategies", "momentum", "--symbols", "SPY", "--isolation", "process",
            "--store", store, "-o", output,
        }.Concat(more).ToArray();

        [Fact]
        public void Benchmark_WritesTheReportFiles_AndExitsZeroWhenEveryThresholdPasses()
        {
            var output = _temp.File("pass");
            // Limits every run meets, so the exit code does not depend on this machine's speed.
            var r = CliRunner.Run(Light(_temp.File("bench.db"), output,
                "--max-latency", "3600000", "--min-throughput", "0", "--max-error-rate", "1", "--min-success-rate", "0"));
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("light-load", r.Stdout);
            Assert.Contains("All thresholds passed.", r.Stdout);
            Assert.Contains("10/10 settled", r.Stderr);

            var files = Directory.GetFiles(output).Select(Path.GetFileName).ToList();
            Assert.Contains(files, f => f!.StartsWith("benchmark-") && f.EndsWith(".json"));
            Assert.Contains(files, f => f!.StartsWith("benchmark-") && f.EndsWith(".txt"));
            Assert.Contains(files, f => f!.StartsWith("benchmark-") && f.EndsWith(".html"));
            Assert.Contains(files, f => f!.StartsWith("coordinator-") && f.EndsWith(".txt"));
            var csv = Directory.GetFiles(output, "benchmark-*.csv").Single();
            Assert.Equal(1 + 10, File.ReadAllLines(csv).Count(l => l.Length > 0));
            using var report = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(output, "benchmark-*.json").Single()));
            Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
            Assert.Equal(10, report.RootElement.GetProperty("executions").GetArrayLength());
        }

        [Fact]
        public void Benchmark_ExitsOne_WhenAThresholdFails_AndSaysWhich()
        {
            // No deployment finishes in a microsecond: the latency threshold fails whatever the machine.
            var r = CliRunner.Run(Light(_temp.File("bench-fail.db"), _temp.File("fail"), "--max-latency", "0.001", "--json"));
            Assert.True(r.ExitCode == 1, r.ToString());
            using var document = JsonDocument.Parse(r.Stdout);
            var report = document.RootElement.GetProperty("report");
            Assert.False(report.GetProperty("passed").GetBoolean());
            Assert.Contains(report.GetProperty("thresholdResults").EnumerateArray(),
                t => t.GetProperty("name").GetString() == "MaxLatencyMs" && !t.GetProperty("passed").GetBoolean());
            Assert.True(File.Exists(document.RootElement.GetProperty("files").GetProperty("html").GetString()));
        }

        [Fact]
        public void Benchmark_AdvisesInTheCliSpelling_WithTheRunsOwnLimits()
        {
            // Limits no run meets: latency and throughput findings fire, judged by these limits, not the defaults.
            var r = CliRunner.Run(Light(_temp.File("bench-advice.db"), _temp.File("advice"), "--max-latency", "0.001", "--min-throughput", "100000"));
            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("Recommendations:", r.Stdout);
            Assert.Contains("is above 0 ms", r.Stdout);
            Assert.Contains("--max-agents", r.Stdout);
            Assert.Contains("The scenario runs 1 agent(s) by design", r.Stdout);
            foreach (var powershell in new[] { "Start-Swarm", "Set-SwarmConfiguration", " -MaxAgents", " -CpuLimit", " -MemoryLimit", " -RetryCount", "Get-SwarmPattern" })
                Assert.DoesNotContain(powershell, r.Stdout);
        }

        [Fact]
        public void Benchmark_RunsCustomScenariosAndThresholdsFromAFile()
        {
            var file = _temp.File("scenarios.json");
            File.WriteAllText(file, "{ \"scenarios\": [{ \"name\": \"burst-load\", \"agents\": 2, \"iterations\": 2, \"strategies\": [\"momentum\"], \"symbols\": [\"QQQ\"] }]," +
                " \"thresholds\": { \"maxLatency\": 3600000, \"minThroughput\": 0, \"maxErrorRate\": 1, \"minSuccessRate\": 0 } }");
            var store = _temp.File("bench-file.db");
            var r = CliRunner.Run("benchmark", "--scenarios", file, "--isolation", "process", "--store", store, "-o", _temp.File("file-out"), "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using (var document = JsonDocument.Parse(r.Stdout))
            {
                var report = document.RootElement.GetProperty("report");
                var scenario = Assert.Single(report.GetProperty("scenarios").EnumerateArray());
                Assert.Equal("burst-load", scenario.GetProperty("name").GetString());
                Assert.Equal(4, report.GetProperty("summary").GetProperty("totalExecutions").GetInt32());
                Assert.Equal(3600000, report.GetProperty("thresholds").GetProperty("maxLatencyMs").GetDouble());
            }

            // An option given on the command line wins over the file.
            var strict = CliRunner.Run("benchmark", "--scenarios", file, "--max-latency", "0.001", "--isolation", "process", "--store", store, "-o", _temp.File("file-strict"));
            Assert.Equal(1, strict.ExitCode);

            File.WriteAllText(file, "[{ \"name\": \"broken\", \"agents\": 0, \"iterations\": 1 }]");
            var bad = CliRunner.Run("benchmark", "--scenarios", file, "--isolation", "process", "--store", store);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("Scenario 'broken': Agents 0 must be between 1 and 1000", bad.Stderr);
        }

        [Fact]
        public void Benchmark_UnknownStrategyOrSymbol_IsAUsageError_BeforeAnythingRuns()
        {
            var strategy = CliRunner.Run("benchmark", "-s", "light-load", "--strategies", "momentum,bogus", "--isolation", "process",
                "--store", _temp.File("y.db"), "-o", _temp.File("none"));
            Assert.Equal(2, strategy.ExitCode);
            Assert.Contains("Unknown strategy 'bogus'", strategy.Stderr);

            var symbol = CliRunner.Run("benchmark", "-s", "light-load", "--symbols", "SPY,NOPE", "--isolation", "process",
                "--store", _temp.File("y.db"), "-o", _temp.File("none"));
            Assert.Equal(2, symbol.ExitCode);
            Assert.Contains("'NOPE'", symbol.Stderr);
            Assert.DoesNotContain("settled", symbol.Stderr);
            Assert.False(Directory.Exists(_temp.File("none")));
        }

        [Fact]
        public void Benchmark_UnknownScenario_IsAUsageError()
        {
            var r = CliRunner.Run("benchmark", "-s", "light-load,extreme-load", "--isolation", "process", "--store", _temp.File("x.db"), "-o", _temp.File("none"));
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("extreme-load", r.Stderr);
            Assert.False(Directory.Exists(_temp.File("none")));
        }
    }
}
