using System;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Running peak and the largest fall from it as a fraction of the peak, with the bars of that fall's
    /// peak (the last bar at the peak level before the trough) and trough.
    /// </summary>
    internal struct DrawdownTracker
    {
        private double _peak;
        private int _peakBar;

        public DrawdownTracker(double start, int firstBar)
        {
            _peak = start;
            _peakBar = firstBar;
            Max = 0;
            MaxPeakBar = firstBar;
            MaxTroughBar = firstBar;
        }

        public double Max;
        public int MaxPeakBar;
        public int MaxTroughBar;

        /// <summary>Adds the levels of bars <paramref name="start"/> .. start + levels.Length - 1.</summary>
        public void Add(ReadOnlySpan<double> levels, int start)
        {
            double p = _peak;
            double worst = Max;
            int trough = -1;
            double troughPeak = 0;
            for (int i = 0; i < levels.Length; i++)
            {
                double e = levels[i];
                // A max, not a branch on new highs (unpredictable on a rising curve). MaxNative is one
                // maxsd; Math.Max's NaN and -0 handling adds two dependent instructions to the chain, and
                // equity is never NaN (prices are validated finite and positive).
#if NET
                p = double.MaxNative(p, e);
#else
                p = e > p ? e : p;
#endif
                // The product is a cheap filter; the quotient decides, so a flat stretch at the same
                // depth keeps the first bar as the trough (rounding could make the product pass again).
                if (p - e > worst * p && (p - e) / p > worst)
                {
                    worst = (p - e) / p;
                    trough = i;
                    troughPeak = p;
                }
            }

            if (trough >= 0)
            {
                // Dates are found once per block, off the per-bar chain: the peak is the last bar at the
                // peak level before the trough, in this block or (when none is) the running peak's bar.
                int peakAt = LastAtLevel(levels.Slice(0, trough), troughPeak);
                MaxPeakBar = peakAt >= 0 ? start + peakAt : _peakBar;
                MaxTroughBar = start + trough;
            }

            int lastPeak = LastAtLevel(levels, p);
            if (lastPeak >= 0)
            {
                _peakBar = start + lastPeak;
            }

            _peak = p;
            Max = worst;
        }

        private static int LastAtLevel(ReadOnlySpan<double> levels, double level)
        {
            for (int i = levels.Length - 1; i >= 0; i--)
            {
                if (levels[i] == level)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
