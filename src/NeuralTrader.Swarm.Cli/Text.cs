using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>Formatting shared by the human-readable outputs (invariant culture: output is parsed by scripts too).</summary>
    internal static class Text
    {
        public static string Percent(double value) => (value * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

        public static string Percent(double? value) => value.HasValue ? Percent(value.Value) : "";

        public static string Ms(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

        public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

        public static void Table(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<string[]> rows)
        {
            var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            void Line(IReadOnlyList<string> cells) => output.WriteLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
            Line(header);
            Line(widths.Select(w => new string('-', w)).ToArray());
            foreach (var row in rows)
                Line(row);
        }
    }

    /// <summary>How a pattern reads in a table.</summary>
    internal static class PatternText
    {
        public static void Table(TextWriter output, IReadOnlyList<Pattern> patterns)
        {
            Text.Table(output, new[] { "Kind", "Strategy", "Symbol", "Regime", "Condition", "Rate", "Obs", "Confidence" },
                patterns.Select(p => new[]
                {
                    p.Kind.ToString(), p.Strategy ?? "*", p.Symbol ?? "*", p.Regime ?? "*", p.Condition, Text.Percent(p.SuccessRate),
                    p.ObservationCount.ToString(CultureInfo.InvariantCulture), Text.Percent(p.Confidence),
                }).ToList());
        }

        public static PatternSummary Summary(Pattern p) => new PatternSummary
        {
            Id = p.Id,
            Strategy = p.Strategy ?? "*",
            Context = string.Join(" ", new[] { p.Symbol, p.Regime }.Where(s => s != null)),
            Parameters = p.Kind + ": " + p.Condition,
            SuccessRate = p.SuccessRate,
            Uses = p.ObservationCount,
        };
    }
}
