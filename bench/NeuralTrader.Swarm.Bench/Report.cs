using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>Adds BenchmarkDotNet's figures (full JSON export) to the scenario results and writes the Markdown table.</summary>
    internal static class Report
    {
        public static int Write(string input, string? microDir, string markdown)
        {
            var results = ResultsFile.Load(input);
            results.Metrics.RemoveAll(m => m.Scenario.StartsWith("micro", StringComparison.Ordinal));
            if (microDir != null && Directory.Exists(microDir))
            {
                foreach (var file in Directory.GetFiles(microDir, "*-report-full*.json"))
                    AddMicro(results, file);
            }
            else
            {
                results.Skip("micro (BenchmarkDotNet)", "no BenchmarkDotNet results found in " + (microDir ?? "(none)"));
            }
            results.Save(input);
            File.WriteAllText(markdown, results.ToMarkdown());
            Console.WriteLine("wrote " + input + " and " + markdown);
            return 0;
        }

        /// <summary>
        /// Replaces the Docker rows (metrics and skips whose scenario names Docker) of <paramref name="input"/> with
        /// those of <paramref name="from"/> (a `scenarios --only docker` run), keeps every other row, writes both files.
        /// </summary>
        public static int MergeDocker(string input, string from, string markdown) =>
            Merge(input, from, markdown, scenario => scenario.IndexOf("Docker", StringComparison.Ordinal) >= 0, "docker", "docker rows measured", "bench/run.sh --docker-only");

        /// <summary>Replaces the scale-out rows (issue [4/7], bench/scale.sh) of a results JSON with another run's; they go before the micro rows.</summary>
        public static int MergeScale(string input, string from, string markdown) =>
            Merge(input, from, markdown, scenario => scenario.StartsWith("8. scale-out", StringComparison.Ordinal), "8. scale-out", "scale-out rows measured", "bench/scale.sh");

        private static int Merge(string input, string from, string markdown, Func<string, bool> owns, string skippedName, string machineKey, string how)
        {
            var results = ResultsFile.Load(input);
            var other = ResultsFile.Load(from);
            int at = results.Metrics.FindIndex(m => owns(m.Scenario));
            if (at < 0) at = results.Metrics.FindIndex(m => m.Scenario.StartsWith("micro", StringComparison.Ordinal));
            if (at < 0) at = results.Metrics.Count;
            at -= results.Metrics.Take(at).Count(m => owns(m.Scenario));
            results.Metrics.RemoveAll(m => owns(m.Scenario));
            results.Metrics.InsertRange(at, other.Metrics.Where(m => owns(m.Scenario)));
            results.Skipped.RemoveAll(s => owns(s.Scenario) || s.Scenario == skippedName);
            results.Skipped.AddRange(other.Skipped.Where(s => owns(s.Scenario) || s.Scenario == skippedName));
            var loads = other.Machine.TryGetValue("load at start", out var start) && other.Machine.TryGetValue("load at end", out var end) ? $", load {start} -> {end}" : "";
            results.Machine[machineKey] = other.StartedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC (" + how + loads + ")";
            results.Save(input);
            File.WriteAllText(markdown, results.ToMarkdown());
            Console.WriteLine("merged the rows of " + from + " into " + input + " and " + markdown);
            return 0;
        }

        private static void AddMicro(ResultsFile results, string file)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            double? rawMean = null;
            var rows = doc.RootElement.GetProperty("Benchmarks").EnumerateArray()
                .Where(b => b.TryGetProperty("Statistics", out var s) && s.ValueKind == JsonValueKind.Object)
                .Select(b => (Method: b.GetProperty("Method").GetString() ?? "", Display: b.GetProperty("DisplayInfo").GetString() ?? "",
                    Parameters: b.TryGetProperty("Parameters", out var p) ? p.GetString() ?? "" : "",
                    Mean: b.GetProperty("Statistics").GetProperty("Mean").GetDouble()))
                .ToList();
            foreach (var row in rows.Where(r => r.Method == "Raw"))
                rawMean = row.Mean;
            foreach (var row in rows)
            {
                if (row.Method == "Kernel")
                {
                    double mbars = 1e9 / row.Mean / 1e6;
                    string strategy = row.Parameters.Replace("Strategy=", "");
                    results.Metrics.Add(new Metric { Scenario = "micro (BenchmarkDotNet)", Name = $"kernel {strategy}, 2M minute bars", Value = mbars, Unit = "M bars/s", Target = ">= 50 M bars/s", Met = mbars >= 50, Note = $"mean {row.Mean.ToString("0.0", CultureInfo.InvariantCulture)} ns/bar" });
                }
                else if (row.Method == "Encrypted" && rawMean is double raw)
                {
                    double rate = 1e9 / row.Mean, rawRate = 1e9 / raw;
                    results.Metrics.Add(new Metric { Scenario = "micro (BenchmarkDotNet)", Name = "encrypted + chained append (batches of 100)", Value = rate, Unit = "appends/s", Baseline = "raw SQLite insert, same rows", BaselineValue = rawRate, Ratio = rate / rawRate, Target = ">= 50% of raw", Met = rate / rawRate >= 0.5 });
                }
            }
        }
    }
}
