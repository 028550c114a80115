using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Tests.Benchmarking
{
    public class StatisticsTests
    {
        [Theory]
        // 1..10: h = 9p + 1. p50 -> h 5.5 -> 5 + 0.5*(6-5) = 5.5; p95 -> h 9.55 -> 9.55; p99 -> h 9.91 -> 9.91.
        [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.50, 5.5)]
        [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.95, 9.55)]
        [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.99, 9.91)]
        // 15,20,35,40,50: h = 4p + 1. p40 -> h 2.6 -> 20 + 0.6*(35-20) = 29; p95 -> h 4.8 -> 40 + 0.8*10 = 48.
        [InlineData(new double[] { 15, 20, 35, 40, 50 }, 0.40, 29)]
        [InlineData(new double[] { 15, 20, 35, 40, 50 }, 0.95, 48)]
        [InlineData(new double[] { 15, 20, 35, 40, 50 }, 0.50, 35)]
        [InlineData(new double[] { 15, 20, 35, 40, 50 }, 0.00, 15)]
        [InlineData(new double[] { 15, 20, 35, 40, 50 }, 1.00, 50)]
        // 100 values 1..100: p99 -> h = 99*0.99 + 1 = 99.01 -> 99 + 0.01 = 99.01.
        [InlineData(null, 0.99, 99.01)]
        [InlineData(new double[] { 7 }, 0.99, 7)]
        public void Percentile_is_R7_linear_interpolation_between_closest_ranks(double[]? sorted, double p, double expected)
        {
            sorted = sorted ?? Enumerable.Range(1, 100).Select(i => (double)i).ToArray();
            Assert.Equal(expected, LatencyStatistics.Percentile(sorted, p), 9);
        }

        [Fact]
        public void From_sorts_ignores_non_finite_and_summarises()
        {
            var s = LatencyStatistics.From(new[] { 50, 15, double.NaN, 40, 20, 35, double.PositiveInfinity });
            Assert.Equal(5, s.Count);
            Assert.Equal(32, s.AverageMs, 9);
            Assert.Equal(15, s.MinMs);
            Assert.Equal(50, s.MaxMs);
            Assert.Equal(35, s.P50Ms, 9);
            Assert.Equal(48, s.P95Ms, 9);
            Assert.Equal(49.6, s.P99Ms, 9); // h = 4*0.99 + 1 = 4.96 -> 40 + 0.96*10
        }

        [Fact]
        public void Empty_set_is_all_zero_and_percentile_of_nothing_throws()
        {
            var s = LatencyStatistics.From(Array.Empty<double>());
            Assert.Equal(0, s.Count);
            Assert.Equal(0, s.P95Ms);
            Assert.Throws<ArgumentException>(() => LatencyStatistics.Percentile(Array.Empty<double>(), 0.5));
            Assert.Throws<ArgumentOutOfRangeException>(() => LatencyStatistics.Percentile(new double[] { 1 }, 1.5));
        }

        [Fact]
        public void Success_and_error_rates_differ_by_rejected_and_ignore_cancelled()
        {
            var results = new List<DeploymentResult>();
            for (int i = 0; i < 14; i++) results.Add(Fakes.Result("m", DeploymentStatus.Succeeded, 10 + i, index: i));
            results.Add(Fakes.Result("m", DeploymentStatus.Failed, 30, index: 14));
            results.Add(Fakes.Result("m", DeploymentStatus.TimedOut, 500, index: 15));
            results.Add(Fakes.Result("m", DeploymentStatus.OutOfMemory, 40, index: 16));
            results.Add(Fakes.Result("m", DeploymentStatus.Rejected, 0, index: 17));
            results.Add(Fakes.Result("m", DeploymentStatus.Rejected, 0, index: 18));
            results.Add(Fakes.Result("m", DeploymentStatus.Cancelled, 0, index: 19));
            results[0].Attempts = 3;

            var s = BenchmarkStatistics.Summarize<StrategyResult>(results, 2000);

            Assert.Equal(20, s.Executions);
            Assert.Equal(1, s.Cancelled);
            Assert.Equal(14.0 / 19, s.SuccessRate, 9);
            Assert.Equal(3.0 / 19, s.ErrorRate, 9);
            Assert.Equal(1.0, s.SuccessRate + s.ErrorRate + 2.0 / 19, 9);
            Assert.Equal(19 / 2.0, s.ThroughputPerSecond, 9);
            Assert.Equal(17, s.Latency.Count); // rejected and cancelled did not run
            Assert.Equal(500, s.Latency.MaxMs);
            Assert.Equal(2, s.Retries);
            Assert.Equal(2, s.Errors[SwarmErrorIds.CircuitOpen]);
            Assert.False(s.Errors.ContainsKey(SwarmErrorIds.DeploymentCancelled));
        }

        [Fact]
        public void Sandbox_start_is_the_create_step_of_each_agents_first_deployment()
        {
            var t0 = DateTimeOffset.UtcNow;
            var results = new[]
            {
                Fakes.Result("m", DeploymentStatus.Succeeded, 10, "agent-1", index: 0, createMs: 300, started: t0),
                Fakes.Result("m", DeploymentStatus.Succeeded, 10, "agent-1", index: 2, createMs: 0.1, started: t0.AddSeconds(1)),
                Fakes.Result("m", DeploymentStatus.Succeeded, 10, "agent-2", index: 3, createMs: 0.2, started: t0.AddSeconds(2)),
                Fakes.Result("m", DeploymentStatus.Succeeded, 10, "agent-2", index: 1, createMs: 450, started: t0.AddMilliseconds(5)),
            };
            var starts = BenchmarkStatistics.SandboxStartTimes(results).OrderBy(x => x).ToList();
            Assert.Equal(new[] { 300.0, 450.0 }, starts);
        }

        [Fact]
        public void Thresholds_pass_when_within_limits()
        {
            var scenario = Scenario(p95: 900, throughput: 12, success: 0.96, error: 0.04);
            var checks = BenchmarkStatistics.Evaluate(scenario, new BenchmarkThresholds());
            Assert.Equal(4, checks.Count);
            Assert.All(checks, c => Assert.True(c.Passed, c.Message));
            Assert.Contains(checks, c => c.Name == "MaxLatencyMs" && c.Measured == 900 && c.Limit == 5000 && c.Comparison == "<=");
        }

        [Theory]
        [InlineData("MaxLatencyMs", 5000.1, 12, 0.96, 0.04)]
        [InlineData("MinThroughput", 900, 9.99, 0.96, 0.04)]
        [InlineData("MaxErrorRate", 900, 12, 0.96, 0.0501)]
        [InlineData("MinSuccessRate", 900, 12, 0.949, 0.04)]
        public void Each_threshold_fails_alone_with_its_measured_value(string failing, double p95, double tput, double success, double error)
        {
            var checks = BenchmarkStatistics.Evaluate(Scenario(p95, tput, success, error), new BenchmarkThresholds());
            var failed = Assert.Single(checks, c => !c.Passed);
            Assert.Equal(failing, failed.Name);
            Assert.Contains("FAIL", failed.Message);
        }

        [Fact]
        public void Nothing_measured_fails_latency_and_throughput()
        {
            var scenario = new ScenarioResult { Name = "x", Latency = new LatencyStatistics(), ThroughputPerSecond = 0, SuccessRate = 0, ErrorRate = 0 };
            var checks = BenchmarkStatistics.Evaluate(scenario, new BenchmarkThresholds { MinThroughput = 0 });
            Assert.False(checks.Single(c => c.Name == "MaxLatencyMs").Passed);
            Assert.False(checks.Single(c => c.Name == "MinThroughput").Passed);
        }

        [Fact]
        public void Default_scenarios_and_thresholds_are_the_original_designs()
        {
            var d = BenchmarkScenario.Defaults;
            Assert.Equal(new[] { "light-load", "medium-load", "heavy-load" }, d.Select(s => s.Name));
            Assert.Equal(new[] { 10, 100, 300 }, d.Select(s => s.TotalExecutions));
            var t = new BenchmarkThresholds();
            Assert.Equal((5000.0, 10.0, 0.05, 0.95), (t.MaxLatencyMs, t.MinThroughput, t.MaxErrorRate, t.MinSuccessRate));
            Assert.Equal("heavy-load", Assert.Single(BenchmarkScenario.Select(new[] { "HEAVY-LOAD" })).Name);
            var e = Assert.Throws<SwarmException>(() => BenchmarkScenario.Select(new[] { "nope" }));
            Assert.Equal(SwarmErrorIds.InvalidParameter, e.ErrorId);
            Assert.Contains("light-load", e.Message);
        }

        [Fact]
        public void Plan_spreads_deployments_over_strategies_then_symbols_with_per_strategy_parameters()
        {
            var scenario = new BenchmarkScenario("p", 2, 6)
            {
                Parameters = new Dictionary<string, IDictionary<string, object?>> { ["Momentum"] = new Dictionary<string, object?> { ["lookback"] = 10 } },
            };
            var plan = SwarmBenchmark.Plan(scenario, new[] { "momentum", "mean-reversion" }, new[] { "SPY", "QQQ", "IWM" });
            Assert.Equal(12, plan.Count);
            Assert.Equal(new[] { "momentum", "mean-reversion", "momentum", "mean-reversion" }, plan.Take(4).Select(p => p.Strategy));
            Assert.Equal(new[] { "SPY", "SPY", "QQQ", "QQQ", "IWM", "IWM", "SPY" }, plan.Take(7).Select(p => p.Symbol));
            Assert.Equal(10, plan[0].Parameters!["lookback"]);
            Assert.Null(plan[1].Parameters);
            // Every strategy meets every symbol.
            Assert.Equal(6, plan.Select(p => p.Strategy + p.Symbol).Distinct().Count());
        }

        [Fact]
        public void Invalid_scenarios_and_thresholds_are_refused()
        {
            Assert.Throws<SwarmException>(() => new BenchmarkScenario("x", 0, 1).Validate());
            Assert.Throws<SwarmException>(() => new BenchmarkScenario("", 1, 1).Validate());
            Assert.Throws<SwarmException>(() => new BenchmarkScenario("x", 1, 1) { Strategies = new List<string>() }.Validate());
            Assert.Throws<SwarmException>(() => new BenchmarkThresholds { MaxErrorRate = 2 }.Validate());
            Assert.Throws<SwarmException>(() => new BenchmarkThresholds { MaxLatencyMs = 0 }.Validate());
        }

        private static ScenarioResult Scenario(double p95, double throughput, double success, double error) => new ScenarioResult
        {
            Name = "s",
            Latency = new LatencyStatistics { Count = 10, P95Ms = p95, P50Ms = p95 / 2, AverageMs = p95 / 2 },
            ThroughputPerSecond = throughput,
            SuccessRate = success,
            ErrorRate = error,
        };
    }
}
