using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>
    /// Turns measurements into recommendations. Every rule names the number it saw and an action inside the
    /// module (a cmdlet and parameter). Rules (ids in <see cref="Recommendation.Rule"/>):
    /// LowSuccessRate, StrategyLowSuccessRate, CircuitOpen, Timeouts, OutOfMemory, HighLatency, TailLatency,
    /// LowThroughput, SlowSandboxStart, SlowCleanup, ReviewPatterns, LowPatternSuccess, NoPatterns.
    /// </summary>
    public static class RecommendationEngine
    {
        /// <summary>Runs every rule; the result is ordered Critical first, then by category.</summary>
        public static IReadOnlyList<Recommendation> Analyze(RecommendationInput input, RecommendationRules? rules = null)
        {
            if (input == null)
                throw new ArgumentNullException(nameof(input));
            rules = rules ?? new RecommendationRules();
            var list = new List<Recommendation>();
            Reliability(input, rules, list);
            Performance(input, rules, list);
            Scalability(input, rules, list);
            Learning(input, rules, list);
            return list.OrderByDescending(r => r.Severity).ThenBy(r => r.Category).ToList();
        }

        private static void Reliability(RecommendationInput input, RecommendationRules rules, List<Recommendation> list)
        {
            if (input.Executions < rules.MinExecutions || !input.SuccessRate.HasValue)
                return;
            double success = input.SuccessRate.Value;
            long failures = input.Executions - input.Succeeded - (input.Rejected ?? 0);
            if (success < rules.MinSuccessRate)
            {
                var severity = success < rules.CriticalSuccessRate ? RecommendationSeverity.Critical : RecommendationSeverity.Warning;
                string finding = $"Success rate {P(success)} is below {P(rules.MinSuccessRate)} ({input.Succeeded} of {input.Executions} deployments succeeded).";
                long transient = input.TransientFailures ?? -1;
                string action;
                if (transient >= 0 && failures > 0 && transient * 2 >= failures)
                    action = $"{transient} of {failures} failures are transient sandbox errors: set {{retry-count=3}} on {{op:deploy}} (exponential backoff with jitter, {{retry-delay-ms}} to tune) and check the sandbox engine ({{op:sandboxes}}).";
                else if (transient >= 0 && failures > 0)
                    action = $"Most failures are strategy errors ({TopErrors(input.Errors)}), which retries do not fix: correct the parameters ({{op:strategies}} shows them) and enable the circuit breaker with {{circuit-breaker=5}} on {{op:deploy}} so a failing strategy stops consuming sandboxes.";
                else
                    action = "Set {retry-count=3} on {op:deploy} to retry transient sandbox failures, or enable the circuit breaker with {circuit-breaker=5} so a failing strategy stops consuming sandboxes.";
                list.Add(new Recommendation("LowSuccessRate", RecommendationCategory.Reliability, severity, finding, action));
            }

            if (input.Strategies != null)
            {
                foreach (var s in input.Strategies)
                {
                    int counted = s.Executions - s.Cancelled;
                    if (counted < rules.MinExecutions || s.SuccessRate >= rules.MinSuccessRate)
                        continue;
                    // Only worth a line of its own when the swarm as a whole looks fine or strategies differ.
                    if (success < rules.MinSuccessRate && input.Strategies.Count == 1)
                        continue;
                    list.Add(new Recommendation("StrategyLowSuccessRate", RecommendationCategory.Reliability,
                        s.SuccessRate < rules.CriticalSuccessRate ? RecommendationSeverity.Critical : RecommendationSeverity.Warning,
                        $"Strategy '{s.Strategy}' success rate {P(s.SuccessRate)} is below {P(rules.MinSuccessRate)} ({s.Succeeded} of {counted}; {TopErrors(s.Errors)}).",
                        $"Check its parameters with {{op:strategies={s.Strategy}}} and its failed results' ErrorId; with {{circuit-breaker=5}} on {{op:deploy}} its deployments stop after repeated failures.",
                        s.Strategy));
                }
            }

            if (input.Rejected.HasValue && input.Rejected.Value > 0)
            {
                list.Add(new Recommendation("CircuitOpen", RecommendationCategory.Reliability, RecommendationSeverity.Warning,
                    $"{input.Rejected.Value} deployments were rejected because a strategy's circuit breaker was open.",
                    "Fix the failing strategy (see StrategyLowSuccessRate and its results' ErrorId), or raise {circuit-breaker} on {op:deploy} if the failures were short-lived."));
            }

            if (input.TimedOut.HasValue && input.TimedOut.Value > 0 && (double)input.TimedOut.Value / input.Executions > rules.MaxTimeoutRate)
            {
                double rate = (double)input.TimedOut.Value / input.Executions;
                list.Add(new Recommendation("Timeouts", RecommendationCategory.Reliability,
                    rate > 0.1 ? RecommendationSeverity.Critical : RecommendationSeverity.Warning,
                    $"{input.TimedOut.Value} deployments ({P(rate)}) ran past the sandbox timeout.",
                    "Raise {timeout} with {op:configure} (milliseconds; default 300000), or shorten the backtest window with the start/end parameters."));
            }

            if (input.OutOfMemory.HasValue && input.OutOfMemory.Value > 0)
            {
                list.Add(new Recommendation("OutOfMemory", RecommendationCategory.Reliability, RecommendationSeverity.Warning,
                    $"{input.OutOfMemory.Value} deployments ran out of memory in their sandbox.",
                    "Raise {memory-limit} with {op:configure} (MB; default 512)."));
            }
        }

        private static void Performance(RecommendationInput input, RecommendationRules rules, List<Recommendation> list)
        {
            double? p95 = input.P95LatencyMs;
            string label = "P95 latency";
            if (!p95.HasValue && input.AverageLatencyMs.HasValue)
            {
                // Without percentiles the mean is a lower bound of P95 for these right-skewed latencies.
                p95 = input.AverageLatencyMs;
                label = "Average latency";
            }
            if (p95.HasValue && p95.Value > rules.HighP95LatencyMs)
            {
                list.Add(new Recommendation("HighLatency", RecommendationCategory.Performance,
                    p95.Value > 2 * rules.HighP95LatencyMs ? RecommendationSeverity.Critical : RecommendationSeverity.Warning,
                    $"{label} {Ms(p95.Value)} is above {Ms(rules.HighP95LatencyMs)}.",
                    "Give each sandbox more resources with {cpu-limit} and {memory-limit} ({op:configure}), shorten the backtest window (start/end parameters), or use a lighter strategy configuration (smaller lookback, larger retrainEvery for neural-forecast)."));
            }

            if (input.P95LatencyMs.HasValue && input.P50LatencyMs.HasValue && input.P50LatencyMs.Value > 0
                && input.Executions >= 20 && input.P95LatencyMs.Value / input.P50LatencyMs.Value > rules.TailLatencyRatio)
            {
                double ratio = input.P95LatencyMs.Value / input.P50LatencyMs.Value;
                list.Add(new Recommendation("TailLatency", RecommendationCategory.Performance, RecommendationSeverity.Info,
                    $"P95 latency {Ms(input.P95LatencyMs.Value)} is {ratio.ToString("0.0", CultureInfo.InvariantCulture)}x the median {Ms(input.P50LatencyMs.Value)}: a few deployments wait (sandbox cold starts or CPU contention).",
                    $"Keep {{max-agents}} at or below the processor count ({input.ProcessorCount}) for CPU-bound strategies, and send many deployments through one {{op:deploy}} call so each agent's warm sandbox is reused."));
            }

            if (input.SandboxStartP95Ms.HasValue && input.SandboxStartP95Ms.Value > rules.SlowSandboxStartMs)
            {
                bool docker = string.Equals(input.Isolation, "docker", StringComparison.OrdinalIgnoreCase);
                list.Add(new Recommendation("SlowSandboxStart", RecommendationCategory.Performance, RecommendationSeverity.Warning,
                    $"P95 sandbox start {Ms(input.SandboxStartP95Ms.Value)} is above {Ms(rules.SlowSandboxStartMs)}.",
                    "Reuse warm sandboxes: send many deployments through one {op:deploy} call (each agent keeps its sandbox across deployments) instead of many small calls"
                    + (docker ? ", keep the runner image local, or use {isolation=process} where Docker's container start is not needed." : ", and keep {max-agents} at or below the processor count so cold starts do not compete for CPU.")));
            }

            if (input.CleanupP95Ms.HasValue && input.CleanupP95Ms.Value > rules.SlowCleanupMs)
            {
                list.Add(new Recommendation("SlowCleanup", RecommendationCategory.Performance, RecommendationSeverity.Info,
                    $"P95 sandbox cleanup {Ms(input.CleanupP95Ms.Value)} is above {Ms(rules.SlowCleanupMs)}.",
                    "List leftover sandboxes with {op:sandboxes} and remove them with {op:clear}; a busy Docker engine slows removal."));
            }
        }

        private static void Scalability(RecommendationInput input, RecommendationRules rules, List<Recommendation> list)
        {
            if (!input.ThroughputPerSecond.HasValue || input.Executions < rules.MinExecutions)
                return;
            double tput = input.ThroughputPerSecond.Value;
            if (tput >= rules.MinThroughput)
                return;
            string action;
            int agents = input.Agents ?? 0;
            int cores = Math.Max(1, input.ProcessorCount);
            if (agents > 0 && agents < cores && input.AgentsFixedByScenario)
            {
                // A scenario's agents are its load: raising MaxAgents would not change what it measures.
                action = $"The scenario runs {agents} agent(s) by design, on {cores} processors: throughput grows with agents, so deploy real swarms with {{max-agents={Math.Min(agents * 2, cores)}}} or more ({{op:configure}}), and compare a scenario with more agents (medium-load runs 5).";
            }
            else if (agents > 0 && agents < cores)
            {
                action = $"Raise {{max-agents}} with {{op:configure}} from {agents} to {Math.Min(agents * 2, cores)} (this machine has {cores} processors) to run more deployments in parallel.";
            }
            else if (agents > 0)
            {
                action = $"{{max-agents={agents}}} already uses the {cores} processors, so more agents would contend for CPU: reduce the cost per deployment (see the latency findings: shorter backtest window, lighter parameters), raise {{cpu-limit}}, or run on a machine with more cores.";
            }
            else
            {
                action = "Raise {max-agents} with {op:configure} (up to the processor count) to run more deployments in parallel.";
            }
            list.Add(new Recommendation("LowThroughput", RecommendationCategory.Scalability,
                tput < rules.MinThroughput / 10 ? RecommendationSeverity.Critical : RecommendationSeverity.Warning,
                $"Throughput {tput.ToString("0.00", CultureInfo.InvariantCulture)} ops/s is below {rules.MinThroughput.ToString("0.##", CultureInfo.InvariantCulture)} ops/s"
                    + (agents > 0 ? $" with {agents} agents." : "."),
                action));
        }

        private static void Learning(RecommendationInput input, RecommendationRules rules, List<Recommendation> list)
        {
            var learning = input.Learning;
            if (learning == null)
                return;
            if (!learning.Enabled)
            {
                if (input.Executions >= rules.MinExecutions)
                {
                    list.Add(new Recommendation("NoPatterns", RecommendationCategory.Learning, RecommendationSeverity.Info,
                        $"Learning is off, so {input.Executions} deployments taught the swarm nothing.",
                        "Enable learning with {learning} on {op:configure} (and {auto-optimize} to deploy with learned parameters)."));
                }

                return;
            }
            if (learning.HighSuccessPatterns >= rules.ManyHighSuccessPatterns)
            {
                list.Add(new Recommendation("ReviewPatterns", RecommendationCategory.Learning, RecommendationSeverity.Info,
                    $"{learning.HighSuccessPatterns} of {learning.Patterns} learned patterns succeed at least {P(rules.HighSuccessPatternRate)} of the time.",
                    $"Review them with {{op:patterns}} {{min-success={rules.HighSuccessPatternRate.ToString("0.##", CultureInfo.InvariantCulture)}}} and deploy with {{auto-optimize}} ({{op:configure}}) to use the learned parameters."));
            }
            if (learning.Patterns > 0 && learning.AverageSuccessRate.HasValue && learning.AverageSuccessRate.Value < rules.LowPatternSuccessRate)
            {
                list.Add(new Recommendation("LowPatternSuccess", RecommendationCategory.Learning, RecommendationSeverity.Warning,
                    $"Learned patterns succeed {P(learning.AverageSuccessRate.Value)} of the time on average, below {P(rules.LowPatternSuccessRate)}.",
                    "Do not rely on {auto-optimize} yet: inspect the patterns with {op:patterns} and deploy more varied parameters so better ones are learned."));
            }
            if (learning.Patterns == 0 && learning.Trajectories >= 50)
            {
                list.Add(new Recommendation("NoPatterns", RecommendationCategory.Learning, RecommendationSeverity.Info,
                    $"{learning.Trajectories} trajectories are recorded but no pattern has been learned.",
                    "Vary parameters across deployments ({op:deploy} with {params} per deployment) so the store sees which settings work, then check {op:patterns}."));
            }
        }

        private static string TopErrors(IDictionary<string, int>? errors)
        {
            if (errors == null || errors.Count == 0)
                return "no error ids";
            return string.Join(", ", errors.OrderByDescending(e => e.Value).Take(3).Select(e => $"{e.Key} x{e.Value}"));
        }

        private static string P(double v) => BenchmarkStatistics.Percent(v);

        private static string Ms(double v) => v.ToString("0.#", CultureInfo.InvariantCulture) + " ms";
    }
}
