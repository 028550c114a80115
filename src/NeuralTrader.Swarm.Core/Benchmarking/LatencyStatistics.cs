using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.Statistics;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>Count, mean, min, max and P50/P95/P99 of a set of durations in milliseconds.</summary>
    public sealed class LatencyStatistics
    {
        /// <summary>
        /// The percentile definition used everywhere in benchmarks: Hyndman and Fan type 7, the default of
        /// R, NumPy and Excel's PERCENTILE.INC. Sort the n values x(1) ≤ … ≤ x(n); for p in [0,1] let
        /// h = (n − 1)·p + 1; the percentile is x(⌊h⌋) + (h − ⌊h⌋)·(x(⌊h⌋+1) − x(⌊h⌋)), i.e. linear interpolation
        /// between the two closest ranks. Computed by MathNet.Numerics
        /// <c>SortedArrayStatistics.QuantileCustom(sorted, p, QuantileDefinition.R7)</c>.
        /// </summary>
        public const string PercentileDefinition =
            "Hyndman-Fan type 7 (R-7; NumPy/R default, Excel PERCENTILE.INC): linear interpolation between closest ranks, h = (n-1)p + 1";

        /// <summary>Number of values.</summary>
        public int Count { get; set; }
        /// <summary>Arithmetic mean (0 when empty).</summary>
        public double AverageMs { get; set; }
        /// <summary>Smallest value (0 when empty).</summary>
        public double MinMs { get; set; }
        /// <summary>Largest value (0 when empty).</summary>
        public double MaxMs { get; set; }
        /// <summary>50th percentile (R-7; 0 when empty).</summary>
        public double P50Ms { get; set; }
        /// <summary>95th percentile (R-7; 0 when empty).</summary>
        public double P95Ms { get; set; }
        /// <summary>99th percentile (R-7; 0 when empty).</summary>
        public double P99Ms { get; set; }

        /// <summary>Summarises <paramref name="values"/>; NaN and infinite values are ignored.</summary>
        public static LatencyStatistics From(IEnumerable<double> values)
        {
            var sorted = values.Where(v => !double.IsNaN(v) && !double.IsInfinity(v)).ToArray();
            Array.Sort(sorted);
            if (sorted.Length == 0)
                return new LatencyStatistics();
            return new LatencyStatistics
            {
                Count = sorted.Length,
                AverageMs = sorted.Average(),
                MinMs = sorted[0],
                MaxMs = sorted[sorted.Length - 1],
                P50Ms = Percentile(sorted, 0.50),
                P95Ms = Percentile(sorted, 0.95),
                P99Ms = Percentile(sorted, 0.99),
            };
        }

        /// <summary>
        /// The <paramref name="p"/>-th quantile (p in [0,1]) of values already sorted ascending, by
        /// <see cref="PercentileDefinition"/>. Throws for an empty array or p outside [0,1].
        /// </summary>
        public static double Percentile(double[] sortedAscending, double p)
        {
            if (sortedAscending == null || sortedAscending.Length == 0)
                throw new ArgumentException("Percentile of no values.", nameof(sortedAscending));
            if (!(p >= 0 && p <= 1))
                throw new ArgumentOutOfRangeException(nameof(p), p, "p must be between 0 and 1.");
            return SortedArrayStatistics.QuantileCustom(sortedAscending, p, QuantileDefinition.R7);
        }
    }
}
