using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Core;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>What --json prints for a deployment: the columns users pipe on, plus the full backtest.</summary>
    internal sealed record ResultView(string Strategy, string Symbol, string Status, bool Success, double? TotalReturn, double? Sharpe,
        double? MaxDrawdown, int? Trades, string? Signal, double DurationMs, string AgentId, string SandboxId, string? Error, string? ErrorId,
        IReadOnlyDictionary<string, object?> Parameters, bool UsedSuggestion, double? Score, string? TrajectoryId,
        NeuralTrader.Swarm.Protocol.BacktestResult? Backtest)
    {
        public static ResultView From(DeploymentResult r) => new ResultView(r.Strategy, r.Symbol, r.Status.ToString(), r.Success,
            r.Backtest?.Metrics.TotalReturn, r.Backtest?.Metrics.Sharpe, r.Backtest?.Metrics.MaxDrawdown, r.Backtest?.Metrics.Trades,
            r.Backtest?.Signal, r.Duration.TotalMilliseconds, r.AgentId, r.SandboxId, r.Error, r.ErrorId, r.Parameters, r.UsedSuggestion, r.Score, r.TrajectoryId, r.Backtest);
    }

    internal static class CliJson
    {
        public static readonly JsonSerializerOptions Options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        };
    }

    /// <summary>The human table: one row per deployment, then totals.</summary>
    internal static class ResultTable
    {
        public static void Write(TextWriter output, IReadOnlyList<DeploymentResult> results, SwarmMetrics metrics)
        {
            var rows = results.Select(r => new[]
            {
                r.Strategy, r.Symbol, r.Status.ToString(),
                Percent(r.Backtest?.Metrics.TotalReturn), Number(r.Backtest?.Metrics.Sharpe), Percent(r.Backtest?.Metrics.MaxDrawdown),
                r.Backtest?.Metrics.Trades.ToString(CultureInfo.InvariantCulture) ?? "", r.Backtest?.Signal ?? "",
                r.Duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), r.AgentId, r.Error ?? "",
            }).ToList();
            var header = new[] { "Strategy", "Symbol", "Status", "Return", "Sharpe", "MaxDD", "Trades", "Signal", "ms", "Agent", "Error" };
            var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
            void Line(string[] cells) => output.WriteLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
            Line(header);
            Line(widths.Select(w => new string('-', w)).ToArray());
            rows.ForEach(Line);
            output.WriteLine();
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0} deployments: {1} succeeded, {2} failed; average {3:0.0} ms; peak {4} agents at once ({5} sandboxes).",
                results.Count, results.Count(r => r.Success), results.Count(r => !r.Success), metrics.AverageDurationMs,
                metrics.PeakActiveAgents, metrics.Isolation));
        }

        private static string Percent(double? value) => value.HasValue ? (value.Value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "";

        private static string Number(double? value) => value.HasValue ? value.Value.ToString("0.00", CultureInfo.InvariantCulture) : "";
    }
}
