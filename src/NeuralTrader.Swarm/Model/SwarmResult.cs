using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Internal;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm
{
    /// <summary>One settled deployment as Start-Swarm writes it: flat properties to pipe and sort on.</summary>
    public sealed class SwarmResult
    {
        internal SwarmResult(DeploymentResult result)
        {
            _deployment = result;
            var metrics = result.Backtest?.Metrics;
            Strategy = result.Strategy;
            StrategyType = result.StrategyType;
            Symbol = result.Symbol;
            Status = result.Status.ToString();
            Success = result.Success;
            TotalReturn = metrics?.TotalReturn;
            AnnualizedReturn = metrics?.AnnualizedReturn;
            BuyAndHoldReturn = metrics?.BuyAndHold.Return;
            BuyAndHoldAnnualizedReturn = metrics?.BuyAndHold.AnnualizedReturn;
            Exposure = metrics?.Exposure;
            Period = metrics == null ? null : metrics.StartDate + ".." + metrics.EndDate;
            var outOfSample = result.Backtest?.Segments?.Where(g => g.Sample == SegmentSamples.Out).Select(g => g.Metrics).ToList();
            if (outOfSample is { Count: > 0 })
            {
                OutOfSampleAnnualizedReturn = outOfSample.Average(m => m.AnnualizedReturn);
                OutOfSampleSharpe = outOfSample.Average(m => m.Sharpe);
            }
            Sharpe = metrics?.Sharpe;
            MaxDrawdown = metrics?.MaxDrawdown;
            Trades = metrics?.Trades;
            Signal = result.Backtest?.Signal;
            Duration = result.Duration;
            AgentId = result.AgentId;
            SandboxId = result.SandboxId;
            Error = result.Error is null ? null : Advice.ForPowerShell(result.Error);
            ErrorId = result.ErrorId;
            ErrorKind = result.ErrorKind?.ToString();
            Parameters = ToHashtable(result.Parameters);
            Score = result.Score;
            UsedSuggestion = result.UsedSuggestion;
            TrajectoryId = result.TrajectoryId;
            StartedAt = result.StartedAt;
            CompletedAt = DateTimeOffset.UtcNow;
            Index = result.Index;
        }

        /// <summary>Strategy name as deployed.</summary>
        public string Strategy { get; }
        /// <summary>Strategy type that ran (momentum, mean-reversion, neural-forecast or a custom image's).</summary>
        public string StrategyType { get; }
        /// <summary>Symbol backtested.</summary>
        public string Symbol { get; }
        /// <summary>Succeeded, Failed, TimedOut, OutOfMemory, Cancelled or Rejected.</summary>
        public string Status { get; }
        /// <summary>True when the backtest ran and returned a result.</summary>
        public bool Success { get; }
        /// <summary>Final equity / initial cash - 1; null when the deployment failed.</summary>
        public double? TotalReturn { get; }
        /// <summary>Total return compounded to a year (365.25-day years for daily bars; see docs/strategies.md).</summary>
        public double? AnnualizedReturn { get; }
        /// <summary>Holding the symbol over the same window: total return.</summary>
        public double? BuyAndHoldReturn { get; }
        /// <summary>Holding the symbol over the same window: annualised return.</summary>
        public double? BuyAndHoldAnnualizedReturn { get; }
        /// <summary>Share of bars with a position (time in market).</summary>
        public double? Exposure { get; }
        /// <summary>First and last bar of the window, e.g. 2015-11-23..2026-03-27.</summary>
        public string? Period { get; }
        /// <summary>With validation: annualised return out of sample (mean over the out-of-sample segments); null otherwise.</summary>
        public double? OutOfSampleAnnualizedReturn { get; }
        /// <summary>With validation: Sharpe ratio out of sample (mean over the out-of-sample segments); null otherwise.</summary>
        public double? OutOfSampleSharpe { get; }
        /// <summary>Annualised Sharpe ratio of the equity's bar returns.</summary>
        public double? Sharpe { get; }
        /// <summary>Largest peak-to-trough fall of equity as a fraction.</summary>
        public double? MaxDrawdown { get; }
        /// <summary>Round trips (positions opened, one still open included); fills are in Backtest.Metrics.Fills.</summary>
        public int? Trades { get; }
        /// <summary>Buy, Sell or Hold: the decision on the last bar.</summary>
        public string? Signal { get; }
        /// <summary>Wall time from start to settled.</summary>
        public TimeSpan Duration { get; }
        /// <summary>Agent that ran the deployment.</summary>
        public string AgentId { get; }
        /// <summary>Sandbox (process or container) it ran in.</summary>
        public string SandboxId { get; }
        /// <summary>What went wrong, or null.</summary>
        public string? Error { get; }
        /// <summary>Stable error id, or null.</summary>
        public string? ErrorId { get; }
        /// <summary>Kind of error, or null.</summary>
        public string? ErrorKind { get; }
        /// <summary>Parameters as used, defaults included when the run succeeded.</summary>
        public Hashtable Parameters { get; }
        /// <summary>The full backtest: metrics, trades, equity curve (made on first use: a sweep rarely reads it).</summary>
        public PSObject? Backtest => _deployment.Backtest == null ? null : _backtest ??= PipelineRecords.From(_deployment.Backtest);
        /// <summary>Learning score in [0,1] when learning is on.</summary>
        public double? Score { get; }
        /// <summary>True when the parameters came from a learned suggestion.</summary>
        public bool UsedSuggestion { get; }
        /// <summary>Id of the recorded trajectory when learning is on.</summary>
        public string? TrajectoryId { get; }
        /// <summary>When the deployment started.</summary>
        public DateTimeOffset StartedAt { get; }
        /// <summary>When the result reached the cmdlet.</summary>
        public DateTimeOffset CompletedAt { get; }
        /// <summary>Position of the deployment in the swarm.</summary>
        public int Index { get; }
        /// <summary>The kind of error as Core gave it, for the error record.</summary>
        internal SwarmErrorKind? Kind => _deployment.ErrorKind;

        private readonly DeploymentResult _deployment;
        private PSObject? _backtest;

        internal static Hashtable ToHashtable(IEnumerable<KeyValuePair<string, object?>>? values)
        {
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            if (values != null)
            {
                foreach (var pair in values)
                    table[pair.Key] = Plain(pair.Value);
            }

            return table;
        }

        /// <summary>Parameters read back from the store arrive as JSON values: give scripts numbers, booleans and strings.</summary>
        internal static object? Plain(object? value)
        {
            if (!(value is System.Text.Json.JsonElement json))
                return value;
            switch (json.ValueKind)
            {
                case System.Text.Json.JsonValueKind.Number:
                    return json.TryGetInt32(out var i) ? i : json.GetDouble();
                case System.Text.Json.JsonValueKind.True:
                    return true;
                case System.Text.Json.JsonValueKind.False:
                    return false;
                case System.Text.Json.JsonValueKind.String:
                    return json.GetString();
                case System.Text.Json.JsonValueKind.Null:
                case System.Text.Json.JsonValueKind.Undefined:
                    return null;
                default:
                    return json.GetRawText();
            }
        }

        /// <inheritdoc />
        public override string ToString() => $"{Strategy}/{Symbol}: {Status}";
    }
}
