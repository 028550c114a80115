using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>
    /// Turns the model's uncertainty into a probability that has been borne out. Each observation after the first few
    /// is predicted from the observations before it (same hyperparameters): its residual, in units of the predicted
    /// spread, says how far the model over-promised. The confidence that a new point scores at least its prediction
    /// less a tolerance is the share of those residuals that stayed within the tolerance measured in that point's
    /// spread, counted conformally (k of m residuals give k / (m + 1)), so it can reach 1 only as the model's past
    /// predictions keep coming true, and it is 0 until there is a record to judge by.
    /// </summary>
    internal sealed class ConfidenceCalibration
    {
        /// <summary>Observations the model needs before its predictions are judged.</summary>
        internal const int Burnin = 3;

        private readonly double[] _residuals;

        private ConfidenceCalibration(double[] residuals)
        {
            _residuals = residuals;
            Array.Sort(_residuals);
        }

        /// <summary>Predictions judged.</summary>
        internal int Count => _residuals.Length;

        /// <summary>Predicts each observation (in the order run) from those before it.</summary>
        /// <param name="model">The model fitted to all observations; its hyperparameters are reused.</param>
        /// <param name="x">Unit coordinates, in the order run.</param>
        /// <param name="y">Scores, in the same order.</param>
        /// <param name="first">The first observation judged: the one after the space-filling start, so the record is of points the model chose (the model prefers points it is optimistic about, and the record must carry that bias too).</param>
        internal static ConfidenceCalibration From(SearchModel model, IReadOnlyList<double[]> x, IReadOnlyList<double> y, int first)
        {
            var residuals = new List<double>();
            for (var i = Math.Max(Burnin, first); i < x.Count; i++)
            {
                var prefixX = new double[i][];
                var prefixY = new double[i];
                for (var k = 0; k < i; k++)
                {
                    prefixX[k] = x[k];
                    prefixY[k] = y[k];
                }

                var prefix = model.Refit(prefixX, prefixY);
                var (mean, std) = prefix.Predict(x[i]);
                residuals.Add((mean - y[i]) / prefix.ScoreStd(std));
            }

            return new ConfidenceCalibration(residuals.ToArray());
        }

        /// <summary>Probability that a score predicted with spread <paramref name="scoreStd"/> reaches the prediction less <paramref name="tolerance"/>.</summary>
        internal double Confidence(double tolerance, double scoreStd)
        {
            if (_residuals.Length == 0)
            {
                return 0;
            }

            var limit = tolerance / Math.Max(scoreStd, 1e-12);
            var within = 0;
            while (within < _residuals.Length && _residuals[within] <= limit)
            {
                within++;
            }

            return Wilson.LowerBound(within, _residuals.Length, 1.28);
        }
    }
}
