using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>
    /// The search's surrogate: Gaussian-process regression on unit coordinates with a Matérn 5/2 kernel and one length
    /// scale per dimension (ARD), unit signal variance on standardised scores, and a noise term. A backtest is
    /// deterministic, but its score is a jagged function of the parameters; the fitted noise absorbs that jaggedness,
    /// so the posterior mean is the smooth trend that carries to other data rather than every spike. Length scales and
    /// noise are chosen by maximum a posteriori over a small grid, with a log-normal prior that prefers smooth fits.
    /// </summary>
    internal sealed class SearchModel
    {
        private static readonly double[] LengthScales = { 0.08, 0.15, 0.3, 0.6, 1.2 };
        private static readonly double[] Noises = { 0.01, 0.05, 0.2, 0.5 };
        private static readonly double Sqrt5 = Math.Sqrt(5);

        // Prior on each log length scale: centred on 0.35 (a trend across about a third of the range), sd 0.9.
        private const double PriorLengthScale = 0.35;
        private const double PriorLengthSd = 0.9;
        private const double Jitter = 1e-8;

        private readonly double[][] _x;
        private readonly double[] _z;
        private readonly double[] _chol;
        private readonly double[] _alpha;

        private SearchModel(double[][] x, double[] z, double mean, double std, double[] lengthScales, double noise, double[] chol, double[] alpha)
        {
            _x = x;
            _z = z;
            Mean = mean;
            Std = std;
            LengthScalesFitted = lengthScales;
            Noise = noise;
            _chol = chol;
            _alpha = alpha;
        }

        /// <summary>Mean of the scores the model standardised with.</summary>
        internal double Mean { get; }

        /// <summary>Standard deviation of the scores the model standardised with.</summary>
        internal double Std { get; }

        /// <summary>The fitted length scale of each dimension (unit coordinates).</summary>
        internal double[] LengthScalesFitted { get; }

        /// <summary>The fitted noise variance (standardised units).</summary>
        internal double Noise { get; }

        internal int Count => _x.Length;

        /// <summary>
        /// Fits the hyperparameters by coordinate ascent on the log posterior: an isotropic grid first, then two
        /// sweeps that move one dimension's length scale at a time, then the noise. Deterministic.
        /// </summary>
        internal static SearchModel Fit(double[][] x, double[] y)
        {
            var lengthScales = LengthScales;
            var (z, mean, std) = Standardize(y);
            var n = x.Length;
            var d = x[0].Length;
            var squared = SquaredDifferences(x);
            var kernel = new double[n * n];
            var best = double.NegativeInfinity;
            var lengths = new double[d];
            double noise = Noises[0];
            var trial = new double[d];

            double Evaluate(double[] ls, double nz)
            {
                FillKernel(kernel, squared, n, ls, nz);
                if (!Cholesky.Factor(kernel, n))
                {
                    return double.NegativeInfinity;
                }

                var alpha = Cholesky.Solve(kernel, z, n);
                double fit = 0, logDet = 0;
                for (var i = 0; i < n; i++)
                {
                    fit += z[i] * alpha[i];
                    logDet += Math.Log(kernel[(i * n) + i]);
                }

                double prior = 0;
                foreach (var l in ls)
                {
                    var t = Math.Log(l / PriorLengthScale) / PriorLengthSd;
                    prior -= 0.5 * t * t;
                }

                return (-0.5 * fit) - logDet + prior;
            }

            foreach (var l in lengthScales)
            {
                foreach (var nz in Noises)
                {
                    for (var j = 0; j < d; j++)
                    {
                        trial[j] = l;
                    }

                    var value = Evaluate(trial, nz);
                    if (value > best)
                    {
                        best = value;
                        Array.Copy(trial, lengths, d);
                        noise = nz;
                    }
                }
            }

            for (var sweep = 0; sweep < 2 && d > 1; sweep++)
            {
                for (var j = 0; j < d; j++)
                {
                    Array.Copy(lengths, trial, d);
                    foreach (var l in lengthScales)
                    {
                        trial[j] = l;
                        var value = Evaluate(trial, noise);
                        if (value > best)
                        {
                            best = value;
                            lengths[j] = l;
                        }
                    }
                }

                foreach (var nz in Noises)
                {
                    var value = Evaluate(lengths, nz);
                    if (value > best)
                    {
                        best = value;
                        noise = nz;
                    }
                }
            }

            return Build(x, z, mean, std, lengths, noise);
        }

        /// <summary>The same hyperparameters and standardisation, fitted to other points (a prefix of the data, or the data plus believers).</summary>
        internal SearchModel Refit(double[][] x, double[] y)
        {
            var z = new double[y.Length];
            for (var i = 0; i < z.Length; i++)
            {
                z[i] = (y[i] - Mean) / Std;
            }

            return Build(x, z, Mean, Std, LengthScalesFitted, Noise);
        }

        /// <summary>
        /// This model with points added at their own predicted means ("kriging believer"): the mean is unchanged,
        /// the uncertainty around the added points collapses, so the next suggestion of a batch goes elsewhere.
        /// </summary>
        internal SearchModel WithBelievers(IReadOnlyList<double[]> points)
        {
            if (points.Count == 0)
            {
                return this;
            }

            var x = new double[_x.Length + points.Count][];
            var y = new double[x.Length];
            for (var i = 0; i < _x.Length; i++)
            {
                x[i] = _x[i];
                y[i] = (_z[i] * Std) + Mean;
            }

            for (var i = 0; i < points.Count; i++)
            {
                x[_x.Length + i] = points[i];
                y[_x.Length + i] = Predict(points[i]).Mean;
            }

            return Refit(x, y);
        }

        /// <summary>Posterior mean and standard deviation of the smooth trend at a point, in score units.</summary>
        internal (double Mean, double Std) Predict(double[] point)
        {
            var n = _x.Length;
            var kstar = new double[n];
            double mean = 0;
            for (var i = 0; i < n; i++)
            {
                kstar[i] = Kernel(point, _x[i]);
                mean += kstar[i] * _alpha[i];
            }

            double vv = 0;
            for (var i = 0; i < n; i++)
            {
                var row = i * n;
                var s = kstar[i];
                for (var k = 0; k < i; k++)
                {
                    s -= _chol[row + k] * kstar[k];
                }

                var v = s / _chol[row + i];
                kstar[i] = v;
                vv += v * v;
            }

            var sd = Math.Sqrt(Math.Max(1e-12, 1 - vv));
            return ((mean * Std) + Mean, sd * Std);
        }

        /// <summary>Posterior mean only (O(n)), in score units.</summary>
        internal double PredictMean(double[] point)
        {
            double mean = 0;
            for (var i = 0; i < _x.Length; i++)
            {
                mean += Kernel(point, _x[i]) * _alpha[i];
            }

            return (mean * Std) + Mean;
        }

        /// <summary>Standard deviation of a new score at a point: the trend's uncertainty plus the jaggedness (noise).</summary>
        internal double ScoreStd(double trendStd) => Math.Sqrt((trendStd * trendStd) + (Noise * Std * Std));

        /// <summary>
        /// The posterior mean averaged over a neighbourhood of half-width <paramref name="radius"/>: a 3-point rule per
        /// dimension (weights 1/4, 1/2, 1/4 at −r, 0, +r; product over dimensions, clamped into the unit box). A spike
        /// narrower than the neighbourhood is averaged away; a broad plateau keeps its height.
        /// </summary>
        internal double SmoothedMean(double[] point, double radius)
        {
            var d = point.Length;
            if (radius <= 0)
            {
                return PredictMean(point);
            }

            var offsets = new int[d];
            var shifted = new double[d];
            double total = 0;
            var count = (int)Math.Pow(3, d);
            for (var c = 0; c < count; c++)
            {
                var rest = c;
                var weight = 1.0;
                for (var j = 0; j < d; j++)
                {
                    offsets[j] = (rest % 3) - 1;
                    rest /= 3;
                    weight *= offsets[j] == 0 ? 0.5 : 0.25;
                    shifted[j] = Math.Max(0, Math.Min(1, point[j] + (offsets[j] * radius)));
                }

                total += weight * PredictMean(shifted);
            }

            return total;
        }

        private static SearchModel Build(double[][] x, double[] z, double mean, double std, double[] lengths, double noise)
        {
            var n = x.Length;
            var squared = SquaredDifferences(x);
            var noiseUsed = noise;
            var chol = new double[n * n];
            FillKernel(chol, squared, n, lengths, noiseUsed);

            // Believers placed very close to observations can make the matrix numerically singular: add noise until it factors.
            while (!Cholesky.Factor(chol, n))
            {
                noiseUsed = noiseUsed * 10 + 1e-6;
                FillKernel(chol, squared, n, lengths, noiseUsed);
            }

            return new SearchModel(x, z, mean, std, lengths, noiseUsed, chol, Cholesky.Solve(chol, z, n));
        }

        private double Kernel(double[] a, double[] b)
        {
            double r2 = 0;
            var ls = LengthScalesFitted;
            for (var j = 0; j < a.Length; j++)
            {
                var t = (a[j] - b[j]) / ls[j];
                r2 += t * t;
            }

            return Matern(Math.Sqrt(r2));
        }

        private static double Matern(double r)
        {
            var s = Sqrt5 * r;
            return (1 + s + (s * s / 3)) * Math.Exp(-s);
        }

        private static (double[] Z, double Mean, double Std) Standardize(double[] y)
        {
            double mean = 0;
            foreach (var v in y)
            {
                mean += v;
            }

            mean /= y.Length;
            double variance = 0;
            foreach (var v in y)
            {
                variance += (v - mean) * (v - mean);
            }

            var std = y.Length > 1 ? Math.Sqrt(variance / (y.Length - 1)) : 0;
            if (std < 1e-12)
            {
                std = 1; // every score equal: nothing to learn, any scale will do
            }

            var z = new double[y.Length];
            for (var i = 0; i < y.Length; i++)
            {
                z[i] = (y[i] - mean) / std;
            }

            return (z, mean, std);
        }

        /// <summary>Per dimension, the squared coordinate differences of every pair (row-major, lower triangle).</summary>
        private static double[][] SquaredDifferences(double[][] x)
        {
            var n = x.Length;
            var d = x[0].Length;
            var result = new double[d][];
            for (var j = 0; j < d; j++)
            {
                var m = new double[n * n];
                for (var a = 0; a < n; a++)
                {
                    for (var b = 0; b < a; b++)
                    {
                        var t = x[a][j] - x[b][j];
                        m[(a * n) + b] = t * t;
                    }
                }

                result[j] = m;
            }

            return result;
        }

        private static void FillKernel(double[] k, double[][] squared, int n, double[] lengths, double noise)
        {
            var d = lengths.Length;
            for (var a = 0; a < n; a++)
            {
                for (var b = 0; b < a; b++)
                {
                    double r2 = 0;
                    for (var j = 0; j < d; j++)
                    {
                        r2 += squared[j][(a * n) + b] / (lengths[j] * lengths[j]);
                    }

                    k[(a * n) + b] = Matern(Math.Sqrt(r2));
                }

                k[(a * n) + a] = 1 + noise + Jitter;
            }
        }
    }
}
