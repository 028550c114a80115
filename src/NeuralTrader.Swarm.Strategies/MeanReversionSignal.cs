using System;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// mean-reversion: z_t = (Close_t - SMA) / sample stdev over the lookback bars ending at t. Rolling
    /// mean and sum of squared deviations are updated in O(1) (sliding Welford) and recomputed exactly
    /// every <see cref="RecomputeEvery"/> bars so rounding cannot drift. The update is sequential; the
    /// square roots, divisions and comparisons run vectorised over the block afterwards.
    /// </summary>
    internal struct MeanReversionSignal : ISignal
    {
        internal const int RecomputeEvery = 1024;

        // Decision table over (target + 1) * 16 + code; code bits from VectorMath.ZScoreCodes.
        private static readonly int[] Table = BuildTable();
        private readonly double[] _close;
        private readonly int _lookback;
        private readonly double _invLookback;
        private readonly double _invLookbackMinus1;
        private readonly double _entryZ;
        private readonly double _exitZ;
        private readonly bool _allowShort;
        private double _mean;
        private double _m2;
        private int _sinceRecompute;

        public MeanReversionSignal(double[] close, int lookback, double entryZ, double exitZ, bool allowShort)
        {
            _close = close;
            _lookback = lookback;
            _invLookback = 1.0 / lookback;
            _invLookbackMinus1 = 1.0 / (lookback - 1);
            _entryZ = entryZ;
            _exitZ = exitZ;
            _allowShort = allowShort;
            _mean = 0;
            _m2 = 0;
            _sinceRecompute = 0;
        }

        public void Decide(int start, Span<int> targets, int target, Span<double> scratch)
        {
            int count = targets.Length;
            Span<long> codes = MemoryMarshal.Cast<double, long>(scratch.Slice(0, count));
            Span<double> sumSquares = scratch.Slice(count, count);
            Span<double> means = scratch.Slice(2 * count, count);
            ReadOnlySpan<double> close = _close;
            int lookback = _lookback;
            double invLookback = _invLookback;

            // Locals, not fields, in the sequential loop: stores to the spans would otherwise force reloads.
            double mean = _mean;
            double m2 = _m2;
            int since = _sinceRecompute;
            // Warm-up (the first window fills): a running Welford mean; no decision before bar lookback - 1.
            int i = 0;
            for (; i < count && start + i < lookback; i++)
            {
                int t = start + i;
                double x = close[t];
                double delta = x - mean;
                mean += delta / (t + 1);
                m2 += delta * (x - mean);
                means[i] = mean;
                sumSquares[i] = t < lookback - 1 ? 0.0 : m2; // a zero variance gives code 0 (no decision)
            }

            // Steady state: the window slides by one bar, O(1) per bar.
            for (; i < count; i++)
            {
                int t = start + i;
                double x = close[t];
                if (++since < RecomputeEvery)
                {
                    double old = close[t - lookback];
                    double next = mean + ((x - old) * invLookback);
                    m2 += (x - old) * ((x - next) + (old - mean));
                    mean = next;
                }
                else
                {
                    since = 0;
                    (mean, m2) = Recompute(close.Slice(t - lookback + 1, lookback), invLookback);
                }

                means[i] = mean;
                sumSquares[i] = m2;
            }

            _mean = mean;
            _m2 = m2;
            _sinceRecompute = since;

            VectorMath.ZScoreCodes(close.Slice(start, count), means, sumSquares, _invLookbackMinus1, _entryZ, _exitZ, _allowShort, codes);
            Backtester.Scan(codes, Table, 16, targets, target);
        }

        // Returns a tuple, not out parameters: out made mean and m2 address-exposed, so the JIT kept
        // them on the stack and every bar's update went through a store and a reload.
        private static (double Mean, double M2) Recompute(ReadOnlySpan<double> window, double invLookback)
        {
            double sum = 0;
            foreach (double x in window)
            {
                sum += x;
            }

            double mean = sum * invLookback;
            double m2 = 0;
            foreach (double x in window)
            {
                double d = x - mean;
                m2 += d * d;
            }

            return (mean, m2);
        }

        private static int[] BuildTable()
        {
            // The rules of docs/strategies.md: exits first, then entries when flat (also just after an exit).
            var table = new int[3 * 16];
            for (int target = -1; target <= 1; target++)
            {
                for (int code = 0; code < 16; code++)
                {
                    int next = target;
                    if ((next > 0 && (code & 1) != 0) || (next < 0 && (code & 2) != 0))
                    {
                        next = 0;
                    }

                    if (next == 0)
                    {
                        next = (code & 4) != 0 ? 1 : (code & 8) != 0 ? -1 : 0;
                    }

                    table[((target + 1) * 16) + code] = next;
                }
            }

            return table;
        }
    }
}
