using System;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>momentum: m_t = Close_t / Close_{t-lookback} - 1 against +/- threshold.</summary>
    internal struct MomentumSignal : ISignal
    {
        // Decision tables over (target + 1) * 4 + code, code 0 keep, 1 above +threshold, 2 below -threshold.
        private static readonly int[] LongOnlyTable = BuildTable(allowShort: false);
        private static readonly int[] LongShortTable = BuildTable(allowShort: true);
        private readonly double[] _close;
        private readonly int _lookback;
        private readonly double _threshold;
        private readonly int[] _table;

        public MomentumSignal(double[] close, int lookback, double threshold, bool allowShort)
        {
            _close = close;
            _lookback = lookback;
            _threshold = threshold;
            _table = allowShort ? LongShortTable : LongOnlyTable;
        }

        public void Decide(int start, Span<int> targets, int target, Span<double> scratch)
        {
            // Before bar lookback there is no decision (code 0 keeps the target).
            Span<long> codes = MemoryMarshal.Cast<double, long>(scratch).Slice(0, targets.Length);
            int skip = Math.Min(Math.Max(_lookback - start, 0), targets.Length);
            codes.Slice(0, skip).Clear();
            int from = start + skip;
            int count = targets.Length - skip;
            if (count > 0)
            {
                VectorMath.MomentumCodes(_close.AsSpan(from, count), _close.AsSpan(from - _lookback, count), _threshold, codes.Slice(skip));
            }

            Backtester.Scan(codes, _table, 4, targets, target);
        }

        private static int[] BuildTable(bool allowShort)
        {
            var table = new int[3 * 4];
            for (int target = -1; target <= 1; target++)
            {
                for (int code = 0; code < 4; code++)
                {
                    table[((target + 1) * 4) + code] = (code & 1) != 0 ? 1 : (code & 2) != 0 ? (allowShort ? -1 : 0) : target;
                }
            }

            return table;
        }
    }
}
