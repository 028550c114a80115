using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>Turns settled results into counts, rates, latency statistics and threshold checks.</summary>
    internal static class BenchmarkStatistics
    {
        /// <summary>
        /// Fills a summary from <paramref name="results"/>. Rates use the deployments that were not cancelled as
        /// denominator: SuccessRate = Succeeded / n, ErrorRate = (Failed + TimedOut + OutOfMemory) / n; Rejected
        /// (circuit open) counts in neither, so the two differ by the rejected share. Latency covers deployments
        /// that ran (not Rejected or Cancelled). Throughput = (Executions − Cancelled) / wall time in seconds,
        /// 0 when <paramref name="wallTimeMs"/> is null or not positive.
        /// </summary>
        public static T Summarize<T>(IReadOnlyCollection<DeploymentResult> results, double? wallTimeMs) where T : ExecutionSummary, new()
        {
            var summary = new T();
            foreach (var r in results)
            {
                summary.Executions++;
                switch (r.Status)
                {
                    case DeploymentStatus.Succeeded: summary.Succeeded++; break;
                    case DeploymentStatus.Failed: summary.Failed++; break;
                    case DeploymentStatus.TimedOut: summary.TimedOut++; break;
                    case DeploymentStatus.OutOfMemory: summary.OutOfMemory++; break;
                    case DeploymentStatus.Rejected: summary.Rejected++; break;
                    case DeploymentStatus.Cancelled: summary.Cancelled++; break;
                }
                if (r.Attempts > 1)
                    summary.Retries += r.Attempts - 1;
                if (!r.Success && r.Status != DeploymentStatus.Cancelled)
                {
                    var id = string.IsNullOrEmpty(r.ErrorId) ? r.Status.ToString() : r.ErrorId!;
                    summary.Errors[id] = (summary.Errors.TryGetValue(id, out var n) ? n : 0) + 1;
                }
            }
            int counted = summary.Executions - summary.Cancelled;
            summary.SuccessRate = counted > 0 ? (double)summary.Succeeded / counted : 0;
            summary.ErrorRate = counted > 0 ? (double)(summary.Failed + summary.TimedOut + summary.OutOfMemory) / counted : 0;
            summary.ThroughputPerSecond = wallTimeMs.HasValue && wallTimeMs.Value > 0 ? counted / (wallTimeMs.Value / 1000.0) : 0;
            summary.Latency = LatencyStatistics.From(results
                .Where(r => r.Status != DeploymentStatus.Rejected && r.Status != DeploymentStatus.Cancelled)
                .Select(r => r.Duration.TotalMilliseconds));
            return summary;
        }

        /// <summary>
        /// Time of the create-sandbox step of each agent's first deployment (earliest StartedAt, then lowest
        /// Index), when that step succeeded: the cold start of the agent's sandbox.
        /// </summary>
        public static IReadOnlyList<double> SandboxStartTimes(IEnumerable<DeploymentResult> results) =>
            results.Where(r => !string.IsNullOrEmpty(r.AgentId) && r.Status != DeploymentStatus.Rejected)
                .GroupBy(r => r.AgentId, StringComparer.Ordinal)
                .Select(g => g.OrderBy(r => r.StartedAt).ThenBy(r => r.Index).First())
                .Select(r => r.Operations.FirstOrDefault(o => o.Name == "create-sandbox"))
                .Where(o => o != null && o.Succeeded)
                .Select(o => o!.DurationMs)
                .ToList();

        /// <summary>
        /// The four threshold checks of one scenario: P95 latency ≤ MaxLatencyMs, throughput ≥ MinThroughput,
        /// error rate ≤ MaxErrorRate, success rate ≥ MinSuccessRate. With nothing measured (every deployment
        /// cancelled or rejected) the latency and throughput checks fail.
        /// </summary>
        public static List<ThresholdResult> Evaluate(ScenarioResult scenario, BenchmarkThresholds thresholds)
        {
            var list = new List<ThresholdResult>();
            bool measured = scenario.Latency.Count > 0;
            list.Add(Check(scenario.Name, nameof(BenchmarkThresholds.MaxLatencyMs), "P95 latency (ms)", "<=",
                thresholds.MaxLatencyMs, scenario.Latency.P95Ms, measured && scenario.Latency.P95Ms <= thresholds.MaxLatencyMs,
                v => v.ToString("0.0", CultureInfo.InvariantCulture) + " ms"));
            list.Add(Check(scenario.Name, nameof(BenchmarkThresholds.MinThroughput), "Throughput (ops/s)", ">=",
                thresholds.MinThroughput, scenario.ThroughputPerSecond, measured && scenario.ThroughputPerSecond >= thresholds.MinThroughput,
                v => v.ToString("0.00", CultureInfo.InvariantCulture) + " ops/s"));
            list.Add(Check(scenario.Name, nameof(BenchmarkThresholds.MaxErrorRate), "Error rate", "<=",
                thresholds.MaxErrorRate, scenario.ErrorRate, scenario.ErrorRate <= thresholds.MaxErrorRate, Percent));
            list.Add(Check(scenario.Name, nameof(BenchmarkThresholds.MinSuccessRate), "Success rate", ">=",
                thresholds.MinSuccessRate, scenario.SuccessRate, scenario.SuccessRate >= thresholds.MinSuccessRate, Percent));
            return list;
        }

        internal static string Percent(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

        private static ThresholdResult Check(string scenario, string name, string metric, string comparison, double limit, double measured,
            bool passed, Func<double, string> format) => new ThresholdResult
        {
            Scenario = scenario,
            Name = name,
            Metric = metric,
            Comparison = comparison,
            Limit = limit,
            Measured = measured,
            Passed = passed,
            Message = $"{scenario}: {metric.Replace(" (ms)", "").Replace(" (ops/s)", "")} {format(measured)} {(comparison == "<=" ? "must be <=" : "must be >=")} {format(limit)}: {(passed ? "pass" : "FAIL")}",
        };
    }
}
