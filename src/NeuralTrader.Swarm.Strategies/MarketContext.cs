using System;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>A coarse description of a price series' behaviour, used to tag trajectories.</summary>
    public sealed class MarketRegime
    {
        /// <summary>"up", "down" or "sideways" (see <see cref="MarketContext"/> for thresholds).</summary>
        public string Trend { get; set; } = MarketContext.Sideways;

        /// <summary>"low", "normal" or "high" (see <see cref="MarketContext"/> for thresholds).</summary>
        public string Volatility { get; set; } = MarketContext.NormalVolatility;

        /// <summary>Sample standard deviation of daily log returns times sqrt(252).</summary>
        public double AnnualizedVolatility { get; set; }

        /// <summary>Last close / first close - 1 over the whole series.</summary>
        public double TrendReturn { get; set; }

        /// <inheritdoc />
        public override string ToString() => Trend + "/" + Volatility;
    }

    /// <summary>
    /// Classifies a series. Thresholds: the trend is judged on the annualised return
    /// a = (1 + <see cref="MarketRegime.TrendReturn"/>)^(252 / (bars - 1)) - 1: "up" when a &gt; +10%,
    /// "down" when a &lt; -10%, else "sideways". Volatility: annualised volatility &lt; 12% is "low",
    /// &gt; 25% "high", else "normal". A series of fewer than 2 bars is sideways with volatility 0 (low);
    /// with 2 bars the volatility is 0 (a single return has no sample deviation).
    /// </summary>
    public static class MarketContext
    {
        /// <summary>Trend label for rising series.</summary>
        public const string Up = "up";
        /// <summary>Trend label for falling series.</summary>
        public const string Down = "down";
        /// <summary>Trend label for series without a clear direction.</summary>
        public const string Sideways = "sideways";
        /// <summary>Volatility label below <see cref="LowVolatilityBelow"/>.</summary>
        public const string LowVolatility = "low";
        /// <summary>Volatility label between the thresholds.</summary>
        public const string NormalVolatility = "normal";
        /// <summary>Volatility label above <see cref="HighVolatilityAbove"/>.</summary>
        public const string HighVolatility = "high";
        /// <summary>Annualised return above which the trend is "up" (and below whose negative it is "down").</summary>
        public const double TrendThreshold = 0.10;
        /// <summary>Annualised volatility below which volatility is "low".</summary>
        public const double LowVolatilityBelow = 0.12;
        /// <summary>Annualised volatility above which volatility is "high".</summary>
        public const double HighVolatilityAbove = 0.25;

        /// <summary>Describes the whole of <paramref name="series"/> (slice it first for a window).</summary>
        public static MarketRegime Describe(PriceSeries series)
        {
            if (series is null)
            {
                throw new ArgumentNullException(nameof(series));
            }

            double[] close = series.Close;
            int n = close.Length;
            var regime = new MarketRegime();
            if (n < 2)
            {
                regime.Volatility = LowVolatility;
                return regime;
            }

            regime.TrendReturn = close[n - 1] / close[0] - 1.0;
            double annual = Math.Pow(1.0 + regime.TrendReturn, 252.0 / (n - 1)) - 1.0;
            regime.Trend = annual > TrendThreshold ? Up : annual < -TrendThreshold ? Down : Sideways;

            // Welford over daily log returns.
            double mean = 0, m2 = 0;
            int count = 0;
            for (int i = 1; i < n; i++)
            {
                double r = Math.Log(close[i] / close[i - 1]);
                count++;
                double delta = r - mean;
                mean += delta / count;
                m2 += delta * (r - mean);
            }

            double vol = count > 1 ? Math.Sqrt(m2 / (count - 1)) * Math.Sqrt(252.0) : 0.0;
            regime.AnnualizedVolatility = vol;
            regime.Volatility = vol < LowVolatilityBelow ? LowVolatility : vol > HighVolatilityAbove ? HighVolatility : NormalVolatility;
            return regime;
        }
    }
}
