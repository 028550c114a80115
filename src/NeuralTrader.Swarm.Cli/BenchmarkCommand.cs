using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>benchmark: the original design's E2BBenchmark; exit code 0 when every threshold passes, 1 when one fails.</summary>
    internal static class BenchmarkCommand
    {
        public static Command Create()
        {
            var run = new RunOptions();
            var scenarios = new Option<string[]>("--scenario", "-s")
            {
                Description = "Scenario(s): light-load (1 x 10), medium-load (5 x 20), heavy-load (10 x 30); repeat or comma-separate (default all three).",
                AllowMultipleArgumentsPerToken = true,
            };
            var file = new Option<string?>("--scenarios")
            {
                Description = "A JSON file of custom scenarios and thresholds: { \"scenarios\": [{ \"name\": \"production-load\", \"agents\": 15, \"iterations\": 100 }], " +
                    "\"thresholds\": { \"maxLatencyMs\": 3000 } } (or just the list). -s then picks among them and the built-in ones.",
            };
            var output = new Option<string>("--output", "-o") { Description = "Directory for the report files.", DefaultValueFactory = _ => "./benchmark-results" };
            var strategies = new Option<string?>("--strategies") { Description = "Comma-separated strategies (default momentum,mean-reversion,neural-forecast)." };
            var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols (default SPY,QQQ,IWM,TSLA)." };
            var defaults = new BenchmarkThresholds();
            var maxLatency = new Option<double>("--max-latency") { Description = "Highest P95 latency per deployment, ms.", DefaultValueFactory = _ => defaults.MaxLatencyMs };
            var minThroughput = new Option<double>("--min-throughput") { Description = "Lowest throughput, deployments per second.", DefaultValueFactory = _ => defaults.MinThroughput };
            var maxErrorRate = new Option<double>("--max-error-rate") { Description = "Highest error rate, 0..1.", DefaultValueFactory = _ => defaults.MaxErrorRate };
            var minSuccessRate = new Option<double>("--min-success-rate") { Description = "Lowest success rate, 0..1.", DefaultValueFactory = _ => defaults.MinSuccessRate };

            var command = new Command("benchmark", "Run benchmark scenarios, check thresholds, recommend improvements and write the report files.")
            {
                scenarios, file, output, strategies, symbols, maxLatency, minThroughput, maxErrorRate, minSuccessRate,
            };
            run.AddTo(command);
            command.SetAction((parse, cancellationToken) =>
            {
                // A threshold given on the command line wins over the file's, which wins over the default.
                double Pick(Option<double> option, double? fromFile) =>
                    parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : fromFile ?? parse.GetValue(option);
                ScenarioFile? custom;
                try
                {
                    custom = ScenarioFile.Read(parse.GetValue(file));
                }
                catch (Exception e) when (CliError.Handles(e))
                {
                    return Task.FromResult(CliError.Write(e));
                }
                var limits = custom?.Thresholds;
                return RunAsync(parse, run, new BenchmarkArgs(
                    Split(parse.GetValue(scenarios)), custom?.Scenarios, parse.GetValue(output)!, Split(parse.GetValue(strategies)), Split(parse.GetValue(symbols)),
                    new BenchmarkThresholds
                    {
                        MaxLatencyMs = Pick(maxLatency, limits?.MaxLatencyMs ?? limits?.MaxLatency),
                        MinThroughput = Pick(minThroughput, limits?.MinThroughput),
                        MaxErrorRate = Pick(maxErrorRate, limits?.MaxErrorRate),
                        MinSuccessRate = Pick(minSuccessRate, limits?.MinSuccessRate),
                    }), cancellationToken);
            });
            return command;
        }

        private sealed record BenchmarkArgs(List<string> Scenarios, List<BenchmarkScenario>? Custom, string Output, List<string> Strategies, List<string> Symbols, BenchmarkThresholds Thresholds);

        /// <summary>A --scenarios file: custom scenarios (the original design's production-load, burst-load...) and thresholds.</summary>
        private sealed class ScenarioFile
        {
            public List<BenchmarkScenario>? Scenarios { get; set; }
            public FileThresholds? Thresholds { get; set; }

            public sealed class FileThresholds
            {
                public double? MaxLatencyMs { get; set; }
                /// <summary>The original design's name for MaxLatencyMs.</summary>
                public double? MaxLatency { get; set; }
                public double? MinThroughput { get; set; }
                public double? MaxErrorRate { get; set; }
                public double? MinSuccessRate { get; set; }
            }

            public static ScenarioFile? Read(string? path)
            {
                if (path == null)
                    return null;
                var full = Path.GetFullPath(path);
                if (!File.Exists(full))
                    throw new ArgumentException($"--scenarios: no such file: {full}");
                try
                {
                    var text = File.ReadAllText(full);
                    var file = text.TrimStart().StartsWith("[", StringComparison.Ordinal)
                        ? new ScenarioFile { Scenarios = JsonSerializer.Deserialize<List<BenchmarkScenario>>(text, CliJson.Options) }
                        : JsonSerializer.Deserialize<ScenarioFile>(text, CliJson.Options);
                    if (file?.Scenarios == null || file.Scenarios.Count == 0)
                        throw new ArgumentException($"--scenarios: {full} lists no scenarios; expected {{ \"scenarios\": [{{ \"name\": \"production-load\", \"agents\": 15, \"iterations\": 100 }}] }}.");
                    foreach (var scenario in file.Scenarios)
                        scenario.Validate();
                    return file;
                }
                catch (JsonException e)
                {
                    throw new ArgumentException($"--scenarios: {full} is not a valid scenarios file: {e.Message}", e);
                }
            }
        }

        private static List<string> Split(params string?[]? values) => (values ?? Array.Empty<string?>())
            .SelectMany(v => (v ?? "").Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries))
            .Select(v => v.Trim()).Where(v => v.Length > 0).ToList();

        private static async Task<int> RunAsync(ParseResult parse, RunOptions run, BenchmarkArgs args, CancellationToken cancellationToken)
        {
            bool json = parse.GetValue(run.Common.Json);
            try
            {
                BenchmarkReportWriter.CheckDirectory(args.Output);
                var swarmOptions = run.ToSwarmOptions(parse);
                var options = new BenchmarkOptions
                {
                    Scenarios = args.Scenarios.Count > 0
                        ? BenchmarkScenario.Select(args.Scenarios, (args.Custom ?? new List<BenchmarkScenario>()).Concat(BenchmarkScenario.Defaults)).ToList()
                        : (args.Custom ?? BenchmarkScenario.Defaults.ToList()).ToList(),
                    Thresholds = args.Thresholds,
                    // Read after the scenarios, so the coordinator report counts the benchmark's own runs.
                    Learning = swarmOptions.LearningEnabled ? () => { using var c = new SwarmCoordinator(swarmOptions); return c.GetLearningSummary(); } : null,
                };
                if (args.Strategies.Count > 0)
                    options.Strategies = args.Strategies;
                if (args.Symbols.Count > 0)
                    options.Symbols = args.Symbols.Select(s => s.ToUpperInvariant()).ToList();

                CheckNames(swarmOptions, options);

                var progress = new SynchronousProgress<BenchmarkProgress>(p => Console.Error.WriteLine(
                    $"[{p.PercentComplete,3}%] {p.Scenario} ({p.ScenarioNumber}/{p.ScenarioCount}): {p.Completed}/{p.Total} settled, {p.Failed} failed - {p.Phase}"));
                var report = await new SwarmBenchmark(SwarmExecutor.ForCoordinator(swarmOptions)).RunAsync(options, progress, cancellationToken);

                foreach (var r in report.Recommendations)
                    r.Action = Advice.ForCli(r.Action);
                var files = BenchmarkReportWriter.Write(report, args.Output);
                foreach (var path in files.All)
                    Console.Error.WriteLine("wrote " + path);

                if (json)
                    Console.WriteLine(JsonSerializer.Serialize(new { report, files }, BenchmarkReportWriter.JsonOptions));
                else
                    WriteSummary(Console.Out, report);
                return report.Passed ? 0 : 1;
            }
            catch (Exception e) when (CliError.Handles(e))
            {
                return CliError.Write(e);
            }
        }

        /// <summary>
        /// Unknown strategies and symbols are usage errors (exit 2) before anything runs; otherwise every planned
        /// deployment would fail the same way and the run would look like a failed benchmark.
        /// </summary>
        private static void CheckNames(SwarmOptions swarmOptions, BenchmarkOptions options)
        {
            using var coordinator = new SwarmCoordinator(swarmOptions);
            var strategies = NeuralTrader.Swarm.Strategies.StrategyCatalog.Names.Concat(coordinator.GetStrategies().Select(s => s.Name)).ToList();
            foreach (var name in options.Strategies.Where(n => !strategies.Contains(n, StringComparer.OrdinalIgnoreCase)))
                throw new ArgumentException($"Unknown strategy '{name}' in --strategies. Known: {string.Join(", ", strategies)}.");
            foreach (var symbol in options.Symbols.Where(s => !coordinator.Symbols.Contains(s, StringComparer.OrdinalIgnoreCase)))
                throw new ArgumentException($"No market data for symbol '{symbol}' in --symbols. Available: {string.Join(", ", coordinator.Symbols)} (add more with --data).");
        }


        private static void WriteSummary(TextWriter output, BenchmarkReport report)
        {
            var rows = report.Scenarios.Select(s => new[]
            {
                s.Name, $"{s.Agents}x{s.Iterations}", s.Executions.ToString(CultureInfo.InvariantCulture), Text.Percent(s.SuccessRate),
                Text.Percent(s.ErrorRate), Text.Ms(s.Latency.AverageMs), Text.Ms(s.Latency.P50Ms), Text.Ms(s.Latency.P95Ms), Text.Ms(s.Latency.P99Ms),
                s.ThroughputPerSecond.ToString("0.00", CultureInfo.InvariantCulture), s.Incomplete ? "incomplete" : s.Passed ? "pass" : "FAIL",
            }).ToList();
            Text.Table(output, new[] { "Scenario", "Load", "Runs", "Success", "Errors", "Avg ms", "P50 ms", "P95 ms", "P99 ms", "Ops/s", "Result" }, rows);

            output.WriteLine();
            output.WriteLine("Thresholds:");
            foreach (var t in report.ThresholdResults)
                output.WriteLine("  " + t.Message); // The message names the scenario and ends in pass/FAIL.

            if (report.Recommendations.Count > 0)
            {
                output.WriteLine();
                output.WriteLine("Recommendations:");
                foreach (var r in report.Recommendations)
                    output.WriteLine($"  [{r.Severity}] {r.Category}: {r.Finding} -> {r.Action}");
            }
            output.WriteLine();
            output.WriteLine(report.Incomplete ? "Benchmark incomplete (cancelled)." : report.Passed ? "All thresholds passed." : "Some thresholds failed.");
        }
    }
}
