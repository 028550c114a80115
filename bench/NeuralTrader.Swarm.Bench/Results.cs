using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>One measured figure, with the baseline measured beside it in the same run.</summary>
    internal sealed class Metric
    {
        public string Scenario { get; set; } = "";
        public string Name { get; set; } = "";
        public double Value { get; set; }
        public string Unit { get; set; } = "";
        public string? Baseline { get; set; }
        public double? BaselineValue { get; set; }
        /// <summary>Value / baseline (for times, lower is better; for rates, higher).</summary>
        public double? Ratio { get; set; }
        public string? Target { get; set; }
        public bool? Met { get; set; }
        public string? Note { get; set; }

        /// <summary>
        /// A throughput row beside a naive per-execution baseline, with issue [6/6]'s target: >= 1,000/s, and >= 500x when
        /// the baseline is the issue's (a `docker run --rm` per execution).
        /// </summary>
        public static Metric Throughput(string scenario, string name, double rate, string baseline, double naive, bool dockerRunBaseline, string note) => new Metric
        {
            Scenario = scenario, Name = name, Value = rate, Unit = "exec/s", Baseline = baseline, BaselineValue = naive, Ratio = rate / naive,
            Target = dockerRunBaseline ? ">= 1,000 exec/s, >= 500x baseline" : ">= 1,000 exec/s",
            Met = rate >= 1000 && (!dockerRunBaseline || rate / naive >= 500), Note = note,
        };
    }

    internal sealed class Skipped
    {
        public string Scenario { get; set; } = "";
        public string Reason { get; set; } = "";
    }

    internal sealed class ResultsFile
    {
        public string Schema { get; set; } = "neuraltrader-swarm-bench/v1";
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset FinishedAt { get; set; }
        public Dictionary<string, string> Machine { get; set; } = new Dictionary<string, string>();
        public List<Metric> Metrics { get; set; } = new List<Metric>();
        public List<Skipped> Skipped { get; set; } = new List<Skipped>();

        private static readonly JsonSerializerOptions Json = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };

        public void Add(Metric m) { Metrics.Add(m); Console.WriteLine("  " + Describe(m)); }

        public void Skip(string scenario, string reason) { Skipped.Add(new Skipped { Scenario = scenario, Reason = reason }); Console.WriteLine("  skipped " + scenario + ": " + reason); }

        public static ResultsFile Load(string path) => JsonSerializer.Deserialize<ResultsFile>(File.ReadAllText(path), Json) ?? new ResultsFile();

        public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

        private static string F(double v) =>
            double.IsNaN(v) ? "n/a"
            : Math.Abs(v) >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture)
            : Math.Abs(v) >= 10 ? v.ToString("0.0", CultureInfo.InvariantCulture)
            : v.ToString("0.###", CultureInfo.InvariantCulture);

        private static string Describe(Metric m) =>
            $"{m.Scenario} / {m.Name}: {F(m.Value)} {m.Unit}" +
            (m.BaselineValue is double b ? $" (baseline {m.Baseline}: {F(b)} {m.Unit}, ratio {F(m.Ratio ?? double.NaN)})" : "") +
            (m.Target != null ? $" target {m.Target}: {(m.Met == true ? "met" : m.Met == false ? "NOT met" : "-")}" : "");

        /// <summary>The Markdown table the README's Performance section includes.</summary>
        public string ToMarkdown()
        {
            var sb = new StringBuilder();
            sb.AppendLine("| Scenario | Measure | Value | Baseline (same run) | Ratio | Target | Met |");
            sb.AppendLine("|---|---|---:|---|---:|---|:-:|");
            foreach (var m in Metrics)
            {
                string baseline = m.BaselineValue is double b ? $"{m.Baseline}: {F(b)} {m.Unit}" : "";
                string ratio = m.Ratio is double r ? F(r) + "x" : "";
                string met = m.Met == true ? "yes" : m.Met == false ? "**no**" : "";
                string note = m.Note != null ? " (" + m.Note + ")" : "";
                sb.AppendLine($"| {m.Scenario} | {m.Name}{note} | {F(m.Value)} {m.Unit} | {baseline} | {ratio} | {m.Target ?? ""} | {met} |");
            }
            if (Skipped.Count > 0)
            {
                sb.AppendLine();
                foreach (var s in Skipped)
                    sb.AppendLine($"- Not measured: **{s.Scenario}**: {s.Reason}");
            }
            sb.AppendLine();
            var machine = string.Join(", ", Machine.Select(kv => kv.Key + " " + kv.Value));
            sb.AppendLine($"Measured {StartedAt:yyyy-MM-dd HH:mm} UTC on {machine}. Ratios compare figures taken side by side in the same run; absolute figures are for context only.");
            return sb.ToString();
        }
    }
}
