using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Benchmarks the swarm: runs load scenarios of sandboxed agents, checks thresholds and writes JSON, text, CSV and HTML reports.</para>
    /// <para type="description">Invoke-SwarmBenchmark runs each scenario (agents x iterations deployments of every strategy, cycling through the symbols) on a fresh coordinator with the session's settings (or those of -Coordinator), and measures average, p50, p95 and p99 latency, throughput, success and error rates, sandbox start and cleanup times. The default scenarios are light-load (1 x 10), medium-load (5 x 20) and heavy-load (10 x 30); pick some with -ScenarioName or give your own with -Scenario.</para>
    /// <para type="description">It writes benchmark-TIMESTAMP.json, .txt, .csv and .html (a self-contained report with charts) and coordinator-TIMESTAMP.txt to -OutputDirectory (default: the current location), and returns a report object whose Passed property says whether every threshold held; the file paths are on it (JsonPath, HtmlPath, ...). Each failed threshold also writes a non-terminating error with the FullyQualifiedErrorId BenchmarkThresholdFailed, so -ErrorAction Stop turns a failed gate into a terminating error. Ctrl+C stops the run and still writes the files for what was measured (the report is then Incomplete).</para>
    /// </summary>
    /// <example>
    /// <code>$report = Invoke-SwarmBenchmark -ScenarioName light-load -Strategy momentum -OutputDirectory ./bench
    /// if (-not $report.Passed) { $report.FailedThresholds | Format-Table }</code>
    /// <para>Runs the light-load scenario for one strategy and shows the thresholds it missed.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-SwarmBenchmark -Scenario @{ Name = 'tiny'; Agents = 2; Iterations = 3 } -Strategy momentum -MaxLatencyMs 2000 -MinThroughput 1</code>
    /// <para>Runs a custom scenario with custom thresholds.</para>
    /// </example>
    /// <example>
    /// <code>$report, $executions = Invoke-SwarmBenchmark -ScenarioName light-load -PassThru
    /// $executions | Sort-Object LatencyMs -Descending | Select-Object -First 5</code>
    /// <para>Also writes one object per execution after the report, here the five slowest.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "SwarmBenchmark", DefaultParameterSetName = "ByName")]
    [OutputType(typeof(SwarmBenchmarkReport))]
    [OutputType(PipelineRecords.TypePrefix + "SwarmBenchmarkExecution")]
    public sealed class InvokeSwarmBenchmarkCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>The FullyQualifiedErrorId prefix of a failed threshold.</summary>
        public const string ThresholdFailedErrorId = SwarmErrorIds.BenchmarkThresholdFailed;

        private const int ProgressId = 7302;

        /// <summary>
        /// <para type="description">Built-in scenarios to run: light-load, medium-load, heavy-load. All three when neither this nor -Scenario is given.</para>
        /// </summary>
        [Parameter(ParameterSetName = "ByName", Position = 0)]
        [ArgumentCompleter(typeof(ScenarioNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? ScenarioName { get; set; }

        /// <summary>
        /// <para type="description">Custom scenarios: hashtables or objects with Name, Agents and Iterations (optionally Strategies and Symbols), e.g. @{ Name = 'tiny'; Agents = 2; Iterations = 5 }.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Custom", Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public object[] Scenario { get; set; } = new object[0];

        /// <summary>
        /// <para type="description">Strategies to benchmark (registered names or built-in types). Default momentum, mean-reversion, neural-forecast.</para>
        /// </summary>
        [Parameter]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Strategy { get; set; }

        /// <summary>
        /// <para type="description">Symbols the deployments cycle through. Default SPY, QQQ, IWM, TSLA.</para>
        /// </summary>
        [Parameter]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Highest acceptable p95 latency of a scenario, in milliseconds. Default 5000.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, double.MaxValue)]
        public double MaxLatencyMs { get; set; }

        /// <summary>
        /// <para type="description">Lowest acceptable throughput of a scenario, in executions per second. Default 10.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, double.MaxValue)]
        public double MinThroughput { get; set; }

        /// <summary>
        /// <para type="description">Highest acceptable error rate (0 to 1). Default 0.05.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MaxErrorRate { get; set; }

        /// <summary>
        /// <para type="description">Lowest acceptable success rate (0 to 1). Default 0.95.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MinSuccessRate { get; set; }

        /// <summary>
        /// <para type="description">Folder for the report files; created when missing. Default: the current location.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OutputDirectory { get; set; }

        /// <summary>
        /// <para type="description">Where the scenarios run for this benchmark: Auto, Docker or Process. Default: the configuration's isolation.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("Auto", "Docker", "Process", IgnoreCase = true)]
        public string? Isolation { get; set; }

        /// <summary>
        /// <para type="description">Also writes one object per execution (scenario, strategy, symbol, status, latency, timings) after the report.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var bound = MyInvocation.BoundParameters;
            var scenarios = ParameterSetName == "Custom"
                ? Scenario.Select(BenchmarkSupport.ParseScenario).ToList()
                : ScenarioName != null ? Invoke(() => BenchmarkScenario.Select(ScenarioName).ToList()) : BenchmarkScenario.Defaults.ToList();
            var thresholds = new BenchmarkThresholds();
            if (bound.ContainsKey(nameof(MaxLatencyMs))) thresholds.MaxLatencyMs = MaxLatencyMs;
            if (bound.ContainsKey(nameof(MinThroughput))) thresholds.MinThroughput = MinThroughput;
            if (bound.ContainsKey(nameof(MaxErrorRate))) thresholds.MaxErrorRate = MaxErrorRate;
            if (bound.ContainsKey(nameof(MinSuccessRate))) thresholds.MinSuccessRate = MinSuccessRate;

            var coordinator = GetCoordinator();
            var options = coordinator.Options.Clone();
            options.LoggerFactory = CmdletLoggerFactory.Instance;
            if (Isolation != null)
                options.Isolation = (IsolationMode)Enum.Parse(typeof(IsolationMode), Isolation, ignoreCase: true);
            var registrations = coordinator.GetStrategies();
            var benchmarkOptions = new BenchmarkOptions
            {
                Scenarios = scenarios,
                Thresholds = thresholds,
                // Read after the scenarios, so the coordinator report counts the benchmark's own runs.
                Learning = () => BenchmarkSupport.Learning(coordinator, message => Pump.Post(() => WriteVerbose(message))),
                Isolation = null,
            };
            if (Strategy != null) benchmarkOptions.Strategies = Strategy.ToList();
            if (Symbol != null) benchmarkOptions.Symbols = Symbol.ToList();

            var directory = OutputDirectory != null
                ? GetUnresolvedProviderPathFromPSPath(OutputDirectory)
                : SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            BenchmarkReportWriter.CheckDirectory(directory);

            // Each scenario runs on a fresh coordinator with the configured settings and the registered strategies
            // (over the session's store it reads them from there; without learning they are registered again).
            var executor = SwarmExecutor.ForCoordinator(options, c =>
            {
                var known = c.GetStrategies().Select(r => r.Name).ToList();
                foreach (var r in registrations.Where(r => !known.Contains(r.Name, StringComparer.OrdinalIgnoreCase)))
                {
                    c.RegisterStrategy(r.Name, r.Type, r.Symbols,
                        new Dictionary<string, object?>(r.Parameters.ToDictionary(p => p.Key, p => p.Value)), r.Image, r.Description, replace: true);
                }
            });
            var benchmark = new SwarmBenchmark(executor, CmdletLoggerFactory.Instance.CreateLogger<SwarmBenchmark>());
            var progress = new ProgressRecord(ProgressId, "Invoke-SwarmBenchmark", $"{scenarios.Count} scenario(s)") { PercentComplete = 0 };
            WriteProgress(progress);

            SwarmBenchmarkReport result;
            try
            {
                result = Run(async token =>
                {
                    var report = await benchmark.RunAsync(benchmarkOptions, new SynchronousProgress<BenchmarkProgress>(p => Pump.Post(() =>
                    {
                        progress.PercentComplete = Math.Max(0, Math.Min(100, p.PercentComplete));
                        progress.StatusDescription = p.StatusDescription;
                        progress.CurrentOperation = p.Phase;
                        WriteProgress(progress);
                    })), token).ConfigureAwait(false);
                    // Written here, off the pipeline: a stopped pipeline still gets the files of what was measured.
                    BenchmarkReportFiles? files = null;
                    try
                    {
                        foreach (var r in report.Recommendations)
                            r.Action = Advice.ForPowerShell(r.Action);
                        files = BenchmarkReportWriter.Write(report, directory);
                    }
                    catch (Exception e) when (e is System.IO.IOException || e is UnauthorizedAccessException)
                    {
                        var message = $"The benchmark report could not be written to {directory}: {e.Message}";
                        Pump.Post(() => WriteError(new ErrorRecord(e, SwarmErrorIds.BenchmarkReportNotWritten, ErrorCategory.WriteError, directory)
                        { ErrorDetails = new ErrorDetails(message) }));
                    }
                    return new SwarmBenchmarkReport(report, files);
                });
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                try { WriteProgress(progress); }
                catch (PipelineStoppedException) { }
            }

            if (result.JsonPath != null)
                WriteVerbose("Benchmark report: " + string.Join(", ", result.JsonPath, result.TextPath, result.CsvPath, result.HtmlPath, result.CoordinatorPath));
            WriteObject(result);
            foreach (var failed in result.FailedThresholds)
            {
                var message = (string)failed.Properties["Message"].Value;
                var exception = new SwarmException(ThresholdFailedErrorId, SwarmErrorKind.ResourceLimit, message, failed);
                WriteError(new ErrorRecord(exception, ThresholdFailedErrorId, ErrorCategory.LimitsExceeded, failed)
                {
                    ErrorDetails = new ErrorDetails($"Benchmark threshold failed: {message}"),
                });
            }
            if (PassThru)
                WriteObject(PipelineRecords.FromAll(result.Report.Executions), enumerateCollection: true);
        }
    }
}
