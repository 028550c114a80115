using System;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>Wilson score interval.</summary>
    internal static class Wilson
    {
        internal static double LowerBound(int successes, int n, double z = 1.96)
        {
            if (n <= 0)
            {
                return 0;
            }

            var p = (double)successes / n;
            var z2 = z * z;
            var center = p + (z2 / (2 * n));
            var margin = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4.0 * n * n)));
            return Math.Max(0, (center - margin) / (1 + (z2 / n)));
        }
    }
}
