using System;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>Settings of <see cref="BayesianSearch"/>; the defaults are the ones measured in docs/learning-search.md.</summary>
    internal sealed class SearchOptions
    {
        /// <summary>Observations needed before the model takes over from the space-filling start (0: 2d + 2, at least 6, for d dimensions).</summary>
        public int InitialTrials { get; set; }

        /// <summary>Random candidates scored by the acquisition per suggestion.</summary>
        public int Candidates { get; set; } = 1024;

        /// <summary>
        /// Half-width, as a share of each range, of the neighbourhood whose average posterior mean judges robustness in
        /// <see cref="BayesianSearch.Recommend"/> (0.06: lookback 40 ± 10 on the default 5–250 log scale, threshold ± 0.006).
        /// </summary>
        public double Neighbourhood { get; set; } = 0.06;

        /// <summary>
        /// The margin, in unit coordinates, within which expected improvement is scaled down towards a bound (the model's
        /// uncertainty is largest at the edges, which otherwise draws a search onto its bounds).
        /// </summary>
        public double EdgeMargin { get; set; } = 0.08;

        /// <summary>
        /// How far below the prediction <see cref="SearchSuggestion.ExpectedScore"/> sits, in score units
        /// (null: a tenth of the observed scores' range).
        /// </summary>
        public double? Tolerance { get; set; }

        /// <summary>How many posterior standard deviations <see cref="BayesianSearch.Recommend"/> subtracts from the neighbourhood mean.</summary>
        public double RobustPenalty { get; set; } = 0.5;

        internal SearchOptions Checked()
        {
            if (InitialTrials < 0 || Candidates < 1 || Neighbourhood < 0 || Neighbourhood > 0.5 || EdgeMargin < 0 || EdgeMargin > 0.5
                || RobustPenalty < 0 || double.IsNaN(RobustPenalty)
                || (Tolerance.HasValue && (double.IsNaN(Tolerance.Value) || Tolerance.Value < 0)))
            {
                throw new ArgumentException("Search options out of range: InitialTrials >= 0, Candidates >= 1, Neighbourhood and EdgeMargin in [0, 0.5], RobustPenalty and Tolerance >= 0.");
            }

            return this;
        }
    }
}
