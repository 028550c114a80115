using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>How a deployment's execution ended.</summary>
    public enum ExecutionStatus
    {
        /// <summary>The backtest ran and returned metrics.</summary>
        Succeeded = 0,

        /// <summary>The runner or the sandbox failed.</summary>
        Failed = 1,

        /// <summary>The sandbox timeout expired.</summary>
        TimedOut = 2,

        /// <summary>The memory limit was exceeded.</summary>
        OutOfMemory = 3,

        /// <summary>The user cancelled the deployment.</summary>
        Cancelled = 4,
    }

    /// <summary>
    /// One remembered deployment: what was asked, with which parameters, in which market, how it ran and how well it did.
    /// The store keeps <see cref="Id"/>, <see cref="StartedAt"/>, <see cref="CompletedAt"/>, <see cref="StrategyName"/>,
    /// <see cref="Symbol"/> and the outcome's score, success flag and duration in clear; everything else is the
    /// (encrypted) payload.
    /// </summary>
    public sealed class Trajectory
    {
        /// <summary>Unique id (for example the agent id); generated when empty.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>When the deployment started.</summary>
        public DateTimeOffset StartedAt { get; set; }

        /// <summary>When it finished.</summary>
        public DateTimeOffset CompletedAt { get; set; }

        /// <summary>Task description in words, used by similarity search.</summary>
        public string Task { get; set; } = string.Empty;

        /// <summary>Registered strategy name.</summary>
        public string StrategyName { get; set; } = string.Empty;

        /// <summary>Strategy type (momentum, mean-reversion, neural-forecast, custom...).</summary>
        public string StrategyType { get; set; } = string.Empty;

        /// <summary>Symbol the deployment traded.</summary>
        public string Symbol { get; set; } = string.Empty;

        /// <summary>Numeric strategy parameters (booleans as 0/1, dates as days since 1970-01-01).</summary>
        public Dictionary<string, double> Parameters { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

        /// <summary>Market regime of the data window.</summary>
        public MarketContext? Context { get; set; }

        /// <summary>The steps the coordinator took, in order, with timings.</summary>
        public List<OperationStep> Operations { get; set; } = new List<OperationStep>();

        /// <summary>The prediction made before running, if any.</summary>
        public Prediction? Prediction { get; set; }

        /// <summary>How it ended and how good it was.</summary>
        public Outcome Outcome { get; set; } = new Outcome();

        /// <summary>True when the parameters came from a suggestion (autoOptimize).</summary>
        public bool UsedSuggestion { get; set; }

        /// <summary>How many agents the swarm ran at once when this deployment ran.</summary>
        public int SwarmSize { get; set; }

        /// <summary>Wall-clock duration in milliseconds (completed − started).</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public long DurationMs => (long)Math.Max(0, (CompletedAt - StartedAt).TotalMilliseconds);
    }

    /// <summary>Market regime of a data window.</summary>
    public sealed class MarketContext
    {
        /// <summary>Trend label: <c>up</c>, <c>down</c> or <c>sideways</c>.</summary>
        public string Trend { get; set; } = "sideways";

        /// <summary>Volatility label: <c>low</c>, <c>normal</c> or <c>high</c>.</summary>
        public string Volatility { get; set; } = "normal";

        /// <summary>Return of the window (fraction).</summary>
        public double TrendReturn { get; set; }

        /// <summary>Annualised volatility of daily returns (fraction).</summary>
        public double AnnualizedVolatility { get; set; }

        /// <summary>Bars in the window.</summary>
        public int Bars { get; set; }

        /// <summary>Compact label <c>trend/volatility</c>.</summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public string Label => Trend + "/" + Volatility;
    }

    /// <summary>One step of a deployment (resolve-image, create-sandbox, load-data, run, collect, cleanup).</summary>
    public sealed class OperationStep
    {
        /// <summary>Step name.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>How long it took, in milliseconds.</summary>
        public double DurationMs { get; set; }

        /// <summary>False when the step failed.</summary>
        public bool Ok { get; set; } = true;
    }

    /// <summary>A forecast of a deployment's score, made before it runs.</summary>
    public sealed class Prediction
    {
        /// <summary>Expected score in [0,1].</summary>
        public double ExpectedScore { get; set; }

        /// <summary>Confidence in [0,1] (grows with data and shrinks with model uncertainty).</summary>
        public double Confidence { get; set; }

        /// <summary>Observations the prediction was based on.</summary>
        public int Observations { get; set; }
    }

    /// <summary>How a deployment ended.</summary>
    public sealed class Outcome
    {
        /// <summary>Execution status.</summary>
        public ExecutionStatus Status { get; set; }

        /// <summary>True when the execution succeeded (<see cref="ExecutionStatus.Succeeded"/>); see <see cref="Score"/> for how good it was.</summary>
        public bool Success { get; set; }

        /// <summary>Success score in [0,1] (see <c>Learning.SuccessScore</c>).</summary>
        public double Score { get; set; }

        /// <summary>Backtest metrics by name (totalReturn, sharpe, maxDrawdown, trades, buyAndHoldReturn...).</summary>
        public Dictionary<string, double> Metrics { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

        /// <summary>One sentence judging the run.</summary>
        public string Critique { get; set; } = string.Empty;

        /// <summary>Error message when the execution failed.</summary>
        public string? Error { get; set; }
    }
}
