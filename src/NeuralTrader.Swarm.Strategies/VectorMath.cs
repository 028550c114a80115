using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// The kernels' data-parallel loops over spans, with System.Numerics.Vector (portable: AVX on x64,
    /// NEON on arm64, and the same code on netstandard2.0). Each ends with a scalar loop for the tail, which
    /// is also the whole loop where vectors are not hardware accelerated. Element-wise results are
    /// bit-identical to the scalar code (IEEE division and square root are correctly rounded); sums are
    /// accumulated per lane, so they round differently from a sequential sum (at the 1e-16 level).
    /// </summary>
    internal static class VectorMath
    {
        private static int Vectors<T>(Span<Vector<T>> v)
            where T : struct => Vector.IsHardwareAccelerated ? v.Length : 0;

        private static int Vectors<T>(ReadOnlySpan<Vector<T>> v)
            where T : struct => Vector.IsHardwareAccelerated ? v.Length : 0;

        /// <summary>r[i] = levels[i + 1] / levels[i] - 1, or 0 where levels[i] is 0; r.Length = levels.Length - 1.</summary>
        public static void Returns(ReadOnlySpan<double> levels, Span<double> r)
        {
            ReadOnlySpan<Vector<double>> prev = MemoryMarshal.Cast<double, Vector<double>>(levels.Slice(0, r.Length));
            ReadOnlySpan<Vector<double>> next = MemoryMarshal.Cast<double, Vector<double>>(levels.Slice(1, r.Length));
            Span<Vector<double>> rv = MemoryMarshal.Cast<double, Vector<double>>(r);
            int vectors = Vectors(rv);
            for (int k = 0; k < vectors; k++)
            {
                Vector<double> p = prev[k];
                rv[k] = Vector.ConditionalSelect(Vector.Equals(p, Vector<double>.Zero), Vector<double>.Zero, (next[k] / p) - Vector<double>.One);
            }

            for (int i = vectors * Vector<double>.Count; i < r.Length; i++)
            {
                double p = levels[i];
                r[i] = p != 0 ? (levels[i + 1] / p) - 1.0 : 0.0;
            }
        }

        public static double Sum(ReadOnlySpan<double> x)
        {
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            int vectors = Vectors(xv);
            Vector<double> acc = Vector<double>.Zero;
            for (int k = 0; k < vectors; k++)
            {
                acc += xv[k];
            }

            double sum = Vector.Dot(acc, Vector<double>.One);
            for (int i = vectors * Vector<double>.Count; i < x.Length; i++)
            {
                sum += x[i];
            }

            return sum;
        }

        /// <summary>Sum of min(x[i], 0)^2: the downside of returns against a target of 0.</summary>
        public static double SumSquaredNegatives(ReadOnlySpan<double> x)
        {
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            int vectors = Vectors(xv);
            Vector<double> acc = Vector<double>.Zero;
            for (int k = 0; k < vectors; k++)
            {
                Vector<double> d = Vector.Min(xv[k], Vector<double>.Zero);
                acc += d * d;
            }

            double sum = Vector.Dot(acc, Vector<double>.One);
            for (int i = vectors * Vector<double>.Count; i < x.Length; i++)
            {
                double d = x[i] < 0 ? x[i] : 0.0;
                sum += d * d;
            }

            return sum;
        }

        /// <summary>Sum of (x[i] - mean)^2.</summary>
        public static double SumSquaredDeviations(ReadOnlySpan<double> x, double mean)
        {
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            int vectors = Vectors(xv);
            var m = new Vector<double>(mean);
            Vector<double> acc = Vector<double>.Zero;
            for (int k = 0; k < vectors; k++)
            {
                Vector<double> d = xv[k] - m;
                acc += d * d;
            }

            double sum = Vector.Dot(acc, Vector<double>.One);
            for (int i = vectors * Vector<double>.Count; i < x.Length; i++)
            {
                double d = x[i] - mean;
                sum += d * d;
            }

            return sum;
        }

        /// <summary>
        /// Momentum codes: with m = close[i] / past[i] - 1, code 1 when m &gt; threshold, 2 when m &lt; -threshold, else 0.
        /// </summary>
        public static void MomentumCodes(ReadOnlySpan<double> close, ReadOnlySpan<double> past, double threshold, Span<long> codes)
        {
            ReadOnlySpan<Vector<double>> cv = MemoryMarshal.Cast<double, Vector<double>>(close.Slice(0, codes.Length));
            ReadOnlySpan<Vector<double>> pv = MemoryMarshal.Cast<double, Vector<double>>(past.Slice(0, codes.Length));
            Span<Vector<long>> codev = MemoryMarshal.Cast<long, Vector<long>>(codes);
            int vectors = Vectors(codev);
            var up = new Vector<double>(threshold);
            var down = new Vector<double>(-threshold);
            var one = new Vector<long>(1);
            var two = new Vector<long>(2);
            for (int k = 0; k < vectors; k++)
            {
                Vector<double> m = (cv[k] / pv[k]) - Vector<double>.One;
                codev[k] = (Vector.GreaterThan(m, up) & one) | (Vector.LessThan(m, down) & two);
            }

            for (int i = vectors * Vector<double>.Count; i < codes.Length; i++)
            {
                double m = (close[i] / past[i]) - 1.0;
                codes[i] = m > threshold ? 1 : m < -threshold ? 2 : 0;
            }
        }

        /// <summary>
        /// Mean-reversion codes from z = (close - mean) / sqrt(sumSquares * scale), where a z-score exists only when the
        /// deviation exceeds 1e-12 |mean| (else code 0): bit 1 z &gt; -exitZ, bit 2 z &lt; exitZ,
        /// bit 4 z &lt; -entryZ, bit 8 z &gt; entryZ (only when <paramref name="allowShort"/>).
        /// </summary>
        public static void ZScoreCodes(ReadOnlySpan<double> close, ReadOnlySpan<double> mean, ReadOnlySpan<double> sumSquares, double scale, double entryZ, double exitZ, bool allowShort, Span<long> codes)
        {
            ReadOnlySpan<Vector<double>> cv = MemoryMarshal.Cast<double, Vector<double>>(close.Slice(0, codes.Length));
            ReadOnlySpan<Vector<double>> sv = MemoryMarshal.Cast<double, Vector<double>>(sumSquares.Slice(0, codes.Length));
            ReadOnlySpan<Vector<double>> mv = MemoryMarshal.Cast<double, Vector<double>>(mean.Slice(0, codes.Length));
            Span<Vector<long>> codev = MemoryMarshal.Cast<long, Vector<long>>(codes);
            int vectors = Vectors(codev);
            var floor = new Vector<double>(1e-12);
            var scaleV = new Vector<double>(scale);
            var exitLong = new Vector<double>(-exitZ);
            var exitShort = new Vector<double>(exitZ);
            var enterLong = new Vector<double>(-entryZ);
            var enterShort = new Vector<double>(entryZ);
            var shortBit = new Vector<long>(allowShort ? 8 : 0);
            for (int k = 0; k < vectors; k++)
            {
                // A negative variance (rounding) gives a NaN deviation, which fails the test like 0 does.
                Vector<double> sd = Vector.SquareRoot(sv[k] * scaleV);
                Vector<double> m = mv[k];
                Vector<long> valid = Vector.GreaterThan(sd, floor * Vector.Abs(m));
                Vector<double> z = (cv[k] - m) / sd;
                Vector<long> code = (Vector.GreaterThan(z, exitLong) & new Vector<long>(1))
                    | (Vector.LessThan(z, exitShort) & new Vector<long>(2))
                    | (Vector.LessThan(z, enterLong) & new Vector<long>(4))
                    | (Vector.GreaterThan(z, enterShort) & shortBit);
                codev[k] = code & valid;
            }

            for (int i = vectors * Vector<double>.Count; i < codes.Length; i++)
            {
                double v = sumSquares[i] * scale;
                double sd = v > 0 ? Math.Sqrt(v) : 0.0;
                if (!(sd > 1e-12 * Math.Abs(mean[i])))
                {
                    codes[i] = 0;
                    continue;
                }

                double z = (close[i] - mean[i]) / sd;
                codes[i] = (z > -exitZ ? 1 : 0) | (z < exitZ ? 2 : 0) | (z < -entryZ ? 4 : 0) | (allowShort && z > entryZ ? 8 : 0);
            }
        }
    }
}
