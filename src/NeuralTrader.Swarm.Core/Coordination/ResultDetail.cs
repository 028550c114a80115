using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// How much of each backtest a swarm's results carry (<see cref="SwarmOptions.ResultDetail"/>). Metrics, parameters,
    /// signal, position and validation segments are always there; the trade list and the equity curve are the bulk of a
    /// result (about 6 KB of the runner's answer for a year of daily bars against 0.8 KB without them). The store never
    /// keeps either: a trajectory holds metrics and parameters whatever the detail.
    /// </summary>
    public enum ResultDetail
    {
        /// <summary>
        /// <see cref="Full"/> for a swarm of up to <see cref="ResultDetails.CompactAbove"/> deployments, <see cref="Metrics"/>
        /// for a larger one (a sweep, whose thousands of curves nobody reads and whose cost per backtest they would triple).
        /// </summary>
        Auto,
        /// <summary>Every result carries its trades and a 100-point equity curve.</summary>
        Full,
        /// <summary>No trades and no equity curve: metrics, parameters, signal and position only.</summary>
        Metrics,
    }

    /// <summary>What <see cref="ResultDetail"/> means for a swarm's run requests.</summary>
    internal static class ResultDetails
    {
        /// <summary>Largest swarm that <see cref="ResultDetail.Auto"/> gives full results.</summary>
        public const int CompactAbove = 100;

        private static readonly RunOptions Compact = new RunOptions { IncludeTrades = false, EquityPoints = 0 };

        /// <summary>
        /// The run options of a deployment in a swarm of <paramref name="swarmSize"/>: its request's own (when it set any,
        /// those win), otherwise the runner's defaults (full) or, for a compact swarm, no trades and no equity curve.
        /// </summary>
        public static RunOptions? For(ResultDetail detail, int swarmSize, RunOptions? requested) =>
            requested ?? (IsCompact(detail, swarmSize) ? Compact : null);

        /// <summary>Whether a swarm of <paramref name="swarmSize"/> deployments returns compact results by default.</summary>
        public static bool IsCompact(ResultDetail detail, int swarmSize) =>
            detail == ResultDetail.Metrics || (detail == ResultDetail.Auto && swarmSize > CompactAbove);
    }
}
