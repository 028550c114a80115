using System;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm.Tests.Learning
{
    /// <summary>The Gaussian process's arithmetic against textbook values and a direct dense computation.</summary>
    public sealed class GaussianProcessNumericsTests
    {
        [Theory]
        [InlineData(0.0, 0.5)]
        [InlineData(1.0, 0.8413447460685429)]
        [InlineData(-1.0, 0.15865525393145707)]
        [InlineData(1.959963984540054, 0.975)]
        [InlineData(-3.0, 0.0013498980316301)]
        [InlineData(4.5, 0.9999966023268753)]
        public void NormalCdf_matches_the_standard_normal_distribution(double z, double expected)
        {
            Assert.Equal(expected, GaussianProcess.NormalCdf(z), 6);
        }

        [Theory]
        [InlineData(37, 3, 0.22, 0.01)] // an odd count exercises the scalar tail after the vector loop
        [InlineData(64, 2, 0.06, 1e-4)]
        [InlineData(5, 6, 0.7, 0.1)]
        public void Posterior_matches_a_direct_dense_solve(int n, int d, double lengthScale, double noise)
        {
            var random = new Random(n * 31 + d);
            var x = new double[n][];
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = new double[d];
                for (var j = 0; j < d; j++)
                {
                    x[i][j] = random.NextDouble();
                }

                y[i] = Math.Sin(3 * x[i][0]) + (0.1 * random.NextDouble());
            }

            var gp = GaussianProcess.Fit(x, y, lengthScale, noise);
            Assert.Equal(lengthScale, gp.LengthScale);

            // Reference: standardise y (sample std), K = Matérn 5/2 + (noise + 1e-8) I, mean = k*ᵀ K⁻¹ z,
            // variance = 1 - k*ᵀ K⁻¹ k*, with K⁻¹ applied by Gauss-Jordan elimination on the dense matrix.
            double yMean = 0, yVar = 0;
            foreach (var v in y) yMean += v;
            yMean /= n;
            foreach (var v in y) yVar += (v - yMean) * (v - yMean);
            var yStd = Math.Sqrt(yVar / (n - 1));
            var z = new double[n];
            for (var i = 0; i < n; i++) z[i] = (y[i] - yMean) / yStd;

            var k = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    k[i, j] = i == j ? 1 + noise + 1e-8 : Matern(GaussianProcess.Distance(x[i], x[j]), lengthScale);
                }
            }

            var kInvZ = SolveDense(k, z);
            for (var trial = 0; trial < 20; trial++)
            {
                var point = new double[d];
                for (var j = 0; j < d; j++) point[j] = random.NextDouble();
                var kStar = new double[n];
                for (var i = 0; i < n; i++) kStar[i] = Matern(GaussianProcess.Distance(point, x[i]), lengthScale);
                var kInvKStar = SolveDense(k, kStar);
                double mean = 0, explained = 0;
                for (var i = 0; i < n; i++)
                {
                    mean += kStar[i] * kInvZ[i];
                    explained += kStar[i] * kInvKStar[i];
                }

                var (gpMean, gpStd) = gp.PredictStandardized(point, new double[n]);
                Assert.Equal(mean, gpMean, 8);
                Assert.Equal(Math.Sqrt(Math.Max(1e-12, 1 - explained)), gpStd, 8);
                Assert.Equal((mean * yStd) + yMean, gp.ToOriginal(gpMean), 8);
            }
        }

        private static double Matern(double r, double lengthScale)
        {
            var s = Math.Sqrt(5) * r / lengthScale;
            return (1 + s + (s * s / 3)) * Math.Exp(-s);
        }

        private static double[] SolveDense(double[,] matrix, double[] rhs)
        {
            var n = rhs.Length;
            var a = (double[,])matrix.Clone();
            var b = (double[])rhs.Clone();
            for (var col = 0; col < n; col++)
            {
                var pivot = col;
                for (var row = col + 1; row < n; row++)
                {
                    if (Math.Abs(a[row, col]) > Math.Abs(a[pivot, col])) pivot = row;
                }

                for (var j = 0; j < n; j++) (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
                for (var row = 0; row < n; row++)
                {
                    if (row == col) continue;
                    var factor = a[row, col] / a[col, col];
                    for (var j = col; j < n; j++) a[row, j] -= factor * a[col, j];
                    b[row] -= factor * b[col];
                }
            }

            for (var i = 0; i < n; i++) b[i] /= a[i, i];
            return b;
        }
    }
}
