using System;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Mean, sum of squared deviations and downside (sum of squared negative values) of a stream of
    /// returns, added a block at a time: two passes
    /// over each block (mean, then squared deviations) merged with Chan et al.'s pairwise update. As
    /// accurate as a per-value Welford update, without its division on every value.
    /// </summary>
    internal struct ReturnStats
    {
        private long _count;
        private double _mean;
        private double _m2;
        private double _downside;

        /// <summary>Adds the returns levels[i + 1] / levels[i] - 1 (0 where levels[i] is 0).</summary>
        public void Add(ReadOnlySpan<double> levels, Span<double> scratch)
        {
            int m = levels.Length - 1;
            if (m <= 0)
            {
                return;
            }

            Span<double> r = scratch.Slice(0, m);
            VectorMath.Returns(levels, r);
            double blockMean = VectorMath.Sum(r) / m;
            double blockM2 = VectorMath.SumSquaredDeviations(r, blockMean);
            _downside += VectorMath.SumSquaredNegatives(r);

            if (_count == 0)
            {
                _mean = blockMean;
                _m2 = blockM2;
            }
            else
            {
                double total = _count + m;
                double delta = blockMean - _mean;
                _mean += delta * (m / total);
                _m2 += blockM2 + (delta * delta * (_count * (m / total)));
            }

            _count += m;
        }

        /// <summary>Sample standard deviation times sqrt(bars per year).</summary>
        public readonly double Volatility(double barsPerYear) => StandardDeviation() * Math.Sqrt(barsPerYear);

        /// <summary>Mean / sample standard deviation times sqrt(bars per year); 0 when the deviation is 0.</summary>
        public readonly double Sharpe(double barsPerYear)
        {
            double sd = StandardDeviation();
            return sd > 1e-15 ? _mean / sd * Math.Sqrt(barsPerYear) : 0.0;
        }

        /// <summary>Mean / sqrt(mean of min(r, 0)^2) times sqrt(bars per year); 0 when no return is negative.</summary>
        public readonly double Sortino(double barsPerYear)
        {
            double downside = _count > 0 ? Math.Sqrt(_downside / _count) : 0.0;
            return downside > 1e-15 ? _mean / downside * Math.Sqrt(barsPerYear) : 0.0;
        }

        private readonly double StandardDeviation() => _count > 1 ? Math.Sqrt(_m2 / (_count - 1)) : 0.0;
    }
}
