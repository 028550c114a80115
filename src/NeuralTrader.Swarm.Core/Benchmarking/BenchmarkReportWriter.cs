using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>Paths of the files one report was written to.</summary>
    public sealed class BenchmarkReportFiles
    {
        /// <summary>The UTC timestamp in the names (<see cref="FileStamp"/>, e.g. 2026-11-24T07-08-07-000Z).</summary>
        public string Timestamp { get; set; } = "";
        /// <summary>benchmark-&lt;ts&gt;.json: the whole report.</summary>
        public string Json { get; set; } = "";
        /// <summary>benchmark-&lt;ts&gt;.txt: human summary.</summary>
        public string Text { get; set; } = "";
        /// <summary>benchmark-&lt;ts&gt;.csv: one row per execution.</summary>
        public string Csv { get; set; } = "";
        /// <summary>benchmark-&lt;ts&gt;.html: self-contained report with charts.</summary>
        public string Html { get; set; } = "";
        /// <summary>coordinator-&lt;ts&gt;.txt: swarm and learning statistics.</summary>
        public string Coordinator { get; set; } = "";

        /// <summary>All paths.</summary>
        public IReadOnlyList<string> All => new[] { Json, Text, Csv, Html, Coordinator };
    }

    /// <summary>
    /// Writes a <see cref="BenchmarkReport"/> as the original design's files, named with the report's UTC
    /// start time (<see cref="FileStamp"/>): benchmark-&lt;ts&gt;.json/.txt/.csv/.html and coordinator-&lt;ts&gt;.txt. When a
    /// file of that name exists, a counter is appended (benchmark-&lt;ts&gt;-2.*) so nothing is overwritten.
    /// </summary>
    public static class BenchmarkReportWriter
    {
        /// <summary>Options used for benchmark-&lt;ts&gt;.json (camelCase, enums as strings, indented).</summary>
        public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

        /// <summary>CSV columns, in order.</summary>
        public static IReadOnlyList<string> CsvColumns { get; } = new[]
        {
            "scenario", "sequence", "strategy", "symbol", "agent", "sandbox", "status", "error_id", "latency_ms",
            "create_sandbox_ms", "load_data_ms", "run_ms", "collect_ms", "attempts", "started_at",
            "signal", "total_return", "sharpe", "max_drawdown", "trades", "error",
        };

        /// <summary>
        /// Throws BenchmarkReportNotWritten when <paramref name="directory"/> is an existing file, so a benchmark is
        /// refused before it runs instead of failing to write its reports afterwards.
        /// </summary>
        public static void CheckDirectory(string directory)
        {
            var full = Path.GetFullPath(directory);
            if (File.Exists(full))
            {
                throw new SwarmException(SwarmErrorIds.BenchmarkReportNotWritten, SwarmErrorKind.InvalidArgument,
                    $"The benchmark output folder '{full}' is an existing file; name a folder (it is created when missing).", full);
            }
        }

        /// <summary>Writes every file into <paramref name="directory"/> (created when missing) and returns their paths.</summary>
        public static BenchmarkReportFiles Write(BenchmarkReport report, string directory)
        {
            if (report == null)
                throw new ArgumentNullException(nameof(report));
            if (string.IsNullOrWhiteSpace(directory))
                throw new ArgumentException("An output directory is required.", nameof(directory));
            Directory.CreateDirectory(directory);

            string ts = FileStamp.Of(report.StartedAt);
            string stamp = ts;
            for (int n = 2; Exists(directory, stamp); n++)
                stamp = ts + "-" + n.ToString(CultureInfo.InvariantCulture);

            var files = new BenchmarkReportFiles
            {
                Timestamp = stamp,
                Json = Path.Combine(directory, $"benchmark-{stamp}.json"),
                Text = Path.Combine(directory, $"benchmark-{stamp}.txt"),
                Csv = Path.Combine(directory, $"benchmark-{stamp}.csv"),
                Html = Path.Combine(directory, $"benchmark-{stamp}.html"),
                Coordinator = Path.Combine(directory, $"coordinator-{stamp}.txt"),
            };
            var utf8 = new UTF8Encoding(false);
            File.WriteAllText(files.Json, ToJson(report), utf8);
            File.WriteAllText(files.Text, ToText(report), utf8);
            File.WriteAllText(files.Csv, ToCsv(report), utf8);
            File.WriteAllText(files.Html, HtmlReport.Render(report), utf8);
            File.WriteAllText(files.Coordinator, ToCoordinatorText(report), utf8);
            return files;
        }

        /// <summary>The report as JSON.</summary>
        public static string ToJson(BenchmarkReport report) => JsonSerializer.Serialize(report, JsonOptions);

        /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
        public static BenchmarkReport FromJson(string json) =>
            JsonSerializer.Deserialize<BenchmarkReport>(json, JsonOptions) ?? throw new InvalidDataException("The benchmark JSON is empty.");

        /// <summary>One header row and one row per execution (RFC 4180: fields with comma, quote, CR or LF are quoted, quotes doubled).</summary>
        public static string ToCsv(BenchmarkReport report)
        {
            var sb = new StringBuilder();
            sb.Append(string.Join(",", CsvColumns)).Append("\r\n");
            foreach (var e in report.Executions)
            {
                var fields = new[]
                {
                    e.Scenario, I(e.Sequence), e.Strategy, e.Symbol, e.AgentId, e.SandboxId, e.Status.ToString(), e.ErrorId ?? "",
                    D(e.LatencyMs), D(e.CreateSandboxMs), D(e.LoadDataMs), D(e.RunMs), D(e.CollectMs), I(e.Attempts),
                    e.StartedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                    e.Signal ?? "", D(e.TotalReturn), D(e.Sharpe), D(e.MaxDrawdown), e.Trades.HasValue ? I(e.Trades.Value) : "", e.Error ?? "",
                };
                sb.Append(string.Join(",", fields.Select(CsvField))).Append("\r\n");
            }
            return sb.ToString();
        }

        /// <summary>Quotes a CSV field when needed (RFC 4180). Fields starting with =, +, - or @ stay as they are: this file is data, not a spreadsheet.</summary>
        public static string CsvField(string? value)
        {
            value = value ?? "";
            if (value.IndexOfAny(new[] { ',', '"', '\r', '\n' }) < 0 && value.Trim().Length == value.Length)
                return value;
            return "\"" + value.Replace("\"", "\"\"") + "\"";
        }

        /// <summary>The human summary (benchmark-&lt;ts&gt;.txt).</summary>
        public static string ToText(BenchmarkReport report)
        {
            var sb = new StringBuilder();
            sb.AppendLine("NeuralTrader.Swarm benchmark");
            sb.AppendLine(new string('=', 28));
            sb.AppendLine($"Started:     {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC");
            sb.AppendLine($"Duration:    {report.DurationMs / 1000:0.0} s");
            sb.AppendLine($"Machine:     {report.MachineName}, {report.ProcessorCount} processors, {report.OperatingSystem}");
            sb.AppendLine($"Isolation:   {report.Isolation ?? "unknown"}");
            sb.AppendLine($"Result:      {(report.Passed ? "PASSED" : "FAILED")}{(report.Incomplete ? " (INCOMPLETE: cancelled; figures cover what ran)" : "")}");
            sb.AppendLine($"Percentiles: {report.PercentileDefinition}");
            sb.AppendLine($"Thresholds:  P95 latency <= {report.Thresholds.MaxLatencyMs:0} ms, throughput >= {report.Thresholds.MinThroughput:0.##} ops/s, "
                + $"error rate <= {BenchmarkStatistics.Percent(report.Thresholds.MaxErrorRate)}, success rate >= {BenchmarkStatistics.Percent(report.Thresholds.MinSuccessRate)}");
            if (report.NotRun.Count > 0)
                sb.AppendLine($"Not run:     {string.Join(", ", report.NotRun)}");
            sb.AppendLine();

            foreach (var s in report.Scenarios)
            {
                sb.AppendLine($"Scenario {s.Name}: {s.Agents} agent{(s.Agents == 1 ? "" : "s")} x {s.Iterations} iterations = {s.Planned} deployments{(s.Incomplete ? " (incomplete)" : "")}  [{(s.Passed ? "PASS" : "FAIL")}]");
                sb.AppendLine($"  Strategies {string.Join(", ", s.StrategyNames)} on {string.Join(", ", s.Symbols)}");
                sb.AppendLine($"  Settled {s.Executions}: {s.Succeeded} succeeded, {s.Failed} failed, {s.TimedOut} timed out, {s.OutOfMemory} out of memory, {s.Rejected} rejected, {s.Cancelled} cancelled; {s.Retries} retries");
                sb.AppendLine($"  Wall time {s.WallTimeMs / 1000:0.00} s, throughput {s.ThroughputPerSecond:0.00} ops/s, success {BenchmarkStatistics.Percent(s.SuccessRate)}, errors {BenchmarkStatistics.Percent(s.ErrorRate)}");
                sb.AppendLine($"  Latency ms: avg {s.Latency.AverageMs:0.0}  p50 {s.Latency.P50Ms:0.0}  p95 {s.Latency.P95Ms:0.0}  p99 {s.Latency.P99Ms:0.0}  max {s.Latency.MaxMs:0.0}  (n={s.Latency.Count})");
                sb.AppendLine($"  Sandbox start ms: p50 {s.SandboxStart.P50Ms:0.0}  p95 {s.SandboxStart.P95Ms:0.0} (n={s.SandboxStart.Count});  cleanup ms: p50 {s.Cleanup.P50Ms:0.0}  p95 {s.Cleanup.P95Ms:0.0} (n={s.Cleanup.Count})");
                if (s.Errors.Count > 0)
                    sb.AppendLine($"  Errors: {string.Join(", ", s.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key} x{e.Value}"))}");
                sb.AppendLine("  Thresholds:");
                foreach (var t in s.Thresholds)
                    sb.AppendLine($"    [{(t.Passed ? "pass" : "FAIL")}] {t.Message}");
                sb.AppendLine("  Strategy            n   success  errors   avg ms   p50 ms   p95 ms   p99 ms   ops/s");
                foreach (var st in s.Strategies)
                {
                    sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "  {0,-16} {1,4} {2,8} {3,7} {4,8:0.0} {5,8:0.0} {6,8:0.0} {7,8:0.0} {8,7:0.00}",
                        Truncate(st.Strategy, 16), st.Executions, BenchmarkStatistics.Percent(st.SuccessRate), BenchmarkStatistics.Percent(st.ErrorRate),
                        st.Latency.AverageMs, st.Latency.P50Ms, st.Latency.P95Ms, st.Latency.P99Ms, st.ThroughputPerSecond));
                }

                sb.AppendLine();
            }

            if (report.Strategies.Count > 0)
            {
                sb.AppendLine("Backtests by strategy (successful runs)");
                foreach (var st in report.Strategies)
                {
                    sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "  {0,-16} avg return {1,8}  avg Sharpe {2,6}  avg max drawdown {3,7}",
                        Truncate(st.Strategy, 16), st.AverageTotalReturn.HasValue ? BenchmarkStatistics.Percent(st.AverageTotalReturn.Value) : "-",
                        st.AverageSharpe?.ToString("0.00", CultureInfo.InvariantCulture) ?? "-",
                        st.AverageMaxDrawdown.HasValue ? BenchmarkStatistics.Percent(st.AverageMaxDrawdown.Value) : "-"));
                }

                sb.AppendLine();
            }

            sb.AppendLine("Recommendations");
            if (report.Recommendations.Count == 0)
                sb.AppendLine("  None: every rule is within its limits.");
            foreach (var r in report.Recommendations)
            {
                sb.AppendLine($"  [{r.Severity}] {r.Category}: {r.Finding}");
                sb.AppendLine($"      -> {r.Action}");
            }
            return sb.ToString();
        }

        /// <summary>The coordinator file: swarm totals of the benchmark plus the caller's learning statistics and patterns.</summary>
        public static string ToCoordinatorText(BenchmarkReport report)
        {
            var sb = new StringBuilder();
            sb.AppendLine("NeuralTrader.Swarm coordinator");
            sb.AppendLine(new string('=', 30));
            sb.AppendLine($"Written:          {report.CompletedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (benchmark started {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
            sb.AppendLine($"Isolation:        {report.Isolation ?? "unknown"}");
            int total = report.Scenarios.Sum(s => s.Executions);
            int ok = report.Scenarios.Sum(s => s.Succeeded);
            sb.AppendLine($"Executions:       {total} ({ok} succeeded, {total - ok} not)");
            sb.AppendLine($"Peak agents:      {(report.Scenarios.Count > 0 ? report.Scenarios.Max(s => s.Agents) : 0)}");
            double allLatency = report.Executions.Where(e => e.Status != DeploymentStatus.Rejected && e.Status != DeploymentStatus.Cancelled).Select(e => e.LatencyMs).DefaultIfEmpty(0).Average();
            sb.AppendLine($"Average duration: {allLatency:0.0} ms");
            sb.AppendLine();
            sb.AppendLine("Learning");
            var l = report.Learning;
            if (l == null)
            {
                sb.AppendLine("  Not available: no learning statistics were supplied.");
            }
            else
            {
                sb.AppendLine($"  Enabled:               {(l.Enabled ? "yes" : "no")}");
                sb.AppendLine($"  Trajectories:          {l.Trajectories}");
                sb.AppendLine($"  Patterns:              {l.Patterns}");
                sb.AppendLine($"  High-success patterns: {l.HighSuccessPatterns}");
                sb.AppendLine($"  Average success:       {(l.AverageSuccessRate.HasValue ? BenchmarkStatistics.Percent(l.AverageSuccessRate.Value) : "-")}");
                if (l.TopPatterns.Count > 0)
                {
                    sb.AppendLine();
                    sb.AppendLine("  Top patterns");
                    foreach (var p in l.TopPatterns)
                        sb.AppendLine($"    {p.Id,-14} {p.Strategy,-16} {p.Context ?? "",-8} success {BenchmarkStatistics.Percent(p.SuccessRate),6}  uses {p.Uses,5}  {p.Parameters}");
                }
                if (!string.IsNullOrWhiteSpace(l.Details))
                {
                    sb.AppendLine();
                    sb.AppendLine(l.Details!.TrimEnd());
                }
            }
            return sb.ToString();
        }

        private static bool Exists(string directory, string stamp) =>
            File.Exists(Path.Combine(directory, $"benchmark-{stamp}.json")) || File.Exists(Path.Combine(directory, $"benchmark-{stamp}.html"))
            || File.Exists(Path.Combine(directory, $"coordinator-{stamp}.txt"));

        private static string Truncate(string s, int n) => s.Length <= n ? s : s.Substring(0, n - 1) + "~";

        private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

        private static string D(double? v) => v.HasValue ? v.Value.ToString("0.###", CultureInfo.InvariantCulture) : "";

        private static JsonSerializerOptions CreateJsonOptions()
        {
            var options = new JsonSerializerOptions
            {
                PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
                WriteIndented = true,
                // Non-finite numbers cannot appear (statistics return 0 for empty sets), so the strict default stays.
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            };
            options.Converters.Add(new JsonStringEnumConverter());
            return options;
        }
    }
}
