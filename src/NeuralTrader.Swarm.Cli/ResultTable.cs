using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

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
            r.Backtest?.Signal, r.Duration.TotalMilliseconds, r.AgentId, r.SandboxId, r.Error is null ? null : Advice.ForCli(r.Error), r.ErrorId, r.Parameters, r.UsedSuggestion, r.Score, r.TrajectoryId, r.Backtest);
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
            bool validated = results.Any(r => r.Backtest?.Segments is { Count: > 0 });
            var rows = results.Select(r =>
            {
                var m = r.Backtest?.Metrics;
                var cells = new List<string>
                {
                    r.Strategy, r.Symbol, r.Status.ToString(), m == null ? "" : m.StartDate + ".." + m.EndDate,
                    Percent(m?.AnnualizedReturn), Percent(m?.BuyAndHold.AnnualizedReturn), Number(m?.Sharpe), Percent(m?.MaxDrawdown),
                    m?.Trades.ToString(CultureInfo.InvariantCulture) ?? "", r.Backtest?.Signal ?? "",
                };
                if (validated)
                    cells.Add(Number(OutOfSample(r)?.Average(o => o.Sharpe)));
                cells.AddRange(new[] { r.Duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture), (r.Error is null ? "" : Advice.ForCli(r.Error)) });
                return cells.ToArray();
            }).ToList();
            var header = new List<string> { "Strategy", "Symbol", "Status", "Period", "Annual", "B&H annual", "Sharpe", "MaxDD", "Trades", "Signal" };
            if (validated)
                header.Add("OOS Sharpe");
            header.AddRange(new[] { "ms", "Error" });
            Text.Table(output, header, rows);
            output.WriteLine();
            output.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "{0} deployments: {1} succeeded, {2} failed; average {3:0.0} ms; peak {4} agents at once ({5} sandboxes).",
                results.Count, results.Count(r => r.Success), results.Count(r => !r.Success), metrics.AverageDurationMs,
                metrics.PeakActiveAgents, metrics.Isolation));
        }

        private static List<NeuralTrader.Swarm.Protocol.BacktestMetrics>? OutOfSample(DeploymentResult r) =>
            r.Backtest?.Segments?.Where(g => g.Sample == NeuralTrader.Swarm.Protocol.SegmentSamples.Out).Select(g => g.Metrics).ToList() is { Count: > 0 } list ? list : null;

        private static string Percent(double? value) => value.HasValue ? (value.Value * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%" : "";

        private static string Number(double? value) => value.HasValue ? value.Value.ToString("0.00", CultureInfo.InvariantCulture) : "";
    }
}
