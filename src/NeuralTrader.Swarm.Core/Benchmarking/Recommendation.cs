using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>What a recommendation is about.</summary>
    public enum RecommendationCategory
    {
        /// <summary>Failures, retries, the circuit breaker.</summary>
        Reliability,
        /// <summary>Latency and resources per sandbox.</summary>
        Performance,
        /// <summary>Throughput and parallelism.</summary>
        Scalability,
        /// <summary>Learned patterns and trajectories.</summary>
        Learning,
    }

    /// <summary>How urgent it is.</summary>
    public enum RecommendationSeverity
    {
        /// <summary>Worth knowing.</summary>
        Info,
        /// <summary>Costs results or time; act on it.</summary>
        Warning,
        /// <summary>The swarm is not doing its job.</summary>
        Critical,
    }

    /// <summary>A finding with a number and an action inside the module.</summary>
    public sealed class Recommendation
    {
        /// <summary>Creates a recommendation.</summary>
        public Recommendation(string rule, RecommendationCategory category, RecommendationSeverity severity, string finding, string action, string? target = null)
        {
            Rule = rule;
            Category = category;
            Severity = severity;
            Finding = finding;
            Action = action;
            Target = target;
        }

        /// <summary>Creates an empty recommendation (for deserialisation).</summary>
        public Recommendation()
        {
        }

        /// <summary>Stable id of the rule that fired (e.g. LowSuccessRate).</summary>
        public string Rule { get; set; } = "";
        /// <summary>Category.</summary>
        public RecommendationCategory Category { get; set; }
        /// <summary>Severity.</summary>
        public RecommendationSeverity Severity { get; set; }
        /// <summary>What was measured, with the number (e.g. "Success rate 85.2% is below 90%").</summary>
        public string Finding { get; set; } = "";
        /// <summary>What to do, naming the cmdlet and parameter.</summary>
        public string Action { get; set; } = "";
        /// <summary>Strategy or scenario it is about; null for the whole swarm.</summary>
        public string? Target { get; set; }

        /// <inheritdoc />
        public override string ToString() => $"[{Severity}] {Category}: {Finding} -> {Action}";
    }

    /// <summary>
    /// Learning statistics from the trajectory store, supplied by the caller (the store lives elsewhere in
    /// Core). Feeds the Learning rules and the coordinator-&lt;ts&gt;.txt file.
    /// </summary>
    public sealed class LearningSummary
    {
        /// <summary>
        /// The one summary both front ends use: counts from the store's statistics and patterns, and the mean success
        /// rate of the success patterns (what the Learning rules judge).
        /// </summary>
        public static LearningSummary From(LearningModel model, RecommendationRules? rules = null)
        {
            var store = (model ?? throw new ArgumentNullException(nameof(model))).Store;
            var stats = model.GetStats();
            var patterns = store.CanReadPayloads ? model.GetPatterns() : Array.Empty<Pattern>();
            var success = patterns.Where(p => p.Kind == PatternKind.Success).ToList();
            double high = (rules ?? new RecommendationRules()).HighSuccessPatternRate;
            return new LearningSummary
            {
                Trajectories = stats.TotalTrajectories,
                Patterns = patterns.Count,
                HighSuccessPatterns = success.Count(p => p.SuccessRate >= high),
                AverageSuccessRate = success.Count > 0 ? success.Average(p => p.SuccessRate) : (double?)null,
                TopPatterns = success.OrderByDescending(p => p.SuccessRate).ThenByDescending(p => p.ObservationCount).Take(10).Select(p => new PatternSummary
                {
                    Id = p.Id,
                    Strategy = p.Strategy ?? "*",
                    Context = string.Join(" ", new[] { p.Symbol, p.Regime }.Where(t => t != null)),
                    Parameters = p.Condition,
                    SuccessRate = p.SuccessRate,
                    Uses = p.ObservationCount,
                }).ToList(),
                Details = string.Format(CultureInfo.InvariantCulture,
                    "Store {0}: {1} trajectories, mean score {2:0.000}, improvement rate {3:+0.000;-0.000;0.000}, {4} predictions{5}.",
                    store.Path, stats.TotalTrajectories, stats.AvgSuccessRate, stats.ImprovementRate, stats.PredictionsMade,
                    stats.PredictionAccuracy is double a ? string.Format(CultureInfo.InvariantCulture, " ({0:P1} accurate)", a) : ""),
            };
        }

        /// <summary>Whether learning is on.</summary>
        public bool Enabled { get; set; } = true;
        /// <summary>Trajectories recorded.</summary>
        public long Trajectories { get; set; }
        /// <summary>Patterns learned.</summary>
        public int Patterns { get; set; }
        /// <summary>Patterns whose success rate is at least <see cref="RecommendationRules.HighSuccessPatternRate"/>.</summary>
        public int HighSuccessPatterns { get; set; }
        /// <summary>Mean success rate of the patterns, 0..1 (null when unknown).</summary>
        public double? AverageSuccessRate { get; set; }
        /// <summary>Top patterns for the coordinator file (optional).</summary>
        public List<PatternSummary> TopPatterns { get; set; } = new List<PatternSummary>();
        /// <summary>Free text appended to the coordinator file (optional).</summary>
        public string? Details { get; set; }
    }

    /// <summary>One learned pattern, as shown in the coordinator file.</summary>
    public sealed class PatternSummary
    {
        /// <summary>Pattern id.</summary>
        public string Id { get; set; } = "";
        /// <summary>Strategy.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Symbol or market context.</summary>
        public string? Context { get; set; }
        /// <summary>Parameters as text.</summary>
        public string? Parameters { get; set; }
        /// <summary>Success rate 0..1.</summary>
        public double SuccessRate { get; set; }
        /// <summary>Times used.</summary>
        public int Uses { get; set; }
    }

    /// <summary>Limits the recommendation rules compare against; the defaults follow the original design.</summary>
    public sealed class RecommendationRules
    {
        /// <summary>The default rules with the run's own thresholds for latency, throughput and success.</summary>
        public static RecommendationRules For(BenchmarkThresholds thresholds) => new RecommendationRules
        {
            HighP95LatencyMs = thresholds.MaxLatencyMs,
            MinThroughput = thresholds.MinThroughput,
            MinSuccessRate = thresholds.MinSuccessRate,
        };

        /// <summary>Success rate below this is a Reliability warning (0.90).</summary>
        public double MinSuccessRate { get; set; } = 0.90;
        /// <summary>Success rate below this is Critical (0.50).</summary>
        public double CriticalSuccessRate { get; set; } = 0.50;
        /// <summary>P95 latency above this (ms) is a Performance warning (5000; Critical above twice that).</summary>
        public double HighP95LatencyMs { get; set; } = 5000;
        /// <summary>P95/P50 above this ratio with at least 20 samples is a tail-latency finding (4).</summary>
        public double TailLatencyRatio { get; set; } = 4;
        /// <summary>Throughput below this (ops/s) is a Scalability warning (10).</summary>
        public double MinThroughput { get; set; } = 10;
        /// <summary>Share of timed-out deployments above this is a finding (0.01).</summary>
        public double MaxTimeoutRate { get; set; } = 0.01;
        /// <summary>P95 sandbox start above this (ms) is a finding (2000, the original design's start target).</summary>
        public double SlowSandboxStartMs { get; set; } = 2000;
        /// <summary>P95 cleanup above this (ms) is a finding (500, the original design's cleanup target).</summary>
        public double SlowCleanupMs { get; set; } = 500;
        /// <summary>This many high-success patterns or more are worth reviewing (5).</summary>
        public int ManyHighSuccessPatterns { get; set; } = 5;
        /// <summary>A pattern at or above this success rate is high-success (0.8).</summary>
        public double HighSuccessPatternRate { get; set; } = 0.8;
        /// <summary>Mean pattern success below this is a Learning warning (0.5).</summary>
        public double LowPatternSuccessRate { get; set; } = 0.5;
        /// <summary>Fewest deployments before rates are judged (5).</summary>
        public int MinExecutions { get; set; } = 5;
    }

    /// <summary>
    /// What the rules look at: benchmark measurements or plain swarm counters plus an optional learning
    /// summary. Unknown figures stay null and their rules do not fire.
    /// </summary>
    public sealed class RecommendationInput
    {
        /// <summary>Settled deployments (excluding cancelled).</summary>
        public long Executions { get; set; }
        /// <summary>Succeeded deployments.</summary>
        public long Succeeded { get; set; }
        /// <summary>Timed-out deployments (null when unknown).</summary>
        public long? TimedOut { get; set; }
        /// <summary>Out-of-memory deployments (null when unknown).</summary>
        public long? OutOfMemory { get; set; }
        /// <summary>Deployments rejected by an open circuit (null when unknown).</summary>
        public long? Rejected { get; set; }
        /// <summary>Failures whose ErrorId is a transient sandbox error (null when unknown).</summary>
        public long? TransientFailures { get; set; }
        /// <summary>Failures by ErrorId (optional).</summary>
        public IDictionary<string, int>? Errors { get; set; }
        /// <summary>Mean deployment latency in ms.</summary>
        public double? AverageLatencyMs { get; set; }
        /// <summary>Median latency in ms.</summary>
        public double? P50LatencyMs { get; set; }
        /// <summary>P95 latency in ms.</summary>
        public double? P95LatencyMs { get; set; }
        /// <summary>Deployments per second.</summary>
        public double? ThroughputPerSecond { get; set; }
        /// <summary>Agents used (MaxAgents of the swarm or the scenario).</summary>
        public int? Agents { get; set; }
        /// <summary>The agents were set by a benchmark scenario (its load), not by the swarm's MaxAgents.</summary>
        public bool AgentsFixedByScenario { get; set; }
        /// <summary>P95 sandbox start in ms.</summary>
        public double? SandboxStartP95Ms { get; set; }
        /// <summary>P95 cleanup in ms.</summary>
        public double? CleanupP95Ms { get; set; }
        /// <summary>Per-strategy success (optional): strategy → (executions, succeeded).</summary>
        public IList<StrategyResult>? Strategies { get; set; }
        /// <summary>Learning statistics (optional).</summary>
        public LearningSummary? Learning { get; set; }
        /// <summary>Sandbox kind (process or docker), when known.</summary>
        public string? Isolation { get; set; }
        /// <summary>Processors of the machine, to bound parallelism advice.</summary>
        public int ProcessorCount { get; set; } = Environment.ProcessorCount;

        /// <summary>Success rate 0..1, or null with no executions.</summary>
        public double? SuccessRate => Executions > 0 ? (double)Succeeded / Executions : (double?)null;

        /// <summary>
        /// From a benchmark report: rates and counts over all scenarios; latency, throughput and agents from
        /// the heaviest scenario that ran (most agents; the one whose limits matter).
        /// </summary>
        public static RecommendationInput FromReport(BenchmarkReport report)
        {
            if (report == null)
                throw new ArgumentNullException(nameof(report));
            var ran = report.Scenarios.Where(s => s.Executions - s.Cancelled > 0).ToList();
            var heaviest = ran.OrderByDescending(s => s.Agents).ThenByDescending(s => s.Planned).FirstOrDefault();
            var errors = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var s in ran)
            {
                foreach (var e in s.Errors)
                    errors[e.Key] = (errors.TryGetValue(e.Key, out var n) ? n : 0) + e.Value;
            }

            return new RecommendationInput
            {
                Executions = ran.Sum(s => (long)(s.Executions - s.Cancelled)),
                Succeeded = ran.Sum(s => (long)s.Succeeded),
                TimedOut = ran.Sum(s => (long)s.TimedOut),
                OutOfMemory = ran.Sum(s => (long)s.OutOfMemory),
                Rejected = ran.Sum(s => (long)s.Rejected),
                TransientFailures = errors.Where(e => ResilienceDefaults.IsTransient(e.Key)).Sum(e => (long)e.Value),
                Errors = errors,
                AverageLatencyMs = heaviest?.Latency.Count > 0 ? heaviest.Latency.AverageMs : (double?)null,
                P50LatencyMs = heaviest?.Latency.Count > 0 ? heaviest.Latency.P50Ms : (double?)null,
                P95LatencyMs = heaviest?.Latency.Count > 0 ? heaviest.Latency.P95Ms : (double?)null,
                ThroughputPerSecond = heaviest?.ThroughputPerSecond,
                Agents = heaviest?.Agents,
                AgentsFixedByScenario = heaviest != null,
                SandboxStartP95Ms = ran.Any(s => s.SandboxStart.Count > 0) ? ran.Where(s => s.SandboxStart.Count > 0).Max(s => s.SandboxStart.P95Ms) : (double?)null,
                CleanupP95Ms = ran.Any(s => s.Cleanup.Count > 0) ? ran.Where(s => s.Cleanup.Count > 0).Max(s => s.Cleanup.P95Ms) : (double?)null,
                Strategies = report.Strategies,
                Learning = report.Learning,
                Isolation = report.Isolation,
                ProcessorCount = report.ProcessorCount > 0 ? report.ProcessorCount : Environment.ProcessorCount,
            };
        }

        /// <summary>
        /// From a coordinator's counters (Get-SwarmRecommendation without a benchmark). Latency is the mean only,
        /// so the P95 rule uses it as a lower bound; optional <paramref name="results"/> (recent results) add
        /// percentiles, per-status counts and per-strategy success.
        /// </summary>
        public static RecommendationInput FromMetrics(SwarmMetrics metrics, LearningSummary? learning = null,
            IEnumerable<DeploymentResult>? results = null, int? maxAgents = null)
        {
            if (metrics == null)
                throw new ArgumentNullException(nameof(metrics));
            var input = new RecommendationInput
            {
                Executions = metrics.TotalExecutions,
                Succeeded = metrics.SuccessfulExecutions,
                AverageLatencyMs = metrics.TotalExecutions > 0 ? metrics.AverageDurationMs : (double?)null,
                Agents = maxAgents,
                Learning = learning,
            };
            var list = results?.Where(r => r.Status != DeploymentStatus.Cancelled).ToList();
            if (list != null && list.Count > 0)
            {
                var summary = BenchmarkStatistics.Summarize<StrategyResult>(list, null);
                input.Executions = list.Count;
                input.Succeeded = summary.Succeeded;
                input.TimedOut = summary.TimedOut;
                input.OutOfMemory = summary.OutOfMemory;
                input.Rejected = summary.Rejected;
                input.Errors = summary.Errors;
                input.TransientFailures = summary.Errors.Where(e => ResilienceDefaults.IsTransient(e.Key)).Sum(e => (long)e.Value);
                input.AverageLatencyMs = summary.Latency.Count > 0 ? summary.Latency.AverageMs : (double?)null;
                input.P50LatencyMs = summary.Latency.Count > 0 ? summary.Latency.P50Ms : (double?)null;
                input.P95LatencyMs = summary.Latency.Count > 0 ? summary.Latency.P95Ms : (double?)null;
                input.Strategies = list.GroupBy(r => r.Strategy, StringComparer.OrdinalIgnoreCase)
                    .Select(g =>
                    {
                        var s = BenchmarkStatistics.Summarize<StrategyResult>(g.ToList(), null);
                        s.Strategy = g.Key;
                        return s;
                    }).ToList();
            }
            return input;
        }
    }

    internal static class ResilienceDefaults
    {
        public static bool IsTransient(string errorId) =>
            Resilience.ResilienceOptions.DefaultTransientErrorIds.Contains(errorId);
    }
}
