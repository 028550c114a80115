using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Tests.Benchmarking
{
    public sealed class ReportFileTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nt-bench-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_dir))
                Directory.Delete(_dir, true);
        }

        internal static async Task<BenchmarkReport> SampleReport()
        {
            // neural-forecast fails on TSLA with a message that needs CSV quoting.
            var swarm = new FakeSwarm((r, i) => r.Strategy == "neural-forecast" && r.Symbol == "TSLA" && i % 2 == 1 ? DeploymentStatus.Failed : DeploymentStatus.Succeeded);
            var options = new BenchmarkOptions
            {
                Scenarios = new List<BenchmarkScenario> { new BenchmarkScenario("light-load", 1, 10), new BenchmarkScenario("medium-load", 5, 20) },
                Learning = () => new LearningSummary
                {
                    Trajectories = 110,
                    Patterns = 8,
                    HighSuccessPatterns = 6,
                    AverageSuccessRate = 0.82,
                    TopPatterns = { new PatternSummary { Id = "pat-1", Strategy = "momentum", Context = "SPY", Parameters = "lookback=20", SuccessRate = 0.93, Uses = 40 } },
                },
            };
            var report = await new SwarmBenchmark(swarm).RunAsync(options);
            foreach (var e in report.Executions.Where(e => e.Status == DeploymentStatus.Failed))
                e.Error = "Strategy \"neural-forecast\" failed, retry later\nsecond line";
            return report;
        }

        [Fact]
        public async Task Writes_every_file_named_with_the_utc_timestamp_and_they_parse()
        {
            var report = await SampleReport();
            report.StartedAt = new DateTimeOffset(2026, 11, 24, 9, 8, 7, TimeSpan.FromHours(2));
            var files = BenchmarkReportWriter.Write(report, _dir);

            // The original design's names: the ISO time with ':' and '.' as '-'.
            Assert.Equal("2026-11-24T07-08-07-000Z", files.Timestamp);
            Assert.Equal(new[] { "benchmark-2026-11-24T07-08-07-000Z.csv", "benchmark-2026-11-24T07-08-07-000Z.html", "benchmark-2026-11-24T07-08-07-000Z.json", "benchmark-2026-11-24T07-08-07-000Z.txt", "coordinator-2026-11-24T07-08-07-000Z.txt" },
                Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));

            // JSON: parses as a document and back into the model.
            var json = File.ReadAllText(files.Json);
            using (var doc = JsonDocument.Parse(json))
            {
                Assert.Equal(110, doc.RootElement.GetProperty("executions").GetArrayLength());
                var summary = doc.RootElement.GetProperty("summary");
                Assert.Equal(110, summary.GetProperty("totalExecutions").GetInt32());
                Assert.Equal(report.Executions.Count(e => e.Status == DeploymentStatus.Succeeded) / 110.0, summary.GetProperty("successRate").GetDouble(), 12);
                Assert.Equal(report.DurationMs, summary.GetProperty("totalDuration").GetDouble());
                Assert.Equal("Failed", doc.RootElement.GetProperty("executions").EnumerateArray().First(e => e.GetProperty("status").GetString() != "Succeeded").GetProperty("status").GetString());
                Assert.Equal(2, doc.RootElement.GetProperty("scenarios").GetArrayLength());
                Assert.True(doc.RootElement.GetProperty("scenarios")[0].GetProperty("latency").GetProperty("p95Ms").GetDouble() > 0);
            }
            var back = BenchmarkReportWriter.FromJson(json);
            Assert.Equal(report.Executions.Count, back.Executions.Count);
            Assert.Equal(report.Scenarios[1].Latency.P99Ms, back.Scenarios[1].Latency.P99Ms);
            Assert.Equal(report.Recommendations.Count, back.Recommendations.Count);
            Assert.Equal(report.Scenarios[1].CleanupTimings.Count, back.Scenarios[1].CleanupTimings.Count);
            Assert.Equal(report.EquityCurves[0].Points.Count, back.EquityCurves[0].Points.Count);

            // CSV: header + one row per execution, quoting survives a round trip.
            var rows = ParseCsv(File.ReadAllText(files.Csv));
            Assert.Equal(BenchmarkReportWriter.CsvColumns, rows[0]);
            Assert.Equal(report.Executions.Count, rows.Count - 1);
            Assert.All(rows, r => Assert.Equal(BenchmarkReportWriter.CsvColumns.Count, r.Length));
            var failed = rows.Skip(1).First(r => r[6] == "Failed");
            Assert.Equal("Strategy \"neural-forecast\" failed, retry later\nsecond line", failed[20]);
            Assert.Equal("TSLA", failed[3]);
            Assert.Equal(report.Executions.Count(e => e.Scenario == "medium-load"), rows.Count(r => r[0] == "medium-load"));

            // Text and coordinator files.
            var text = File.ReadAllText(files.Text);
            Assert.Contains("Scenario medium-load: 5 agents x 20 iterations = 100 deployments", text);
            Assert.Contains("[FAIL] medium-load: Success rate", text);
            Assert.Contains("Recommendations", text);
            var coordinator = File.ReadAllText(files.Coordinator);
            Assert.Contains("High-success patterns: 6", coordinator);
            Assert.Contains("pat-1", coordinator);
            Assert.Contains("Executions:       110", coordinator);
        }

        [Fact]
        public async Task A_second_report_in_the_same_second_does_not_overwrite_the_first()
        {
            var report = await SampleReport();
            var first = BenchmarkReportWriter.Write(report, _dir);
            var second = BenchmarkReportWriter.Write(report, _dir);
            Assert.NotEqual(first.Json, second.Json);
            Assert.EndsWith("-2.json", second.Json);
            Assert.Equal(10, Directory.GetFiles(_dir).Length);
        }

        [Fact]
        public async Task Html_is_self_contained_and_holds_every_chart()
        {
            var report = await SampleReport();
            var html = HtmlReport.Render(report);
            Assert.DoesNotContain("<script", html);
            Assert.DoesNotContain("<link", html);
            // The only URL is the SVG namespace.
            Assert.DoesNotContain(Regex.Matches(html, "https?://[^\"]+").Cast<Match>().Select(m => m.Value), u => u != "http://www.w3.org/2000/svg");
            foreach (var chart in new[] { "latency", "throughput", "success-rate", "sandbox", "equity-SPY", "equity-QQQ", "equity-IWM", "equity-TSLA" })
                Assert.Contains($"data-chart=\"{chart}\"", html);
            foreach (var series in new[] { "p50", "p95", "p99", "ops/s", "momentum", "mean-reversion", "neural-forecast" })
                Assert.Contains($"data-series=\"{series}\"", html);
            Assert.Contains("data-threshold=\"5000\"", html);
            Assert.Contains("id=\"recommendations\"", html);
            Assert.Contains("FAILED", html);
        }

        [Fact]
        public void Csv_field_quotes_only_when_needed()
        {
            Assert.Equal("plain", BenchmarkReportWriter.CsvField("plain"));
            Assert.Equal("\"a,b\"", BenchmarkReportWriter.CsvField("a,b"));
            Assert.Equal("\"say \"\"hi\"\"\"", BenchmarkReportWriter.CsvField("say \"hi\""));
            Assert.Equal("\"two\r\nlines\"", BenchmarkReportWriter.CsvField("two\r\nlines"));
            Assert.Equal("\" padded \"", BenchmarkReportWriter.CsvField(" padded "));
            Assert.Equal("", BenchmarkReportWriter.CsvField(null));
        }

        /// <summary>A strict RFC 4180 reader, independent of the writer.</summary>
        internal static List<string[]> ParseCsv(string text)
        {
            var rows = new List<string[]>();
            var row = new List<string>();
            var field = new StringBuilder();
            bool quoted = false;
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        field.Append(c);
                    }
                }
                else if (c == '"')
                {
                    quoted = true;
                }
                else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
                else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    row.Add(field.ToString());
                    field.Clear();
                    rows.Add(row.ToArray());
                    row.Clear();
                    i++;
                }
                else
                {
                    field.Append(c);
                }
            }
            Assert.False(quoted, "unterminated quote");
            Assert.Equal(0, field.Length + row.Count);
            return rows;
        }
    }
}
