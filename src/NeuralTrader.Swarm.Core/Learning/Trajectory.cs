using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Learning
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

        /// <summary>Classifies a window from its closes: trend by total return (±5%), volatility by annualised stdev (below 12% low, above 30% high).</summary>
        /// <param name="closes">Closing prices in date order.</param>
        /// <returns>The context.</returns>
        public static MarketContext FromCloses(IReadOnlyList<double> closes)
        {
            var context = new MarketContext { Bars = closes?.Count ?? 0 };
            if (closes is null || closes.Count < 2 || closes[0] <= 0)
            {
                return context;
            }

            context.TrendReturn = (closes[closes.Count - 1] / closes[0]) - 1;
            double sum = 0, sumSq = 0;
            var n = 0;
            for (var i = 1; i < closes.Count; i++)
            {
                if (closes[i - 1] <= 0)
                {
                    continue;
                }

                var r = (closes[i] / closes[i - 1]) - 1;
                sum += r;
                sumSq += r * r;
                n++;
            }

            var variance = n > 1 ? (sumSq - (sum * sum / n)) / (n - 1) : 0;
            context.AnnualizedVolatility = Math.Sqrt(Math.Max(0, variance) * 252);
            context.Trend = context.TrendReturn > 0.05 ? "up" : context.TrendReturn < -0.05 ? "down" : "sideways";
            context.Volatility = context.AnnualizedVolatility < 0.12 ? "low" : context.AnnualizedVolatility > 0.30 ? "high" : "normal";
            return context;
        }
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

        /// <summary>Success score in [0,1] (see <see cref="SuccessScore"/>).</summary>
        public double Score { get; set; }

        /// <summary>Backtest metrics by name (totalReturn, sharpe, maxDrawdown, trades, buyAndHoldReturn...).</summary>
        public Dictionary<string, double> Metrics { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

        /// <summary>One sentence judging the run.</summary>
        public string Critique { get; set; } = string.Empty;

        /// <summary>Error message when the execution failed.</summary>
        public string? Error { get; set; }
    }

    /// <summary>Filter for <see cref="TrajectoryStore.Query"/>.</summary>
    public sealed class TrajectoryFilter
    {
        /// <summary>Strategy name (case-insensitive), or null for all.</summary>
        public string? Strategy { get; set; }

        /// <summary>Symbol (case-insensitive), or null for all.</summary>
        public string? Symbol { get; set; }

        /// <summary>Only trajectories completed at or after this time.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Only trajectories completed before this time.</summary>
        public DateTimeOffset? Until { get; set; }

        /// <summary>True: only successful executions; false: only failed ones; null: both.</summary>
        public bool? Success { get; set; }

        /// <summary>Maximum number of results (newest first, or most similar first with <see cref="Similar"/>).</summary>
        public int? Limit { get; set; }

        /// <summary>Ranks by TF-IDF cosine similarity of the task text to this text and drops unrelated ones.</summary>
        public string? Similar { get; set; }
    }

    /// <summary>A trajectory as read back from the store.</summary>
    public sealed class StoredTrajectory
    {
        /// <summary>Insertion sequence (the chain order).</summary>
        public long Sequence { get; set; }

        /// <summary>Record id.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>Start time.</summary>
        public DateTimeOffset StartedAt { get; set; }

        /// <summary>Completion time.</summary>
        public DateTimeOffset CompletedAt { get; set; }

        /// <summary>Strategy name.</summary>
        public string StrategyName { get; set; } = string.Empty;

        /// <summary>Symbol.</summary>
        public string Symbol { get; set; } = string.Empty;

        /// <summary>Success flag (execution succeeded).</summary>
        public bool Success { get; set; }

        /// <summary>Score in [0,1].</summary>
        public double Score { get; set; }

        /// <summary>Duration in milliseconds.</summary>
        public long DurationMs { get; set; }

        /// <summary>True when the payload is encrypted in the store.</summary>
        public bool Encrypted { get; set; }

        /// <summary>Hex SHA3-512 chain fingerprint.</summary>
        public string Fingerprint { get; set; } = string.Empty;

        /// <summary>Similarity to the <see cref="TrajectoryFilter.Similar"/> text, when one was given.</summary>
        public double? Similarity { get; set; }

        /// <summary>The full trajectory, or null when the payload could not be decrypted (no key or a public key only).</summary>
        public Trajectory? Trajectory { get; set; }
    }

    /// <summary>A strategy registration kept in the store so every process sees it.</summary>
    public sealed class StoredStrategy
    {
        /// <summary>Unique name (case-insensitive).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Strategy type.</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>Symbols it trades.</summary>
        public List<string> Symbols { get; set; } = new List<string>();

        /// <summary>Parameters as a JSON object.</summary>
        public string ParametersJson { get; set; } = "{}";

        /// <summary>Container image, if any.</summary>
        public string? Image { get; set; }

        /// <summary>Description.</summary>
        public string? Description { get; set; }

        /// <summary>When it was registered.</summary>
        public DateTimeOffset RegisteredAt { get; set; }
    }

    /// <summary>Result of <see cref="TrajectoryStore.Verify"/>.</summary>
    public sealed class StoreVerification
    {
        /// <summary>True when every record's fingerprint and link checked out and the head matches.</summary>
        public bool IsValid { get; set; }

        /// <summary>Records checked.</summary>
        public long RecordsChecked { get; set; }

        /// <summary>Id of the first record that failed, if any.</summary>
        public string? FirstBadRecordId { get; set; }

        /// <summary>What was wrong, if anything.</summary>
        public string? Problem { get; set; }
    }
}
