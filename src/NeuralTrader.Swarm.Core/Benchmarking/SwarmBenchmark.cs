using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>
    /// Runs benchmark scenarios through an <see cref="ISwarmExecutor"/> and measures them. Cancellation stops
    /// the running scenario, skips the rest and still returns a report (marked Incomplete) with everything
    /// settled so far.
    /// </summary>
    public sealed class SwarmBenchmark
    {
        private readonly ISwarmExecutor _executor;
        private readonly ILogger _logger;

        /// <summary>Creates a benchmark over an executor (<see cref="SwarmExecutor.ForCoordinator"/> for real swarms).</summary>
        public SwarmBenchmark(ISwarmExecutor executor, ILogger<SwarmBenchmark>? logger = null)
        {
            _executor = executor ?? throw new ArgumentNullException(nameof(executor));
            _logger = (ILogger?)logger ?? NullLogger.Instance;
        }

        private static readonly NeuralTrader.Swarm.Protocol.RunOptions FullResults = new NeuralTrader.Swarm.Protocol.RunOptions();

        /// <summary>
        /// Plans a scenario: Agents × Iterations requests; request k deploys strategy k mod S on symbol
        /// (k div S) mod Y, so every strategy runs on every symbol in turn.
        /// </summary>
        public static IReadOnlyList<DeploymentRequest> Plan(BenchmarkScenario scenario, IList<string> strategies, IList<string> symbols)
        {
            var requests = new List<DeploymentRequest>(scenario.TotalExecutions);
            for (int k = 0; k < scenario.TotalExecutions; k++)
            {
                var strategy = strategies[k % strategies.Count];
                var symbol = symbols[(k / strategies.Count) % symbols.Count];
                IDictionary<string, object?>? parameters = null;
                if (scenario.Parameters != null)
                {
                    var match = scenario.Parameters.FirstOrDefault(p => string.Equals(p.Key, strategy, StringComparison.OrdinalIgnoreCase));
                    if (match.Value != null)
                        parameters = new Dictionary<string, object?>(match.Value, StringComparer.OrdinalIgnoreCase);
                }
                // The report draws each pair's equity curve, so results stay full however large the scenario (ResultDetail.Auto).
                requests.Add(new DeploymentRequest(strategy, symbol, parameters) { Task = "benchmark:" + scenario.Name, Options = FullResults });
            }
            return requests;
        }

        /// <summary>
        /// Runs the scenarios in order and returns the report (with recommendations); never throws for
        /// cancellation. <paramref name="progress"/> is called from worker threads (serialised, one call at a
        /// time): a cmdlet should queue the values and write them on the pipeline thread.
        /// Throws InvalidParameter for an invalid scenario, threshold or empty strategy/symbol list.
        /// </summary>
        public async Task<BenchmarkReport> RunAsync(BenchmarkOptions options, IProgress<BenchmarkProgress>? progress = null,
            CancellationToken cancellationToken = default)
        {
            if (options == null)
                throw new ArgumentNullException(nameof(options));
            var scenarios = (options.Scenarios != null && options.Scenarios.Count > 0 ? options.Scenarios : BenchmarkScenario.Defaults.ToList()).ToList();
            options.Thresholds.Validate();
            foreach (var s in scenarios)
                s.Validate();
            var defaultStrategies = Clean(options.Strategies, "strategies");
            var defaultSymbols = Clean(options.Symbols, "symbols");

            var report = new BenchmarkReport
            {
                StartedAt = DateTimeOffset.UtcNow,
                Thresholds = options.Thresholds,
                Isolation = options.Isolation,
                MachineName = Environment.MachineName,
                ProcessorCount = Environment.ProcessorCount,
                OperatingSystem = RuntimeInformation.OSDescription,
            };
            var total = Stopwatch.StartNew();
            var allResults = new List<DeploymentResult>();
            int plannedAll = scenarios.Sum(s => s.TotalExecutions);
            int doneBefore = 0;

            for (int i = 0; i < scenarios.Count; i++)
            {
                var scenario = scenarios[i];
                if (cancellationToken.IsCancellationRequested)
                {
                    report.NotRun.Add(scenario.Name);
                    continue;
                }
                var strategies = scenario.Strategies != null ? Clean(scenario.Strategies, "strategies") : defaultStrategies;
                var symbols = scenario.Symbols != null ? Clean(scenario.Symbols, "symbols") : defaultSymbols;
                var requests = Plan(scenario, strategies, symbols);
                BenchmarkLog.ScenarioStarting(_logger, scenario.Name, scenario.Agents, scenario.Iterations, requests.Count);

                var settled = new ConcurrentQueue<DeploymentResult>();
                int completed = 0, failed = 0;
                long lastSettledTicks = 0;
                var progressGate = new object();
                var started = DateTimeOffset.UtcNow;
                var clock = Stopwatch.StartNew();
                Report(progress, scenario, i, scenarios.Count, 0, 0, requests.Count, doneBefore, plannedAll, "Starting");

                SwarmExecution? execution = null;
                bool cancelled = false;
                try
                {
                    execution = await _executor.ExecuteAsync(requests, scenario.Agents, r =>
                    {
                        settled.Enqueue(r);
                        Interlocked.Exchange(ref lastSettledTicks, clock.Elapsed.Ticks);
                        int c = Interlocked.Increment(ref completed);
                        int f = r.Success ? Volatile.Read(ref failed) : Interlocked.Increment(ref failed);
                        lock (progressGate)
                            Report(progress, scenario, i, scenarios.Count, c, f, requests.Count, doneBefore, plannedAll, "Running");
                    }, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    cancelled = true;
                }
                var returnedAt = clock.Elapsed;

                // Results the executor returned win (complete and in plan order); otherwise what onResult delivered.
                var returned = execution?.Results.Where(r => r != null).ToList();
                var results = returned != null && returned.Count >= settled.Count ? returned : settled.ToList();
                cancelled |= cancellationToken.IsCancellationRequested;
                var lastSettled = TimeSpan.FromTicks(Interlocked.Read(ref lastSettledTicks));
                double wallMs = (lastSettled > TimeSpan.Zero ? lastSettled : returnedAt).TotalMilliseconds;

                var scenarioResult = Measure(scenario, strategies, symbols, results, started, wallMs,
                    execution?.Cleanups ?? Array.Empty<CleanupTiming>(), options.Thresholds);
                scenarioResult.Incomplete = cancelled || results.Count < requests.Count || results.Any(r => r.Status == DeploymentStatus.Cancelled);
                scenarioResult.Passed = !scenarioResult.Incomplete && scenarioResult.Thresholds.All(t => t.Passed);
                if (report.Isolation == null && execution?.Isolation != null)
                    report.Isolation = execution.Isolation;
                report.Scenarios.Add(scenarioResult);
                report.ThresholdResults.AddRange(scenarioResult.Thresholds);
                report.Executions.AddRange(ToExecutions(scenario.Name, requests, results));
                allResults.AddRange(results);
                doneBefore += requests.Count;

                BenchmarkLog.ScenarioDone(_logger, scenario.Name, scenarioResult.Executions, scenarioResult.SuccessRate * 100,
                    scenarioResult.Latency.P95Ms, scenarioResult.ThroughputPerSecond, scenarioResult.Passed);
                foreach (var t in scenarioResult.Thresholds.Where(t => !t.Passed))
                    BenchmarkLog.ThresholdFailed(_logger, t.Message);
                Report(progress, scenario, i, scenarios.Count, results.Count(r => r.Status != DeploymentStatus.Cancelled),
                    results.Count(r => !r.Success && r.Status != DeploymentStatus.Cancelled), requests.Count, doneBefore, plannedAll,
                    scenarioResult.Incomplete ? "Cancelled" : "Completed");
                if (cancelled)
                    BenchmarkLog.Cancelled(_logger, scenario.Name);
            }

            report.Strategies = ByStrategy(allResults, report.Scenarios.Sum(s => s.WallTimeMs));
            report.EquityCurves = EquityCurves(allResults);
            report.Incomplete = report.NotRun.Count > 0 || report.Scenarios.Any(s => s.Incomplete);
            report.Passed = !report.Incomplete && report.Scenarios.Count > 0 && report.Scenarios.All(s => s.Passed);
            report.Learning = options.Learning?.Invoke();
            report.Recommendations = RecommendationEngine.Analyze(RecommendationInput.FromReport(report), options.Rules ?? RecommendationRules.For(options.Thresholds)).ToList();
            report.CompletedAt = DateTimeOffset.UtcNow;
            report.DurationMs = total.Elapsed.TotalMilliseconds;
            return report;
        }

        /// <summary>Measures one scenario's settled results (exposed for tests and custom runners).</summary>
        public static ScenarioResult Measure(BenchmarkScenario scenario, IList<string> strategies, IList<string> symbols,
            IReadOnlyCollection<DeploymentResult> results, DateTimeOffset startedAt, double wallTimeMs,
            IReadOnlyList<CleanupTiming> cleanups, BenchmarkThresholds thresholds)
        {
            var s = BenchmarkStatistics.Summarize<ScenarioResult>(results, wallTimeMs);
            s.Name = scenario.Name;
            s.Agents = scenario.Agents;
            s.Iterations = scenario.Iterations;
            s.Planned = scenario.TotalExecutions;
            s.StrategyNames = strategies.ToList();
            s.Symbols = symbols.ToList();
            s.StartedAt = startedAt;
            s.WallTimeMs = wallTimeMs;
            s.SandboxStart = LatencyStatistics.From(BenchmarkStatistics.SandboxStartTimes(results));
            s.CleanupTimings = cleanups.ToList();
            s.Cleanup = LatencyStatistics.From(cleanups.Select(c => c.DurationMs));
            s.Strategies = ByStrategy(results, wallTimeMs);
            s.Thresholds = BenchmarkStatistics.Evaluate(s, thresholds);
            s.Passed = s.Thresholds.All(t => t.Passed);
            return s;
        }

        private static List<StrategyResult> ByStrategy(IEnumerable<DeploymentResult> results, double wallTimeMs) =>
            results.GroupBy(r => r.Strategy, StringComparer.OrdinalIgnoreCase)
                .Select(g =>
                {
                    var list = g.ToList();
                    var s = BenchmarkStatistics.Summarize<StrategyResult>(list, wallTimeMs);
                    s.Strategy = g.Key;
                    var ok = list.Where(r => r.Success && r.Backtest != null).Select(r => r.Backtest!.Metrics).ToList();
                    if (ok.Count > 0)
                    {
                        s.AverageTotalReturn = ok.Average(m => m.TotalReturn);
                        s.AverageSharpe = ok.Average(m => m.Sharpe);
                        s.AverageMaxDrawdown = ok.Average(m => m.MaxDrawdown);
                    }
                    return s;
                })
                .OrderBy(s => s.Strategy, StringComparer.OrdinalIgnoreCase)
                .ToList();

        private static IEnumerable<BenchmarkExecution> ToExecutions(string scenario, IReadOnlyList<DeploymentRequest> requests, IEnumerable<DeploymentResult> results) =>
            results.OrderBy(r => r.Index).Select(r =>
            {
                double? Op(string name) => r.Operations.FirstOrDefault(o => o.Name == name)?.DurationMs;
                var m = r.Backtest?.Metrics;
                return new BenchmarkExecution
                {
                    Scenario = scenario,
                    Sequence = r.Index,
                    Strategy = string.IsNullOrEmpty(r.Strategy) && r.Index < requests.Count ? requests[r.Index].Strategy : r.Strategy,
                    Symbol = string.IsNullOrEmpty(r.Symbol) && r.Index < requests.Count ? requests[r.Index].Symbol ?? "" : r.Symbol,
                    AgentId = r.AgentId,
                    SandboxId = r.SandboxId,
                    Status = r.Status,
                    ErrorId = r.ErrorId,
                    Error = r.Error,
                    LatencyMs = r.Duration.TotalMilliseconds,
                    CreateSandboxMs = Op("create-sandbox"),
                    LoadDataMs = Op("load-data"),
                    RunMs = Op("run"),
                    CollectMs = Op("collect"),
                    Attempts = r.Attempts,
                    StartedAt = r.StartedAt,
                    Signal = r.Backtest?.Signal,
                    TotalReturn = m?.TotalReturn,
                    Sharpe = m?.Sharpe,
                    MaxDrawdown = m?.MaxDrawdown,
                    Trades = m?.Trades,
                };
            });

        private static List<EquityCurve> EquityCurves(IEnumerable<DeploymentResult> results)
        {
            var curves = new List<EquityCurve>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var r in results.Where(r => r.Success && r.Backtest != null && r.Backtest.Equity.Count > 1))
            {
                if (!seen.Add(r.Strategy + "\u0001" + r.Symbol))
                    continue;
                curves.Add(new EquityCurve
                {
                    Strategy = r.Strategy,
                    Symbol = r.Symbol,
                    TotalReturn = r.Backtest!.Metrics.TotalReturn,
                    BuyAndHoldReturn = r.Backtest.Metrics.BuyAndHold.Return,
                    Points = r.Backtest.Equity.ToList(),
                });
            }
            return curves.OrderBy(c => c.Symbol, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Strategy, StringComparer.OrdinalIgnoreCase).ToList();
        }

        private static void Report(IProgress<BenchmarkProgress>? progress, BenchmarkScenario scenario, int index, int count,
            int completed, int failed, int total, int doneBefore, int plannedAll, string phase)
        {
            if (progress == null)
                return;
            progress.Report(new BenchmarkProgress
            {
                Scenario = scenario.Name,
                ScenarioNumber = index + 1,
                ScenarioCount = count,
                Completed = completed,
                Failed = failed,
                Total = total,
                Phase = phase,
                PercentComplete = plannedAll == 0 ? 100 : Math.Min(100, (int)(100L * (doneBefore + (phase == "Completed" || phase == "Cancelled" ? 0 : completed)) / plannedAll)),
            });
        }

        private static List<string> Clean(IEnumerable<string>? values, string what)
        {
            var list = (values ?? Enumerable.Empty<string>()).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim())
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (list.Count == 0)
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, $"The benchmark needs at least one of its {what}.", what);
            return list;
        }
    }

    internal static partial class BenchmarkLog
    {
        [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Benchmark scenario {Scenario}: {Agents} agents x {Iterations} iterations ({Count} deployments)")]
        public static partial void ScenarioStarting(ILogger logger, string scenario, int agents, int iterations, int count);

        [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "Scenario {Scenario}: {Count} settled, success {SuccessPercent:0.0}%, P95 {P95Ms:0.0} ms, {Throughput:0.00} ops/s, passed {Passed}")]
        public static partial void ScenarioDone(ILogger logger, string scenario, int count, double successPercent, double p95Ms, double throughput, bool passed);

        [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "Threshold failed: {Message}")]
        public static partial void ThresholdFailed(ILogger logger, string message);

        [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "Benchmark cancelled during {Scenario}; the report holds what was measured")]
        public static partial void Cancelled(ILogger logger, string scenario);
    }
}
