using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>How a suggestion was chosen.</summary>
    internal enum SearchMethod
    {
        /// <summary>A point of the space-filling start (too few observations for a model).</summary>
        SpaceFilling = 0,

        /// <summary>The model's expected improvement, penalised near the bounds.</summary>
        ExpectedImprovement = 1,

        /// <summary>A recommendation: the tried point with the best neighbourhood-averaged posterior mean.</summary>
        Robust = 2,

        /// <summary>No model could be fitted: the best tried point or the defaults.</summary>
        Fallback = 3,
    }

    /// <summary>
    /// A point to try, or a recommended final choice, with what the model expects of it. The claim is
    /// "the score will be at least <see cref="ExpectedScore"/>"; <see cref="Confidence"/> is the calibrated
    /// probability of that claim (docs/learning-search.md says how it is calibrated and tested).
    /// </summary>
    internal sealed class SearchSuggestion
    {
        internal SearchSuggestion(Dictionary<string, double> parameters, SearchMethod method)
        {
            Parameters = parameters;
            Method = method;
        }

        /// <summary>The searched parameters (every dimension of the space, snapped).</summary>
        public IReadOnlyDictionary<string, double> Parameters { get; }

        /// <summary>How it was chosen.</summary>
        public SearchMethod Method { get; }

        /// <summary>The model's mean prediction of the score (NaN when there is no model).</summary>
        public double PredictedScore { get; internal set; } = double.NaN;

        /// <summary>The model's standard deviation of the score (NaN when there is no model).</summary>
        public double Uncertainty { get; internal set; } = double.NaN;

        /// <summary>The score the suggestion is expected to reach at least: the prediction less the tolerance (NaN when there is no model).</summary>
        public double ExpectedScore { get; internal set; } = double.NaN;

        /// <summary>Probability in [0,1] that the score reaches <see cref="ExpectedScore"/>; 0 when there is no model.</summary>
        public double Confidence { get; internal set; }

        /// <summary>For a recommendation: the posterior mean averaged over the point's neighbourhood (NaN otherwise).</summary>
        public double RobustScore { get; internal set; } = double.NaN;

        /// <summary>For a recommendation: the score the point earned when it was tried (NaN otherwise).</summary>
        public double ObservedScore { get; internal set; } = double.NaN;

        /// <summary>Whether any parameter sits on a bound of its range.</summary>
        public bool OnBound { get; internal set; }

        /// <summary>One sentence on why this point.</summary>
        public string Reason { get; internal set; } = string.Empty;
    }
}
