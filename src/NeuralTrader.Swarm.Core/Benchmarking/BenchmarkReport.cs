using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>Everything a benchmark measured; serialised whole into benchmark-&lt;ts&gt;.json.</summary>
    public sealed class BenchmarkReport
    {
        /// <summary>When the benchmark started (UTC); names the report files.</summary>
        public DateTimeOffset StartedAt { get; set; }
        /// <summary>When it ended (UTC).</summary>
        public DateTimeOffset CompletedAt { get; set; }
        /// <summary>Total wall time in ms, cleanup included.</summary>
        public double DurationMs { get; set; }
        /// <summary>True only when every scenario ran to the end and every threshold passed.</summary>
        public bool Passed { get; set; }
        /// <summary>True when the run was cancelled: the report holds what was measured until then.</summary>
        public bool Incomplete { get; set; }
        /// <summary>Sandbox kind used (process or docker), when known.</summary>
        public string? Isolation { get; set; }
        /// <summary>Machine name.</summary>
        public string MachineName { get; set; } = "";
        /// <summary>Logical processors.</summary>
        public int ProcessorCount { get; set; }
        /// <summary>Operating system.</summary>
        public string OperatingSystem { get; set; } = "";
        /// <summary>How percentiles are computed (<see cref="LatencyStatistics.PercentileDefinition"/>).</summary>
        public string PercentileDefinition { get; set; } = LatencyStatistics.PercentileDefinition;
        /// <summary>Limits applied.</summary>
        public BenchmarkThresholds Thresholds { get; set; } = new BenchmarkThresholds();
        /// <summary>Per-scenario results in run order.</summary>
        public List<ScenarioResult> Scenarios { get; set; } = new List<ScenarioResult>();
        /// <summary>Scenarios not started because the run was cancelled.</summary>
        public List<string> NotRun { get; set; } = new List<string>();
        /// <summary>Per-strategy results over all scenarios.</summary>
        public List<StrategyResult> Strategies { get; set; } = new List<StrategyResult>();
        /// <summary>Every threshold check of every scenario.</summary>
        public List<ThresholdResult> ThresholdResults { get; set; } = new List<ThresholdResult>();
        /// <summary>One row per settled deployment.</summary>
        public List<BenchmarkExecution> Executions { get; set; } = new List<BenchmarkExecution>();
        /// <summary>One equity curve per strategy and symbol (the first successful backtest of each pair).</summary>
        public List<EquityCurve> EquityCurves { get; set; } = new List<EquityCurve>();
        /// <summary>Findings and what to do about them.</summary>
        public List<Recommendation> Recommendations { get; set; } = new List<Recommendation>();
        /// <summary>Learning statistics supplied by the caller, if any.</summary>
        public LearningSummary? Learning { get; set; }
        /// <summary>The original design's <c>summary</c>: every execution of every scenario, their success rate and the run's wall time.</summary>
        public BenchmarkSummary Summary => new BenchmarkSummary
        {
            TotalExecutions = Executions.Count,
            SuccessRate = Executions.Count == 0 ? 0 : Executions.Count(e => e.Status == DeploymentStatus.Succeeded) / (double)Executions.Count,
            TotalDuration = DurationMs,
        };
    }

    /// <summary>The original design's report summary.</summary>
    public sealed class BenchmarkSummary
    {
        /// <summary>Executions over all scenarios.</summary>
        public int TotalExecutions { get; set; }
        /// <summary>Succeeded / executions, 0..1.</summary>
        public double SuccessRate { get; set; }
        /// <summary>Wall time of the whole benchmark, milliseconds.</summary>
        public double TotalDuration { get; set; }
    }

    /// <summary>Counts and rates shared by scenario and strategy results.</summary>
    public abstract class ExecutionSummary
    {
        /// <summary>Settled deployments, any status.</summary>
        public int Executions { get; set; }
        /// <summary>Status Succeeded.</summary>
        public int Succeeded { get; set; }
        /// <summary>Status Failed (strategy or sandbox error).</summary>
        public int Failed { get; set; }
        /// <summary>Status TimedOut.</summary>
        public int TimedOut { get; set; }
        /// <summary>Status OutOfMemory.</summary>
        public int OutOfMemory { get; set; }
        /// <summary>Status Rejected (circuit open; never ran).</summary>
        public int Rejected { get; set; }
        /// <summary>Status Cancelled (stopped by Ctrl+C; excluded from the rates).</summary>
        public int Cancelled { get; set; }
        /// <summary>Extra attempts made by retries.</summary>
        public int Retries { get; set; }
        /// <summary>Succeeded / (Executions − Cancelled); 0 when nothing ran.</summary>
        public double SuccessRate { get; set; }
        /// <summary>(Failed + TimedOut + OutOfMemory) / (Executions − Cancelled). SuccessRate + ErrorRate + rejected share = 1.</summary>
        public double ErrorRate { get; set; }
        /// <summary>Settled, non-cancelled deployments per second of the scenario's wall time.</summary>
        public double ThroughputPerSecond { get; set; }
        /// <summary>Deployment latency (Duration) of deployments that ran (not Rejected, not Cancelled).</summary>
        public LatencyStatistics Latency { get; set; } = new LatencyStatistics();
        /// <summary>Failures by ErrorId.</summary>
        public Dictionary<string, int> Errors { get; set; } = new Dictionary<string, int>(StringComparer.Ordinal);
    }

    /// <summary>One scenario's measurements.</summary>
    public sealed class ScenarioResult : ExecutionSummary
    {
        /// <summary>Scenario name.</summary>
        public string Name { get; set; } = "";
        /// <summary>Agents.</summary>
        public int Agents { get; set; }
        /// <summary>Iterations per agent.</summary>
        public int Iterations { get; set; }
        /// <summary>Deployments planned (Agents × Iterations).</summary>
        public int Planned { get; set; }
        /// <summary>Strategies deployed.</summary>
        public List<string> StrategyNames { get; set; } = new List<string>();
        /// <summary>Symbols deployed.</summary>
        public List<string> Symbols { get; set; } = new List<string>();
        /// <summary>When it started (UTC).</summary>
        public DateTimeOffset StartedAt { get; set; }
        /// <summary>From starting the swarm to the last settled result, in ms (the throughput denominator).</summary>
        public double WallTimeMs { get; set; }
        /// <summary>Time of the create-sandbox step of each agent's first deployment.</summary>
        public LatencyStatistics SandboxStart { get; set; } = new LatencyStatistics();
        /// <summary>Cleanup timings reported by the executor (per agent or per step).</summary>
        public LatencyStatistics Cleanup { get; set; } = new LatencyStatistics();
        /// <summary>The raw cleanup timings.</summary>
        public List<CleanupTiming> CleanupTimings { get; set; } = new List<CleanupTiming>();
        /// <summary>Per-strategy results within the scenario.</summary>
        public List<StrategyResult> Strategies { get; set; } = new List<StrategyResult>();
        /// <summary>Threshold checks.</summary>
        public List<ThresholdResult> Thresholds { get; set; } = new List<ThresholdResult>();
        /// <summary>Every threshold passed and the scenario was not cut short.</summary>
        public bool Passed { get; set; }
        /// <summary>Cut short by cancellation.</summary>
        public bool Incomplete { get; set; }
    }

    /// <summary>One strategy's measurements (within a scenario or over all).</summary>
    public sealed class StrategyResult : ExecutionSummary
    {
        /// <summary>Strategy name.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Mean total return of its successful backtests (null when none).</summary>
        public double? AverageTotalReturn { get; set; }
        /// <summary>Mean Sharpe ratio of its successful backtests (null when none).</summary>
        public double? AverageSharpe { get; set; }
        /// <summary>Mean max drawdown of its successful backtests (null when none).</summary>
        public double? AverageMaxDrawdown { get; set; }
    }

    /// <summary>One threshold check.</summary>
    public sealed class ThresholdResult
    {
        /// <summary>Scenario checked.</summary>
        public string Scenario { get; set; } = "";
        /// <summary>Threshold name: MaxLatencyMs, MinThroughput, MaxErrorRate or MinSuccessRate.</summary>
        public string Name { get; set; } = "";
        /// <summary>What was measured (e.g. "P95 latency (ms)").</summary>
        public string Metric { get; set; } = "";
        /// <summary>"&lt;=" or "&gt;=".</summary>
        public string Comparison { get; set; } = "";
        /// <summary>The limit.</summary>
        public double Limit { get; set; }
        /// <summary>The measured value.</summary>
        public double Measured { get; set; }
        /// <summary>Whether the measured value is within the limit.</summary>
        public bool Passed { get; set; }
        /// <summary>One line for humans, e.g. "P95 latency 812.4 ms &lt;= 5000 ms: pass".</summary>
        public string Message { get; set; } = "";
    }

    /// <summary>One settled deployment: a CSV row.</summary>
    public sealed class BenchmarkExecution
    {
        /// <summary>Scenario.</summary>
        public string Scenario { get; set; } = "";
        /// <summary>Position in the scenario's plan.</summary>
        public int Sequence { get; set; }
        /// <summary>Strategy.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Symbol.</summary>
        public string Symbol { get; set; } = "";
        /// <summary>Agent.</summary>
        public string AgentId { get; set; } = "";
        /// <summary>Sandbox.</summary>
        public string SandboxId { get; set; } = "";
        /// <summary>Status.</summary>
        public DeploymentStatus Status { get; set; }
        /// <summary>Error id, when it failed.</summary>
        public string? ErrorId { get; set; }
        /// <summary>Error message, when it failed.</summary>
        public string? Error { get; set; }
        /// <summary>Deployment Duration in ms.</summary>
        public double LatencyMs { get; set; }
        /// <summary>create-sandbox step in ms (near 0 when the agent reused its sandbox; null when absent).</summary>
        public double? CreateSandboxMs { get; set; }
        /// <summary>load-data step in ms.</summary>
        public double? LoadDataMs { get; set; }
        /// <summary>run step in ms.</summary>
        public double? RunMs { get; set; }
        /// <summary>collect step in ms.</summary>
        public double? CollectMs { get; set; }
        /// <summary>Attempts made.</summary>
        public int Attempts { get; set; }
        /// <summary>When it started (UTC).</summary>
        public DateTimeOffset StartedAt { get; set; }
        /// <summary>Live signal of the backtest.</summary>
        public string? Signal { get; set; }
        /// <summary>Backtest total return.</summary>
        public double? TotalReturn { get; set; }
        /// <summary>Backtest Sharpe ratio.</summary>
        public double? Sharpe { get; set; }
        /// <summary>Backtest max drawdown.</summary>
        public double? MaxDrawdown { get; set; }
        /// <summary>Backtest trade count.</summary>
        public int? Trades { get; set; }
    }

    /// <summary>A strategy's equity curve on one symbol.</summary>
    public sealed class EquityCurve
    {
        /// <summary>Strategy.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Symbol.</summary>
        public string Symbol { get; set; } = "";
        /// <summary>Backtest total return.</summary>
        public double TotalReturn { get; set; }
        /// <summary>Buy-and-hold return over the same window.</summary>
        public double BuyAndHoldReturn { get; set; }
        /// <summary>Downsampled points from the runner.</summary>
        public List<EquityPoint> Points { get; set; } = new List<EquityPoint>();
    }

    /// <summary>Where a benchmark is, for progress bars.</summary>
    public sealed class BenchmarkProgress
    {
        /// <summary>Scenario running.</summary>
        public string Scenario { get; set; } = "";
        /// <summary>1-based number of the scenario.</summary>
        public int ScenarioNumber { get; set; }
        /// <summary>Scenarios in the run.</summary>
        public int ScenarioCount { get; set; }
        /// <summary>Deployments settled in this scenario.</summary>
        public int Completed { get; set; }
        /// <summary>Deployments planned in this scenario.</summary>
        public int Total { get; set; }
        /// <summary>Of those settled, how many failed.</summary>
        public int Failed { get; set; }
        /// <summary>Overall completion 0..100 across all scenarios.</summary>
        public int PercentComplete { get; set; }
        /// <summary>Starting, Running, CleaningUp or Completed.</summary>
        public string Phase { get; set; } = "";
        /// <summary>A status line for Write-Progress.</summary>
        public string StatusDescription => $"{Scenario} ({ScenarioNumber}/{ScenarioCount}): {Completed}/{Total} settled, {Failed} failed — {Phase}";
    }
}
