using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Tests.Benchmarking
{
    public class SwarmBenchmarkTests
    {
        private sealed class SyncProgress : IProgress<BenchmarkProgress>
        {
            public List<BenchmarkProgress> Reports { get; } = new List<BenchmarkProgress>();
            public void Report(BenchmarkProgress value)
            {
                lock (Reports)
                    Reports.Add(value);
            }
        }

        [Fact]
        public async Task Default_run_measures_every_scenario_and_strategy_and_passes_a_fast_reliable_swarm()
        {
            var swarm = new FakeSwarm(latencyMs: 3);
            var progress = new SyncProgress();
            var report = await new SwarmBenchmark(swarm).RunAsync(new BenchmarkOptions(), progress);

            Assert.Equal(new[] { 1, 5, 10 }, swarm.MaxAgentsSeen);
            Assert.Equal(3, report.Scenarios.Count);
            Assert.Equal(410, report.Executions.Count);
            var heavy = report.Scenarios.Single(s => s.Name == "heavy-load");
            Assert.Equal(300, heavy.Executions);
            // One cold start per agent that ran something (a fast queue may drain before every agent starts).
            int agents = report.Executions.Where(e => e.Scenario == "heavy-load").Select(e => e.AgentId).Distinct().Count();
            Assert.InRange(agents, 1, 10);
            Assert.Equal(agents, heavy.SandboxStart.Count);
            Assert.Equal(40, heavy.SandboxStart.P50Ms, 6);
            Assert.Equal(10, heavy.Cleanup.Count);
            Assert.Equal(new[] { "mean-reversion", "momentum", "neural-forecast" }, heavy.Strategies.Select(s => s.Strategy));
            Assert.All(heavy.Strategies, s => Assert.Equal(100, s.Executions));
            Assert.Equal(1.0, heavy.SuccessRate);
            Assert.True(heavy.ThroughputPerSecond > 10, heavy.ThroughputPerSecond.ToString());
            Assert.Equal(12, report.ThresholdResults.Count);
            Assert.True(report.Passed, string.Join("; ", report.ThresholdResults.Where(t => !t.Passed).Select(t => t.Message)));
            Assert.False(report.Incomplete);
            Assert.Equal(12, report.EquityCurves.Count); // 3 strategies x 4 symbols
            Assert.Equal("fake", report.Isolation);
            Assert.Contains(progress.Reports, p => p.Scenario == "heavy-load" && p.Completed == 300 && p.Phase == "Completed");
            Assert.Equal(100, progress.Reports.Max(p => p.PercentComplete));
        }

        [Fact]
        public async Task Failing_strategy_fails_the_thresholds_and_is_named_in_the_recommendations()
        {
            var swarm = new FakeSwarm((r, i) => r.Strategy == "neural-forecast" ? DeploymentStatus.Failed : DeploymentStatus.Succeeded);
            var options = new BenchmarkOptions { Scenarios = new List<BenchmarkScenario> { new BenchmarkScenario("small", 3, 10) } };
            var report = await new SwarmBenchmark(swarm).RunAsync(options);

            var s = Assert.Single(report.Scenarios);
            Assert.Equal(20.0 / 30, s.SuccessRate, 9);
            Assert.Equal(10.0 / 30, s.ErrorRate, 9);
            Assert.False(s.Passed);
            Assert.False(report.Passed);
            Assert.False(s.Thresholds.Single(t => t.Name == "MinSuccessRate").Passed);
            Assert.False(s.Thresholds.Single(t => t.Name == "MaxErrorRate").Passed);
            Assert.True(s.Thresholds.Single(t => t.Name == "MaxLatencyMs").Passed);
            Assert.Equal(0, s.Strategies.Single(x => x.Strategy == "neural-forecast").SuccessRate);
            Assert.Contains(report.Recommendations, r => r.Rule == "LowSuccessRate" && r.Finding.Contains("66.7%"));
            Assert.Contains(report.Recommendations, r => r.Rule == "StrategyLowSuccessRate" && r.Target == "neural-forecast");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public async Task Cancellation_stops_cleanly_and_keeps_what_was_measured(bool executorThrows)
        {
            using var cts = new CancellationTokenSource();
            var swarm = new FakeSwarm(delayMs: 5) { ThrowOnCancel = executorThrows };
            int seen = 0;
            var progress = new SyncProgress();
            var report = await new SwarmBenchmark(swarm).RunAsync(new BenchmarkOptions(), new CancelAfter(cts, () => ++seen >= 40), cts.Token);

            Assert.True(report.Incomplete);
            Assert.False(report.Passed);
            Assert.Contains("heavy-load", report.NotRun);
            var medium = report.Scenarios.Single(s => s.Name == "medium-load");
            Assert.True(medium.Incomplete);
            Assert.False(medium.Passed);
            Assert.True(medium.Succeeded > 0);
            Assert.True(medium.Succeeded < 100);
            Assert.False(report.Scenarios.Single(s => s.Name == "light-load").Incomplete);
            Assert.Equal(2, swarm.Calls);
            // Measured executions are kept; rates leave out the cancelled ones.
            Assert.Equal(medium.Succeeded, report.Executions.Count(e => e.Scenario == "medium-load" && e.Status == DeploymentStatus.Succeeded));
            Assert.Equal(1.0, medium.SuccessRate);
        }

        [Fact]
        public async Task Progress_reports_settled_counts_per_scenario()
        {
            var progress = new SyncProgress();
            var options = new BenchmarkOptions { Scenarios = new List<BenchmarkScenario> { new BenchmarkScenario("a", 2, 3), new BenchmarkScenario("b", 1, 2) } };
            await new SwarmBenchmark(new FakeSwarm()).RunAsync(options, progress);
            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6 }, progress.Reports.Where(p => p.Scenario == "a" && p.Phase == "Running").Select(p => p.Completed).OrderBy(x => x));
            Assert.Contains(progress.Reports, p => p.Scenario == "b" && p.ScenarioNumber == 2 && p.ScenarioCount == 2 && p.Phase == "Starting");
            Assert.Contains("b (2/2)", progress.Reports.Last().StatusDescription);
        }

        [Fact]
        public async Task Delegate_executor_and_scenario_overrides()
        {
            var seen = new List<DeploymentRequest>();
            var executor = SwarmExecutor.FromDelegate((requests, agents, onResult, ct) =>
            {
                var results = requests.Select((r, i) =>
                {
                    lock (seen) seen.Add(r);
                    var res = Fakes.Result(r.Strategy, DeploymentStatus.Succeeded, 1, "agent-" + (i % agents + 1), r.Symbol!, i);
                    onResult?.Invoke(res);
                    return res;
                }).ToList();
                return Task.FromResult<IReadOnlyList<DeploymentResult>>(results);
            });
            var options = new BenchmarkOptions
            {
                Scenarios = new List<BenchmarkScenario> { new BenchmarkScenario("custom", 2, 2) { Strategies = new[] { "mine" }, Symbols = new[] { "TSLA" } } },
            };
            var report = await new SwarmBenchmark(executor).RunAsync(options);
            Assert.Equal(4, seen.Count);
            Assert.All(seen, r => Assert.Equal(("mine", "TSLA"), (r.Strategy, r.Symbol)));
            Assert.Empty(report.Scenarios[0].CleanupTimings);
            Assert.Equal(new[] { "mine" }, report.Scenarios[0].StrategyNames);
        }

        private sealed class CancelAfter : IProgress<BenchmarkProgress>
        {
            private readonly CancellationTokenSource _cts;
            private readonly Func<bool> _when;
            public CancelAfter(CancellationTokenSource cts, Func<bool> when) { _cts = cts; _when = when; }
            public void Report(BenchmarkProgress value)
            {
                if (value.Phase == "Running" && _when())
                    _cts.Cancel();
            }
        }
    }
}
