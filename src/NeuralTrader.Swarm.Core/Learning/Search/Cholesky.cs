using System;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>The Cholesky factor and solve behind <see cref="SearchModel"/>, on flat row-major matrices (row i at i * n).</summary>
    internal static class Cholesky
    {
        /// <summary>In-place lower Cholesky factor of a flat row-major matrix (lower triangle read); false when not positive definite.</summary>
        internal static bool Factor(double[] a, int n)
        {
            for (var i = 0; i < n; i++)
            {
                var rowI = i * n;
                for (var j = 0; j <= i; j++)
                {
                    var rowJ = j * n;
                    var sum = a[rowI + j];
                    for (var k = 0; k < j; k++)
                    {
                        sum -= a[rowI + k] * a[rowJ + k];
                    }

                    if (j < i)
                    {
                        a[rowI + j] = sum / a[rowJ + j];
                    }
                    else if (sum <= 0)
                    {
                        return false;
                    }
                    else
                    {
                        a[rowI + i] = Math.Sqrt(sum);
                    }
                }
            }

            return true;
        }

        /// <summary>Solves L Lᵀ x = b.</summary>
        internal static double[] Solve(double[] l, double[] b, int n)
        {
            var y = new double[n];
            for (var i = 0; i < n; i++)
            {
                var row = i * n;
                var s = b[i];
                for (var k = 0; k < i; k++)
                {
                    s -= l[row + k] * y[k];
                }

                y[i] = s / l[row + i];
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
    }
}
