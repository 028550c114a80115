using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// The success score in [0,1]. An execution that did not succeed scores 0. A successful backtest scores
    /// <c>1 / (1 + exp(-z))</c> with <c>z = Sharpe + (Sharpe − Sharpe_bh)</c>: the strategy's Sharpe ratio plus its
    /// excess over the Sharpe of simply holding the symbol on the same window. Sharpe ratios do not depend on the
    /// position size, so a 10-share strategy and a fully invested one are judged alike (comparing total returns
    /// would penalise every small position against full-capital buy-and-hold). 0.5 means "no risk-adjusted edge";
    /// the score rises with the Sharpe ratio and with the edge over buy-and-hold. Non-finite inputs count as 0.
    /// </summary>
    internal static class SuccessScore
    {
        /// <summary>Weight of the strategy's own Sharpe ratio.</summary>
        public const double SharpeWeight = 1.0;

        /// <summary>Weight of the Sharpe ratio in excess of buy-and-hold's.</summary>
        public const double ExcessSharpeWeight = 1.0;

        /// <summary>Computes the score.</summary>
        /// <param name="status">Execution status; anything but <see cref="ExecutionStatus.Succeeded"/> scores 0.</param>
        /// <param name="sharpe">Annualised Sharpe ratio of the strategy.</param>
        /// <param name="buyAndHoldSharpe">Annualised Sharpe ratio of holding the symbol over the same window.</param>
        /// <returns>The score in [0,1].</returns>
        public static double Compute(ExecutionStatus status, double sharpe, double buyAndHoldSharpe)
        {
            if (status != ExecutionStatus.Succeeded)
            {
                return 0;
            }

            var z = (SharpeWeight * Finite(sharpe)) + (ExcessSharpeWeight * (Finite(sharpe) - Finite(buyAndHoldSharpe)));
            z = Math.Max(-40, Math.Min(40, z));
            return 1.0 / (1.0 + Math.Exp(-z));
        }

        /// <summary>Computes the score from a metrics dictionary (keys <c>sharpe</c> and <c>buyAndHoldSharpe</c>, case-insensitive).</summary>
        /// <param name="status">Execution status.</param>
        /// <param name="metrics">Backtest metrics.</param>
        /// <returns>The score in [0,1].</returns>
        public static double Compute(ExecutionStatus status, IReadOnlyDictionary<string, double>? metrics) =>
            metrics is null ? Compute(status, 0, 0) : Compute(status, Get(metrics, "sharpe"), Get(metrics, "buyAndHoldSharpe"));

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
            var bhs = metrics is null ? 0 : Get(metrics, "buyAndHoldSharpe");
            var dd = metrics is null ? 0 : Get(metrics, "maxDrawdown");
            var verdict = score >= 0.5 ? "has a risk-adjusted edge" : "has no risk-adjusted edge";
            return string.Format(
                inv,
                "Score {0:0.00}: {1}: Sharpe {2:0.00} vs buy-and-hold {3:0.00}; return {4:P1} vs buy-and-hold {5:P1}, max drawdown {6:P1}.",
                score,
                verdict,
                s,
                bhs,
                r,
                bh,
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
