using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// The one market-regime classifier: every trajectory is tagged with the regime of its data window, and patterns
    /// and suggestions are grouped by it.
    /// </summary>
    internal static class MarketRegimes
    {
        /// <summary>Total return of the window beyond which the trend is "up" (or, below its negative, "down").</summary>
        public const double TrendThreshold = 0.05;

        /// <summary>Annualised volatility below which volatility is "low".</summary>
        public const double LowVolatilityBelow = 0.12;

        /// <summary>Annualised volatility above which volatility is "high".</summary>
        public const double HighVolatilityAbove = 0.30;

        /// <summary>Classifies a window from its closes: trend by total return (beyond ±<see cref="TrendThreshold"/>), volatility by the annualised standard deviation of daily returns.</summary>
        /// <param name="closes">Closing prices in date order.</param>
        /// <returns>The context.</returns>
        public static MarketContext Classify(IReadOnlyList<double> closes)
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
            context.Trend = context.TrendReturn > TrendThreshold ? "up" : context.TrendReturn < -TrendThreshold ? "down" : "sideways";
            context.Volatility = context.AnnualizedVolatility < LowVolatilityBelow ? "low" : context.AnnualizedVolatility > HighVolatilityAbove ? "high" : "normal";
            return context;
        }
    }
}
