using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// Gaussian-process regression on [0,1]^d with a Matérn 5/2 kernel, unit signal variance on standardised targets,
    /// and the length scale and noise chosen by maximum marginal likelihood over a small grid.
    /// </summary>
    internal sealed class GaussianProcess
    {
        private static readonly double[] LengthScales = { 0.06, 0.12, 0.22, 0.4, 0.7 };
        private static readonly double[] Noises = { 1e-4, 1e-2, 0.1 };
        private static readonly double Sqrt5 = Math.Sqrt(5);

        // MethodImplOptions.AggressiveOptimization, which netstandard2.0 does not name: the numeric loops are compiled
        // fully optimised at once. Under tiering they still ran unoptimised after the first seconds of a session (often a
        // swarm's whole life): scoring a suggestion's candidates took 3.5 ms instead of 1.3 (bench/, store scenario).
        private const MethodImplOptions Hot = (MethodImplOptions)512;

        private readonly double[][] _x;
        private readonly double[] _alpha;

        // Lower Cholesky factor, row-major and flat (row i at i * n): the inner loops of the fit and of every
        // prediction then walk contiguous memory, which is most of the cost of a suggestion.
        private readonly double[] _chol;
        private readonly double _yMean;
        private readonly double _yStd;

        private GaussianProcess(double[][] x, double[] alpha, double[] chol, double yMean, double yStd, double lengthScale, double noise, double bestStandardized)
        {
            _x = x;
            _alpha = alpha;
            _chol = chol;
            _yMean = yMean;
            _yStd = yStd;
            LengthScale = lengthScale;
            Noise = noise;
            BestStandardized = bestStandardized;
        }

        internal double LengthScale { get; }

        internal double Noise { get; }

        internal double BestStandardized { get; }

        internal int Count => _x.Length;

        /// <summary>Fits with the (length scale, noise) of the grid that maximises the marginal likelihood.</summary>
        internal static GaussianProcess Fit(double[][] x, double[] y)
        {
            var (z, mean, std, best) = Standardize(y);
            var n = y.Length;
            var distances = Distances(x);
            GaussianProcess? bestModel = null;
            var bestLikelihood = double.NegativeInfinity;
            var kernel = new double[n * n];
            double[]? k = null;
            foreach (var lengthScale in LengthScales)
            {
                FillKernel(kernel, distances, n, lengthScale);
                foreach (var noise in Noises)
                {
                    // Reuse the buffer of a rejected candidate; a kept one becomes the model's factor.
                    k = k ?? new double[n * n];
                    Array.Copy(kernel, k, kernel.Length);
                    if (!TryFactor(k, z, n, noise, out var alpha, out var likelihood))
                    {
                        continue;
                    }

                    if (likelihood > bestLikelihood)
                    {
                        bestLikelihood = likelihood;
                        bestModel = new GaussianProcess(x, alpha, k, mean, std, lengthScale, noise, best);
                        k = null;
                    }
                }
            }

            return bestModel ?? throw new InvalidOperationException("The Gaussian process could not be fitted.");
        }

        /// <summary>
        /// Fits with given hyperparameters: one kernel matrix and one Cholesky factor instead of the grid's fifteen. The
        /// arithmetic is the grid's, so the model equals the grid's model for the same hyperparameters. Falls back to
        /// the grid if the matrix is not positive definite.
        /// </summary>
        internal static GaussianProcess Fit(double[][] x, double[] y, double lengthScale, double noise)
        {
            var (z, mean, std, best) = Standardize(y);
            var n = y.Length;
            var k = new double[n * n];
            FillKernel(k, Distances(x), n, lengthScale);
            return TryFactor(k, z, n, noise, out var alpha, out _)
                ? new GaussianProcess(x, alpha, k, mean, std, lengthScale, noise, best)
                : Fit(x, y);
        }

        private static (double[] Z, double Mean, double Std, double Best) Standardize(double[] y)
        {
            var n = y.Length;
            double mean = 0;
            foreach (var v in y)
            {
                mean += v;
            }

            mean /= n;
            double variance = 0;
            foreach (var v in y)
            {
                variance += (v - mean) * (v - mean);
            }

            var std = n > 1 ? Math.Sqrt(variance / (n - 1)) : 0;
            if (std < 1e-6)
            {
                std = 1e-6 + 0.1;
            }

            var z = new double[n];
            var best = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                z[i] = (y[i] - mean) / std;
                best = Math.Max(best, z[i]);
            }

            return (z, mean, std, best);
        }

        private static double[] Distances(double[][] x)
        {
            var n = x.Length;
            var distances = new double[n * n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    distances[(i * n) + j] = Distance(x[i], x[j]);
                }
            }

            return distances;
        }

        /// <summary>Strict lower triangle of the kernel matrix (the diagonal depends on the noise).</summary>
        [MethodImpl(Hot)]
        private static void FillKernel(double[] kernel, double[] distances, int n, double lengthScale)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    kernel[(i * n) + j] = Matern(distances[(i * n) + j], lengthScale);
                }
            }
        }

        /// <summary>Adds the diagonal, factors <paramref name="k"/> in place and solves for alpha; false when not positive definite.</summary>
        [MethodImpl(Hot)]
        private static bool TryFactor(double[] k, double[] z, int n, double noise, out double[] alpha, out double likelihood)
        {
            for (var i = 0; i < n; i++)
            {
                k[(i * n) + i] = 1 + noise + 1e-8;
            }

            if (!Cholesky(k, n))
            {
                alpha = Array.Empty<double>();
                likelihood = double.NegativeInfinity;
                return false;
            }

            alpha = Solve(k, z, n);
            double fit = 0, logDet = 0;
            for (var i = 0; i < n; i++)
            {
                fit += z[i] * alpha[i];
                logDet += Math.Log(k[(i * n) + i]);
            }

            likelihood = (-0.5 * fit) - logDet;
            return true;
        }

        /// <summary>Posterior mean and standard deviation in standardised units.</summary>
        internal (double Mean, double Std) PredictStandardized(double[] point, double[] scratch)
        {
            var mean = KernelAndMean(point, 0, scratch, out _);
            return (mean, StdFromKernel(scratch));
        }

        internal (double Mean, double Std) Predict(double[] point)
        {
            var (m, s) = PredictStandardized(point, new double[_x.Length]);
            return ((m * _yStd) + _yMean, s * _yStd);
        }

        /// <summary>
        /// Writes k(point, x_i) into <paramref name="kstar"/> and returns the posterior mean (O(n));
        /// <paramref name="maxK"/> is the largest kernel value.
        /// </summary>
        [MethodImpl(Hot)]
        private double KernelAndMean(double[] points, int offset, double[] kstar, out double maxK)
        {
            var n = _x.Length;
            var d = Dimensions;
            double mean = 0;
            maxK = 0;
            for (var i = 0; i < n; i++)
            {
                var xi = _x[i];
                double sum = 0;
                for (var j = 0; j < d; j++)
                {
                    var diff = points[offset + j] - xi[j];
                    sum += diff * diff;
                }

                var k = Matern(Math.Sqrt(sum), LengthScale);
                kstar[i] = k;
                maxK = Math.Max(maxK, k);
                mean += k * _alpha[i];
            }

            return mean;
        }

        /// <summary>Posterior standard deviation from k* (O(n^2) forward substitution L v = k*; variance = 1 - v·v). Overwrites k*.</summary>
        [MethodImpl(Hot)]
        private double StdFromKernel(double[] kstar)
        {
            var n = _x.Length;
            var chol = _chol;
            double vv = 0;
            for (var i = 0; i < n; i++)
            {
                var row = i * n;
                var v = (kstar[i] - Dot(chol, row, kstar, 0, i)) / chol[row + i];
                kstar[i] = v;
                vv += v * v;
            }

            return Math.Sqrt(Math.Max(1e-12, 1 - vv));
        }

        private int Dimensions => _x.Length == 0 ? 0 : _x[0].Length;

        internal double ToOriginal(double standardized) => (standardized * _yStd) + _yMean;

        /// <summary>Expected improvement over the best observation, with exploration margin <paramref name="xi"/>.</summary>
        internal static double ExpectedImprovement(double mean, double std, double best, double xi)
        {
            var improvement = mean - best - xi;
            if (std < 1e-9)
            {
                return Math.Max(0, improvement);
            }

            var z = improvement / std;
            return (improvement * NormalCdf(z)) + (std * NormalPdf(z));
        }

        internal static double Distance(double[] a, double[] b)
        {
            double sum = 0;
            for (var i = 0; i < a.Length; i++)
            {
                var d = a[i] - b[i];
                sum += d * d;
            }

            return Math.Sqrt(sum);
        }

        [MethodImpl(Hot)]
        private static double Matern(double r, double lengthScale)
        {
            var s = Sqrt5 * r / lengthScale;
            return (1 + s + (s * s / 3)) * Math.Exp(-s);
        }

        /// <summary>In-place lower Cholesky factor of a flat row-major matrix (lower triangle read); false when not positive definite.</summary>
        [MethodImpl(Hot)]
        private static bool Cholesky(double[] a, int n)
        {
            for (var i = 0; i < n; i++)
            {
                var rowI = i * n;
                for (var j = 0; j <= i; j++)
                {
                    var rowJ = j * n;
                    var sum = a[rowI + j] - Dot(a, rowI, a, rowJ, j);

                    if (j < i)
                    {
                        a[rowI + j] = sum / a[rowJ + j];
                    }
                    else
                    {
                        if (sum <= 0)
                        {
                            return false;
                        }

                        a[rowI + i] = Math.Sqrt(sum);
                    }
                }
            }

            return true;
        }

        [MethodImpl(Hot)]
        private static double[] Solve(double[] l, double[] b, int n)
        {
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                var row = i * n;
                y[i] = (b[i] - Dot(l, row, y, 0, i)) / l[row + i];
            }

            var x = new double[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var s = y[i];
                for (var k = i + 1; k < n; k++)
                {
                    s -= l[(k * n) + i] * x[k];
                }

                x[i] = s / l[(i * n) + i];
            }

            return x;
        }

        /// <summary>
        /// The inner product behind the Cholesky factor and the variance solve, where a suggestion spends most of its
        /// time: two vector accumulators keep the adds from waiting on each other (scoring 552 candidates against 64
        /// observations: 2.0 ms with the scalar loop, 1.3 ms with this).
        /// </summary>
        [MethodImpl(Hot)]
        private static double Dot(double[] a, int aOffset, double[] b, int bOffset, int length)
        {
            var i = 0;
            double sum = 0;
            var width = Vector<double>.Count;
            if (Vector.IsHardwareAccelerated && length >= 2 * width)
            {
                Vector<double> even = Vector<double>.Zero, odd = Vector<double>.Zero;
                for (; i <= length - (2 * width); i += 2 * width)
                {
                    even += new Vector<double>(a, aOffset + i) * new Vector<double>(b, bOffset + i);
                    odd += new Vector<double>(a, aOffset + i + width) * new Vector<double>(b, bOffset + i + width);
                }

                sum = Vector.Dot(even + odd, Vector<double>.One);
            }

            for (; i < length; i++)
            {
                sum += a[aOffset + i] * b[bOffset + i];
            }

            return sum;
        }

        internal static double NormalPdf(double z) => Math.Exp(-0.5 * z * z) / Math.Sqrt(2 * Math.PI);

        internal static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

        // A static array: a local initialiser allocates and fills a new array on every call, which showed up as most
        // of a suggestion's time (EI is scored for ~500 candidates each time).
        private static readonly double[] ErfcCoefficients = { -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277 };

        [MethodImpl(Hot)]
        private static double Erfc(double x)
        {
            // Numerical Recipes erfc (Chebyshev), relative error < 1.2e-7.
            var z = Math.Abs(x);
            var t = 1 / (1 + (0.5 * z));
            double poly = 0;
            for (var i = ErfcCoefficients.Length - 1; i >= 0; i--)
            {
                poly = ErfcCoefficients[i] + (t * poly);
            }

            var r = t * Math.Exp((-z * z) + poly);
            return x >= 0 ? r : 2 - r;
        }
    }
}
