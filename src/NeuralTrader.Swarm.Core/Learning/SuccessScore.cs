using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// The success score in [0,1]. An execution that did not succeed scores 0. A successful backtest scores
    /// <c>1 / (1 + exp(-z))</c> with <c>z = 0.75·Sharpe + 4·(R − R_bh) − 2·MaxDrawdown</c>: the Sharpe ratio, the
    /// excess total return over buy-and-hold on the same window, and the maximum drawdown (fraction). 0.5 means "about as
    /// good as a risk-neutral baseline"; the score rises with Sharpe and excess return and falls with drawdown.
    /// Non-finite inputs count as 0.
    /// </summary>
    public static class SuccessScore
    {
        /// <summary>Weight of the Sharpe ratio.</summary>
        public const double SharpeWeight = 0.75;

        /// <summary>Weight of the excess return over buy-and-hold.</summary>
        public const double ExcessReturnWeight = 4.0;

        /// <summary>Weight of the maximum drawdown.</summary>
        public const double DrawdownWeight = 2.0;

        /// <summary>Computes the score.</summary>
        /// <param name="status">Execution status; anything but <see cref="ExecutionStatus.Succeeded"/> scores 0.</param>
        /// <param name="sharpe">Annualised Sharpe ratio of the strategy.</param>
        /// <param name="totalReturn">Total return of the strategy (fraction).</param>
        /// <param name="buyAndHoldReturn">Buy-and-hold return over the same window (fraction).</param>
        /// <param name="maxDrawdown">Maximum drawdown (fraction, positive).</param>
        /// <returns>The score in [0,1].</returns>
        public static double Compute(ExecutionStatus status, double sharpe, double totalReturn, double buyAndHoldReturn, double maxDrawdown)
        {
            if (status != ExecutionStatus.Succeeded)
            {
                return 0;
            }

            var z = (SharpeWeight * Finite(sharpe))
                + (ExcessReturnWeight * (Finite(totalReturn) - Finite(buyAndHoldReturn)))
                - (DrawdownWeight * Math.Abs(Finite(maxDrawdown)));
            z = Math.Max(-40, Math.Min(40, z));
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        /// <summary>Computes the score from a metrics dictionary (keys <c>sharpe</c>, <c>totalReturn</c>, <c>buyAndHoldReturn</c>, <c>maxDrawdown</c>, case-insensitive).</summary>
        /// <param name="status">Execution status.</param>
        /// <param name="metrics">Backtest metrics.</param>
        /// <returns>The score in [0,1].</returns>
        public static double Compute(ExecutionStatus status, IReadOnlyDictionary<string, double>? metrics)
        {
            if (metrics is null)
            {
                return Compute(status, 0, 0, 0, 0);
            }

            return Compute(status, Get(metrics, "sharpe"), Get(metrics, "totalReturn"), Get(metrics, "buyAndHoldReturn"), Get(metrics, "maxDrawdown"));
        }

        /// <summary>A one-sentence critique with the numbers behind the score.</summary>
        /// <param name="status">Execution status.</param>
        /// <param name="score">The score.</param>
        /// <param name="metrics">Backtest metrics, if any.</param>
        /// <returns>The critique.</returns>
        public static string Critique(ExecutionStatus status, double score, IReadOnlyDictionary<string, double>? metrics)
        {
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (status != ExecutionStatus.Succeeded)
            {
                return "The execution ended as " + status + ", so it scores 0.";
            }

            var r = metrics is null ? 0 : Get(metrics, "totalReturn");
            var bh = metrics is null ? 0 : Get(metrics, "buyAndHoldReturn");
            var s = metrics is null ? 0 : Get(metrics, "sharpe");
            var dd = metrics is null ? 0 : Get(metrics, "maxDrawdown");
            var verdict = score >= 0.5 ? "beats" : "trails";
            return string.Format(
                inv,
                "Score {0:0.00}: {1} the baseline with return {2:P1} vs buy-and-hold {3:P1}, Sharpe {4:0.00}, max drawdown {5:P1}.",
                score,
                verdict,
                r,
                bh,
                s,
                dd);
        }

        private static double Finite(double value) => double.IsNaN(value) || double.IsInfinity(value) ? 0 : value;

        private static double Get(IReadOnlyDictionary<string, double> metrics, string name)
        {
            foreach (var pair in metrics)
            {
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value;
                }
            }

            return 0;
        }
    }
}
