using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>
    /// The self-contained HTML report: inline CSS and inline SVG charts, no scripts, no external resources.
    /// Charts (each an &lt;svg data-chart&gt;): latency (avg/P50/P95/P99 per scenario), throughput, success-rate
    /// (per scenario and strategy), sandbox (start and cleanup P50/P95), and one equity-&lt;SYMBOL&gt; chart per symbol.
    /// </summary>
    internal static class HtmlReport
    {
        /// <summary>Renders the report as one HTML document.</summary>
        public static string Render(BenchmarkReport report)
        {
            if (report == null)
                throw new ArgumentNullException(nameof(report));
            var sb = new StringBuilder();
            string status = report.Incomplete ? "INCOMPLETE" : report.Passed ? "PASSED" : "FAILED";
            string statusClass = report.Incomplete ? "warn" : report.Passed ? "pass" : "fail";
            sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            sb.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            sb.AppendFormat("<title>NeuralTrader.Swarm benchmark {0:yyyy-MM-dd HH:mm:ss} UTC</title>\n", report.StartedAt.UtcDateTime);
            sb.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");

            sb.Append("<header>\n<h1>NeuralTrader.Swarm benchmark</h1>\n");
            sb.AppendFormat("<span class=\"badge {0}\" id=\"verdict\">{1}</span>\n", statusClass, status);
            sb.AppendFormat(CultureInfo.InvariantCulture,
                "<p class=\"meta\">Started {0:yyyy-MM-dd HH:mm:ss} UTC · {1:0.0} s · {2} · {3} processors · {4} · isolation: {5}</p>\n",
                report.StartedAt.UtcDateTime, report.DurationMs / 1000, E(report.MachineName), report.ProcessorCount, E(report.OperatingSystem), E(report.Isolation ?? "unknown"));
            if (report.Incomplete)
            {
                sb.AppendFormat("<p class=\"note warn\">The run was cancelled: figures cover what was measured until then.{0}</p>\n",
                    report.NotRun.Count > 0 ? " Not run: " + E(string.Join(", ", report.NotRun)) + "." : "");
            }

            sb.Append("</header>\n<main>\n");

            // Scenario cards.
            sb.Append("<section class=\"cards\">\n");
            foreach (var s in report.Scenarios)
            {
                sb.AppendFormat(CultureInfo.InvariantCulture,
                    "<div class=\"card\" data-scenario=\"{0}\"><h3>{0} <span class=\"badge small {1}\">{2}</span></h3><p class=\"sub\">{3} × {4} iterations · {5} settled</p>"
                    + "<dl><dt>P95 latency</dt><dd>{6:0.0} ms</dd><dt>Throughput</dt><dd>{7:0.00} ops/s</dd><dt>Success</dt><dd>{8}</dd><dt>Errors</dt><dd>{9}</dd></dl></div>\n",
                    E(s.Name), s.Incomplete ? "warn" : s.Passed ? "pass" : "fail", s.Incomplete ? "incomplete" : s.Passed ? "pass" : "fail",
                    s.Agents == 1 ? "1 agent" : s.Agents.ToString(CultureInfo.InvariantCulture) + " agents", s.Iterations, s.Executions, s.Latency.P95Ms, s.ThroughputPerSecond, Pct(s.SuccessRate), Pct(s.ErrorRate));
            }
            sb.Append("</section>\n");

            // Charts.
            var names = report.Scenarios.Select(s => s.Name).ToList();
            sb.Append("<section class=\"charts\">\n");
            sb.Append(Figure(SvgChart.Bars("latency", "Latency percentiles by scenario (ms)", names, new[]
            {
                new BarSeries("avg", report.Scenarios.Select(s => s.Latency.AverageMs).ToList()),
                new BarSeries("p50", report.Scenarios.Select(s => s.Latency.P50Ms).ToList()),
                new BarSeries("p95", report.Scenarios.Select(s => s.Latency.P95Ms).ToList()),
                new BarSeries("p99", report.Scenarios.Select(s => s.Latency.P99Ms).ToList()),
            }, Ms, report.Thresholds.MaxLatencyMs, "max P95 " + Ms(report.Thresholds.MaxLatencyMs))));

            sb.Append(Figure(SvgChart.Bars("throughput", "Throughput by scenario (deployments/s)", names, new[]
            {
                new BarSeries("ops/s", report.Scenarios.Select(s => s.ThroughputPerSecond).ToList()),
            }, Ops, report.Thresholds.MinThroughput, "min " + Ops(report.Thresholds.MinThroughput))));

            var strategyNames = report.Scenarios.SelectMany(s => s.Strategies.Select(t => t.Strategy)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var colors = StrategyColors(report);
            var successSeries = new List<BarSeries> { new BarSeries("all", report.Scenarios.Select(s => s.SuccessRate).ToList(), "#475569") };
            successSeries.AddRange(strategyNames.Select(n => new BarSeries(n, report.Scenarios.Select(s =>
                s.Strategies.FirstOrDefault(t => string.Equals(t.Strategy, n, StringComparison.OrdinalIgnoreCase))?.SuccessRate ?? 0).ToList(), colors(n))));
            sb.Append(Figure(SvgChart.Bars("success-rate", "Success rate by scenario and strategy", names, successSeries, Pct,
                report.Thresholds.MinSuccessRate, "min " + Pct(report.Thresholds.MinSuccessRate), 1.0)));

            sb.Append(Figure(SvgChart.Bars("sandbox", "Sandbox start and cleanup (ms)", names, new[]
            {
                new BarSeries("start p50", report.Scenarios.Select(s => s.SandboxStart.P50Ms).ToList()),
                new BarSeries("start p95", report.Scenarios.Select(s => s.SandboxStart.P95Ms).ToList()),
                new BarSeries("cleanup p50", report.Scenarios.Select(s => s.Cleanup.P50Ms).ToList()),
                new BarSeries("cleanup p95", report.Scenarios.Select(s => s.Cleanup.P95Ms).ToList()),
            }, Ms)));
            sb.Append("</section>\n");

            sb.Append("<h2>Equity curves of the strategies' backtests</h2>\n");
            if (report.EquityCurves.Count == 0)
                sb.Append("<p class=\"note\">No successful backtest returned an equity curve.</p>\n");
            sb.Append("<section class=\"charts\">\n");
            foreach (var symbol in report.EquityCurves.Select(c => c.Symbol).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var series = report.EquityCurves.Where(c => string.Equals(c.Symbol, symbol, StringComparison.OrdinalIgnoreCase))
                    .Select(c => ToLine(c, colors(c.Strategy))).Where(l => l.Points.Count > 1).ToList();
                if (series.Count == 0)
                    continue;
                sb.Append(Figure(SvgChart.Lines("equity-" + symbol, $"Equity curve — {symbol} (return since start)", series, Pct, DateLabel, 0)));
            }
            sb.Append("</section>\n");

            // Thresholds.
            sb.Append("<h2>Thresholds</h2>\n<table id=\"thresholds\"><thead><tr><th>Scenario</th><th>Metric</th><th>Measured</th><th>Limit</th><th>Result</th></tr></thead><tbody>\n");
            foreach (var t in report.ThresholdResults)
            {
                Func<double, string> f = t.Name == nameof(BenchmarkThresholds.MaxLatencyMs) ? Ms
                    : t.Name == nameof(BenchmarkThresholds.MinThroughput) ? Ops : (Func<double, string>)Pct;
                sb.AppendFormat("<tr class=\"{0}\" data-threshold=\"{1}\"><td>{2}</td><td>{3}</td><td class=\"num\">{4}</td><td class=\"num\">{5} {6}</td><td><span class=\"badge small {0}\">{7}</span></td></tr>\n",
                    t.Passed ? "pass" : "fail", E(t.Name), E(t.Scenario), E(t.Metric), E(f(t.Measured)), E(t.Comparison), E(f(t.Limit)), t.Passed ? "pass" : "fail");
            }
            sb.Append("</tbody></table>\n");

            // Per-scenario strategy tables.
            sb.Append("<h2>By scenario and strategy</h2>\n<table id=\"strategies\"><thead><tr><th>Scenario</th><th>Strategy</th><th>n</th><th>Success</th><th>Errors</th><th>Rejected</th>"
                + "<th>avg ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>ops/s</th><th>avg return</th><th>avg Sharpe</th></tr></thead><tbody>\n");
            foreach (var s in report.Scenarios)
            {
                foreach (var st in s.Strategies)
                {
                    sb.AppendFormat(CultureInfo.InvariantCulture,
                        "<tr><td>{0}</td><td>{1}</td><td class=\"num\">{2}</td><td class=\"num\">{3}</td><td class=\"num\">{4}</td><td class=\"num\">{5}</td><td class=\"num\">{6:0.0}</td><td class=\"num\">{7:0.0}</td><td class=\"num\">{8:0.0}</td><td class=\"num\">{9:0.0}</td><td class=\"num\">{10:0.00}</td><td class=\"num\">{11}</td><td class=\"num\">{12}</td></tr>\n",
                        E(s.Name), E(st.Strategy), st.Executions, Pct(st.SuccessRate), Pct(st.ErrorRate), st.Rejected, st.Latency.AverageMs, st.Latency.P50Ms,
                        st.Latency.P95Ms, st.Latency.P99Ms, st.ThroughputPerSecond, st.AverageTotalReturn.HasValue ? Pct(st.AverageTotalReturn.Value) : "–",
                        st.AverageSharpe?.ToString("0.00", CultureInfo.InvariantCulture) ?? "–");
                }
            }
            sb.Append("</tbody></table>\n");

            // Errors.
            var errors = report.Scenarios.SelectMany(s => s.Errors.Select(e => new { s.Name, e.Key, e.Value })).ToList();
            if (errors.Count > 0)
            {
                sb.Append("<h2>Errors</h2>\n<table id=\"errors\"><thead><tr><th>Scenario</th><th>ErrorId</th><th>Count</th></tr></thead><tbody>\n");
                foreach (var e in errors)
                    sb.AppendFormat("<tr><td>{0}</td><td>{1}</td><td class=\"num\">{2}</td></tr>\n", E(e.Name), E(e.Key), e.Value);
                sb.Append("</tbody></table>\n");
            }

            // Recommendations.
            sb.Append("<h2>Recommendations</h2>\n<ul id=\"recommendations\">\n");
            if (report.Recommendations.Count == 0)
                sb.Append("<li class=\"rec Info\">Every rule is within its limits.</li>\n");
            foreach (var r in report.Recommendations)
            {
                sb.AppendFormat("<li class=\"rec {0}\" data-rule=\"{1}\"><span class=\"sev\">{0}</span> <span class=\"cat\">{2}</span> <strong>{3}</strong><br><span class=\"act\">{4}</span></li>\n",
                    r.Severity, E(r.Rule), r.Category, E(r.Finding), E(r.Action));
            }

            sb.Append("</ul>\n");

            sb.AppendFormat(CultureInfo.InvariantCulture,
                "<footer><p>Latency is each deployment's Duration (sandbox acquisition, data load, run, collect). Throughput = settled, non-cancelled deployments ÷ the scenario's wall time. "
                + "Success rate = Succeeded ÷ (settled − cancelled); error rate = (Failed + TimedOut + OutOfMemory) ÷ the same; rejected deployments (open circuit) count in neither. "
                + "Percentiles: {0}.</p></footer>\n", E(report.PercentileDefinition));
            sb.Append("</main>\n</body>\n</html>\n");
            return sb.ToString();
        }

        /// <summary>One colour per strategy, the same in every chart.</summary>
        private static Func<string, string> StrategyColors(BenchmarkReport report)
        {
            var names = report.Scenarios.SelectMany(s => s.Strategies.Select(t => t.Strategy)).Concat(report.EquityCurves.Select(c => c.Strategy))
                .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            return name =>
            {
                int i = names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
                return SvgChart.Palette[(Math.Max(0, i) + 4) % SvgChart.Palette.Length];
            };
        }

        private static LineSeries ToLine(EquityCurve curve, string color)
        {
            var points = new List<KeyValuePair<double, double>>();
            var labels = new List<string>();
            double? first = null;
            for (int i = 0; i < curve.Points.Count; i++)
            {
                var p = curve.Points[i];
                if (!(p.Equity > 0))
                    continue;
                first = first ?? p.Equity;
                double x = DateTime.TryParseExact(p.Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
                    ? d.Ticks / (double)TimeSpan.TicksPerDay : i;
                points.Add(new KeyValuePair<double, double>(x, p.Equity / first.Value - 1));
                labels.Add(p.Date);
            }
            return new LineSeries(curve.Strategy, points, labels, color);
        }

        private static string DateLabel(double days)
        {
            if (days < 1000)
                return "bar " + days.ToString("0", CultureInfo.InvariantCulture);
            return new DateTime((long)(days * TimeSpan.TicksPerDay), DateTimeKind.Utc).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        }

        private static string Figure(string svg) => "<figure>" + svg + "</figure>\n";

        private static string Ms(double v) => v.ToString(v >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture) + " ms";

        private static string Ops(double v) => v.ToString(v >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture) + "/s";

        private static string Pct(double v) => (v * 100).ToString(Math.Abs(v) >= 0.1 || v == 0 ? "0" : "0.#", CultureInfo.InvariantCulture) + "%";

        private static string E(string s) => SvgChart.E(s);

        private const string Css = @"
:root { --fg:#1f2937; --muted:#6b7280; --line:#e5e7eb; --pass:#15803d; --fail:#b91c1c; --warn:#b45309; }
* { box-sizing: border-box; }
body { font-family: -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; color: var(--fg); margin: 0; background: #f8fafc; }
header { background: #0f172a; color: #f8fafc; padding: 20px 32px; }
header h1 { display: inline-block; margin: 0 12px 0 0; font-size: 24px; }
header .meta { color: #cbd5e1; margin: 6px 0 0; font-size: 13px; }
main { padding: 16px 32px 32px; max-width: 1280px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
.badge { display: inline-block; padding: 3px 10px; border-radius: 999px; font-weight: 700; font-size: 13px; color: #fff; vertical-align: middle; }
.badge.small { font-size: 11px; padding: 1px 8px; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.warn { background: var(--warn); }
.note { background: #fffbeb; border: 1px solid #fde68a; padding: 8px 12px; border-radius: 6px; color: #92400e; }
header .note { margin: 10px 0 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; margin-top: 8px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.card h3 { margin: 0; font-size: 16px; } .card .sub { margin: 2px 0 8px; color: var(--muted); font-size: 12px; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
.card dt { color: var(--muted); } .card dd { margin: 0; font-weight: 600; text-align: right; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 12px; margin-top: 12px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg .title { font-size: 14px; font-weight: 600; fill: var(--fg); }
svg .grid { stroke: var(--line); } svg .axis { stroke: #9ca3af; }
svg .tick, svg .cat, svg .legend { fill: #4b5563; } svg .val { fill: #374151; font-size: 10px; paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .threshold { stroke: var(--fail); stroke-dasharray: 6 4; stroke-width: 1.5; } svg .thr { fill: var(--fail); font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 4px; stroke-linejoin: round; }
svg .base { stroke: #9ca3af; stroke-dasharray: 3 3; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); font-size: 13px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; }
th { background: #f1f5f9; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.fail td { background: #fef2f2; }
ul#recommendations { list-style: none; padding: 0; }
.rec { background: #fff; border: 1px solid var(--line); border-left: 4px solid #2563eb; border-radius: 6px; padding: 8px 12px; margin-bottom: 8px; font-size: 13px; }
.rec.Warning { border-left-color: var(--warn); } .rec.Critical { border-left-color: var(--fail); }
.rec .sev { font-weight: 700; } .rec .cat { color: var(--muted); margin-right: 6px; } .rec .act { color: #374151; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
";
    }
}
