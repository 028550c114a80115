using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>A tried parameter set and the score it earned (higher is better; on a deterministic objective the same parameters always earn the same score).</summary>
    internal sealed class SearchObservation
    {
        /// <summary>Creates an observation.</summary>
        /// <param name="parameters">The parameters as run (extra names, such as costs, are ignored by the search).</param>
        /// <param name="score">The score; must be finite (score a failed run with the worst value you accept, not NaN).</param>
        /// <exception cref="ArgumentException">A non-finite score.</exception>
        public SearchObservation(IReadOnlyDictionary<string, double> parameters, double score)
        {
            if (double.IsNaN(score) || double.IsInfinity(score))
            {
                throw new ArgumentException("An observation's score must be a finite number, got " + score + ".", nameof(score));
            }

            Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
            Score = score;
        }

        /// <summary>The parameters.</summary>
        public IReadOnlyDictionary<string, double> Parameters { get; }

        /// <summary>The score.</summary>
        public double Score { get; }
    }
}
