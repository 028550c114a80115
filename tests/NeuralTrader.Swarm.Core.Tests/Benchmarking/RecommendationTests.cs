using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Tests.Benchmarking
{
    public class RecommendationTests
    {
        /// <summary>Healthy figures: no rule fires.</summary>
        private static RecommendationInput Healthy() => new RecommendationInput
        {
            Executions = 100,
            Succeeded = 100,
            TimedOut = 0,
            OutOfMemory = 0,
            Rejected = 0,
            TransientFailures = 0,
            AverageLatencyMs = 120,
            P50LatencyMs = 100,
            P95LatencyMs = 200,
            ThroughputPerSecond = 50,
            Agents = 4,
            SandboxStartP95Ms = 300,
            CleanupP95Ms = 50,
            ProcessorCount = 2,
            Learning = new LearningSummary { Trajectories = 100, Patterns = 3, HighSuccessPatterns = 1, AverageSuccessRate = 0.7 },
            Strategies = new List<StrategyResult> { new StrategyResult { Strategy = "momentum", Executions = 100, Succeeded = 100, SuccessRate = 1 } },
        };

        private static IReadOnlyList<Recommendation> Run(RecommendationInput input) => RecommendationEngine.Analyze(input);

        [Fact]
        public void Healthy_swarm_gets_no_recommendation()
        {
            Assert.Empty(Run(Healthy()));
        }

        [Fact]
        public void Low_success_with_transient_failures_recommends_retries()
        {
            var input = Healthy();
            input.Succeeded = 852;
            input.Executions = 1000;
            input.TransientFailures = 120;
            var r = Assert.Single(Run(input));
            Assert.Equal(("LowSuccessRate", RecommendationCategory.Reliability, RecommendationSeverity.Warning), (r.Rule, r.Category, r.Severity));
            Assert.Equal("Success rate 85.2% is below 90.0% (852 of 1000 deployments succeeded).", r.Finding);
            Assert.Contains("-RetryCount 3", Advice.ForPowerShell(r.Action));
            Assert.Contains("Start-Swarm", Advice.ForPowerShell(r.Action));
        }

        [Fact]
        public void Low_success_from_strategy_errors_recommends_the_circuit_breaker_not_retries()
        {
            var input = Healthy();
            input.Succeeded = 40;
            input.TransientFailures = 5;
            input.Errors = new Dictionary<string, int> { [SwarmErrorIds.InvalidParameter] = 55, [SwarmErrorIds.SandboxStartFailed] = 5 };
            var r = Run(input).Single(x => x.Rule == "LowSuccessRate");
            Assert.Equal(RecommendationSeverity.Critical, r.Severity);
            Assert.Contains("-CircuitBreakerThreshold 5", Advice.ForPowerShell(r.Action));
            Assert.Contains("InvalidParameter x55", Advice.ForPowerShell(r.Action));
            Assert.DoesNotContain("-RetryCount", Advice.ForPowerShell(r.Action));
        }

        [Fact]
        public void Success_at_90_percent_or_with_too_few_executions_does_not_fire()
        {
            var input = Healthy();
            input.Succeeded = 90;
            Assert.DoesNotContain(Run(input), r => r.Rule == "LowSuccessRate");
            input = Healthy();
            input.Executions = 4;
            input.Succeeded = 0;
            input.Strategies = null;
            Assert.DoesNotContain(Run(input), r => r.Rule == "LowSuccessRate");
        }

        [Fact]
        public void A_single_failing_strategy_is_named()
        {
            var input = Healthy();
            input.Strategies = new List<StrategyResult>
            {
                new StrategyResult { Strategy = "momentum", Executions = 50, Succeeded = 50, SuccessRate = 1 },
                new StrategyResult { Strategy = "neural-forecast", Executions = 50, Succeeded = 30, SuccessRate = 0.6, Errors = new Dictionary<string, int> { ["StrategyFailed"] = 20 } },
            };
            var r = Assert.Single(Run(input));
            Assert.Equal("StrategyLowSuccessRate", r.Rule);
            Assert.Equal("neural-forecast", r.Target);
            Assert.Contains("60.0%", r.Finding);
            Assert.Contains("Get-Strategy -Name neural-forecast", Advice.ForPowerShell(r.Action));
        }

        [Fact]
        public void High_p95_recommends_resources_and_critical_above_twice_the_limit()
        {
            var input = Healthy();
            input.P50LatencyMs = 5000;
            input.P95LatencyMs = 6200;
            var r = Assert.Single(Run(input));
            Assert.Equal(("HighLatency", RecommendationCategory.Performance, RecommendationSeverity.Warning), (r.Rule, r.Category, r.Severity));
            Assert.Equal("P95 latency 6200 ms is above 5000 ms.", r.Finding);
            Assert.Contains("-CpuLimit", Advice.ForPowerShell(r.Action));
            Assert.Contains("-MemoryLimit", Advice.ForPowerShell(r.Action));
            input.P95LatencyMs = 10001;
            Assert.Equal(RecommendationSeverity.Critical, Run(input).Single(x => x.Rule == "HighLatency").Severity);
            input.P95LatencyMs = 5000;
            Assert.DoesNotContain(Run(input), x => x.Rule == "HighLatency");
        }

        [Fact]
        public void Tail_latency_fires_when_p95_is_far_above_the_median()
        {
            var input = Healthy();
            input.P50LatencyMs = 100;
            input.P95LatencyMs = 450;
            var r = Assert.Single(Run(input));
            Assert.Equal("TailLatency", r.Rule);
            Assert.Contains("4.5x", r.Finding);
            Assert.Contains("-MaxAgents", Advice.ForPowerShell(r.Action));
        }

        [Fact]
        public void A_benchmark_judges_latency_and_throughput_by_its_own_thresholds()
        {
            var rules = RecommendationRules.For(new BenchmarkThresholds { MaxLatencyMs = 3000, MinThroughput = 2 });
            var input = Healthy();
            input.P95LatencyMs = 4000; // above the run's 3,000 ms, below the default 5,000 ms
            var r = RecommendationEngine.Analyze(input, rules).Single(x => x.Rule == "HighLatency");
            Assert.Contains("above 3000 ms", r.Finding.Replace(",", ""));
            Assert.DoesNotContain(Run(input), x => x.Rule == "HighLatency"); // the default 5,000 ms would not fire
        }

        [Fact]
        public void Low_throughput_recommends_more_agents_with_a_number()
        {
            var input = Healthy();
            input.ThroughputPerSecond = 6.5;
            input.Agents = 1;
            var r = Assert.Single(Run(input));
            Assert.Equal(("LowThroughput", RecommendationCategory.Scalability, RecommendationSeverity.Warning), (r.Rule, r.Category, r.Severity));
            Assert.Equal("Throughput 6.50 ops/s is below 10 ops/s with 1 agents.", r.Finding);
            Assert.Contains("-MaxAgents with Set-SwarmConfiguration from 1 to 2", Advice.ForPowerShell(r.Action));
            input.AgentsFixedByScenario = true; // a benchmark scenario's agents are its load
            Assert.Contains("The scenario runs 1 agent(s) by design", Advice.ForPowerShell(Run(input).Single().Action));
            input.AgentsFixedByScenario = false;
            input.Agents = 2; // as many agents as processors: more would contend
            Assert.Contains("contend", Advice.ForPowerShell(Run(input).Single().Action));
            input.ThroughputPerSecond = 0.5;
            Assert.Equal(RecommendationSeverity.Critical, Run(input).Single().Severity);
            input.ThroughputPerSecond = 10;
            Assert.Empty(Run(input));
        }

        [Fact]
        public void Many_high_success_patterns_are_worth_reviewing()
        {
            var input = Healthy();
            input.Learning = new LearningSummary { Trajectories = 500, Patterns = 12, HighSuccessPatterns = 7, AverageSuccessRate = 0.8 };
            var r = Assert.Single(Run(input));
            Assert.Equal(("ReviewPatterns", RecommendationCategory.Learning, RecommendationSeverity.Info), (r.Rule, r.Category, r.Severity));
            Assert.Equal("7 of 12 learned patterns succeed at least 80.0% of the time.", r.Finding);
            Assert.Contains("Get-SwarmPattern", Advice.ForPowerShell(r.Action));
            input.Learning.HighSuccessPatterns = 4;
            Assert.Empty(Run(input));
        }

        [Fact]
        public void Learning_rules_for_weak_patterns_none_learned_and_learning_off()
        {
            var input = Healthy();
            input.Learning = new LearningSummary { Trajectories = 200, Patterns = 6, HighSuccessPatterns = 0, AverageSuccessRate = 0.3 };
            Assert.Equal("LowPatternSuccess", Assert.Single(Run(input)).Rule);
            input.Learning = new LearningSummary { Trajectories = 200, Patterns = 0 };
            Assert.Equal("NoPatterns", Assert.Single(Run(input)).Rule);
            input.Learning = new LearningSummary { Enabled = false };
            Assert.Contains("-Learning", Advice.ForPowerShell(Assert.Single(Run(input)).Action));
            input.Learning = null;
            Assert.Empty(Run(input));
        }

        [Fact]
        public void Timeouts_out_of_memory_rejections_slow_start_and_cleanup_each_fire()
        {
            var input = Healthy();
            input.Succeeded = 95;
            input.TimedOut = 3;
            Assert.Contains("-SandboxTimeout", Advice.ForPowerShell(Assert.Single(Run(input)).Action));

            input = Healthy();
            input.Succeeded = 99;
            input.OutOfMemory = 1;
            Assert.Contains("-MemoryLimit", Advice.ForPowerShell(Assert.Single(Run(input)).Action));

            input = Healthy();
            input.Succeeded = 98;
            input.Rejected = 2;
            Assert.Equal("CircuitOpen", Assert.Single(Run(input)).Rule);

            input = Healthy();
            input.SandboxStartP95Ms = 2600;
            var start = Assert.Single(Run(input));
            Assert.Equal("SlowSandboxStart", start.Rule);
            Assert.Contains("2600 ms", start.Finding);

            input = Healthy();
            input.CleanupP95Ms = 900;
            Assert.Equal("SlowCleanup", Assert.Single(Run(input)).Rule);

            input = Healthy();
            input.TimedOut = 1; // 1% is not above the 1% limit
            Assert.Empty(Run(input));
        }

        [Fact]
        public void Works_from_plain_swarm_metrics_without_a_benchmark()
        {
            var metrics = new SwarmMetrics { TotalExecutions = 40, SuccessfulExecutions = 20, AverageDurationMs = 7000 };
            var recs = RecommendationEngine.Analyze(RecommendationInput.FromMetrics(metrics,
                new LearningSummary { Trajectories = 40, Patterns = 9, HighSuccessPatterns = 6, AverageSuccessRate = 0.9 }));
            Assert.Contains(recs, r => r.Rule == "LowSuccessRate" && r.Finding.StartsWith("Success rate 50.0%"));
            Assert.Contains(recs, r => r.Rule == "HighLatency" && r.Finding.StartsWith("Average latency 7000 ms"));
            Assert.Contains(recs, r => r.Rule == "ReviewPatterns");
            Assert.DoesNotContain(recs, r => r.Rule == "LowThroughput"); // unknown throughput: no finding
            Assert.Equal(RecommendationSeverity.Warning, recs.Max(r => r.Severity));

            var results = Enumerable.Range(0, 30).Select(i => Fakes.Result("momentum", i < 20 ? DeploymentStatus.Succeeded : DeploymentStatus.Failed, 100, index: i,
                errorId: SwarmErrorIds.SandboxStartFailed)).ToList();
            var withResults = RecommendationEngine.Analyze(RecommendationInput.FromMetrics(metrics, null, results, 2));
            var low = withResults.Single(r => r.Rule == "LowSuccessRate");
            Assert.Contains("66.7%", low.Finding);
            Assert.Contains("-RetryCount 3", Advice.ForPowerShell(low.Action));
        }

        [Fact]
        public void OneAdvice_RenderedCompletelyInEachFrontEndsSyntax()
        {
            // Everything wrong at once: every rule fires, so every piece of advice is rendered.
            var sick = new RecommendationInput
            {
                Executions = 100, Succeeded = 40, TimedOut = 20, OutOfMemory = 10, Rejected = 5, TransientFailures = 30,
                Errors = new Dictionary<string, int> { ["SandboxTimeout"] = 20, ["InvalidParameter"] = 30 },
                AverageLatencyMs = 9000, P50LatencyMs = 1000, P95LatencyMs = 20000, ThroughputPerSecond = 0.1, Agents = 1,
                SandboxStartP95Ms = 9000, CleanupP95Ms = 9000, ProcessorCount = 4, Isolation = "Docker",
                Learning = new LearningSummary { Trajectories = 100, Patterns = 0 },
                Strategies = new List<StrategyResult> { new StrategyResult { Strategy = "momentum", Executions = 100, Succeeded = 40, SuccessRate = 0.4 } },
            };
            var advice = Run(sick).Concat(Run(new RecommendationInput { Executions = 10, Succeeded = 10, Learning = new LearningSummary { Enabled = false } })).ToList();
            Assert.True(advice.Count >= 8, string.Join("\n", advice));
            foreach (var r in advice)
            {
                var cmdlets = Advice.ForPowerShell(r.Action);
                var cli = Advice.ForCli(r.Action);
                Assert.DoesNotContain("{", cmdlets + cli);
                Assert.DoesNotContain("--", cmdlets);
                Assert.DoesNotMatch(@"Start-Swarm|Set-SwarmConfiguration|Get-Swarm|Get-Strategy|Clear-Swarm| -[A-Z][a-z]", cli);
                // The same advice: only the spelling of settings and commands differs.
                Assert.Equal(r.Action.Count(c => c == '{'), System.Text.RegularExpressions.Regex.Matches(r.Action, @"\{[^}]+\}").Count);
            }

            Assert.Contains(advice, r => Advice.ForCli(r.Action).Contains("--retry-count 3 on deploy-swarm deploy"));
            Assert.Contains(advice, r => Advice.ForPowerShell(r.Action).Contains("-RetryCount 3 on Start-Swarm"));
        }
    }
}
