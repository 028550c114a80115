using System;
using System.Collections.Generic;
using System.Linq;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>Percentiles by the R-7 rule (linear interpolation), as docs/benchmarks.md defines them.</summary>
    internal static class Stats
    {
        public static double Percentile(IReadOnlyList<double> values, double p)
        {
            if (values.Count == 0)
                return double.NaN;
            var sorted = values.OrderBy(v => v).ToArray();
            double h = (sorted.Length - 1) * p;
            int lo = (int)Math.Floor(h);
            int hi = Math.Min(lo + 1, sorted.Length - 1);
            return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
        }

        public static double Ms(long ticks) => ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency;
    }
}
