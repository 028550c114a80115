using System;
using System.Collections.Generic;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>A recommended configuration for the next deployment of a strategy on a symbol.</summary>
    public sealed class Suggestion
    {
        /// <summary>Strategy name.</summary>
        public string Strategy { get; set; } = string.Empty;

        /// <summary>Symbol.</summary>
        public string Symbol { get; set; } = string.Empty;

        /// <summary>Confidence in [0,1]: grows with observations and shrinks with the model's uncertainty at the recommended point.</summary>
        public double Confidence { get; set; }

        /// <summary>Score the model expects at the recommended parameters, in [0,1].</summary>
        public double ExpectedSuccessRate { get; set; }

        /// <summary>Median duration of past successful runs, in milliseconds (null without data).</summary>
        public double? EstimatedDurationMs { get; set; }

        /// <summary>Parameters to use next.</summary>
        public Dictionary<string, double> RecommendedParameters { get; set; } = new Dictionary<string, double>(StringComparer.Ordinal);

        /// <summary>The operation sequence most often seen in successful runs.</summary>
        public List<string> RecommendedOperations { get; set; } = new List<string>();

        /// <summary>Success patterns whose region contains the recommended parameters.</summary>
        public List<Pattern> SupportingPatterns { get; set; } = new List<Pattern>();

        /// <summary>Observations of this strategy on this symbol the model used.</summary>
        public int Observations { get; set; }

        /// <summary>How the suggestion was made: <c>defaults</c>, <c>space-filling</c> or <c>bayesian-optimization</c>.</summary>
        public string Method { get; set; } = string.Empty;

        /// <summary>A sentence with the numbers behind the suggestion.</summary>
        public string Reasoning { get; set; } = string.Empty;
    }

    /// <summary>Kind of a pattern.</summary>
    public enum PatternKind
    {
        /// <summary>Conditions under which runs tend to score well.</summary>
        Success = 0,

        /// <summary>Conditions under which runs tend to fail or score badly.</summary>
        Failure = 1,
    }

    /// <summary>A recurring success or failure pattern.</summary>
    public sealed class Pattern
    {
        /// <summary>Stable id derived from the pattern's conditions.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>Success or failure.</summary>
        public PatternKind Kind { get; set; }

        /// <summary><c>ParameterRegion</c>, <c>OperationSequence</c> or <c>SwarmSize</c>.</summary>
        public string Category { get; set; } = string.Empty;

        /// <summary>Strategy, or null for all.</summary>
        public string? Strategy { get; set; }

        /// <summary>Symbol, or null for all.</summary>
        public string? Symbol { get; set; }

        /// <summary>Market regime <c>trend/volatility</c>, or null for any.</summary>
        public string? Regime { get; set; }

        /// <summary>Parameter of a region pattern.</summary>
        public string? Parameter { get; set; }

        /// <summary>Lower bound of the region (inclusive).</summary>
        public double? RangeMin { get; set; }

        /// <summary>Upper bound of the region (inclusive).</summary>
        public double? RangeMax { get; set; }

        /// <summary>Operation sequence of a sequence pattern (a failed step ends with <c>!</c>).</summary>
        public List<string>? Operations { get; set; }

        /// <summary>Swarm size above which a swarm-size pattern applies.</summary>
        public int? SwarmSizeAbove { get; set; }

        /// <summary>Share of matching runs with the pattern's outcome (success: score ≥ 0.5; failure: score &lt; 0.5 or the failing status).</summary>
        public double SuccessRate { get; set; }

        /// <summary>Matching runs.</summary>
        public int ObservationCount { get; set; }

        /// <summary>Wilson 95% lower bound of the rate of the pattern's outcome (not the raw ratio).</summary>
        public double Confidence { get; set; }

        /// <summary>A sentence describing the pattern with its numbers.</summary>
        public string Description { get; set; } = string.Empty;

        /// <summary>What the pattern holds under: a parameter range, an operation sequence or a swarm size.</summary>
        public string Condition =>
            Parameter != null ? string.Format(System.Globalization.CultureInfo.InvariantCulture, "{0} in [{1:0.####}, {2:0.####}]", Parameter, RangeMin, RangeMax)
            : Operations != null ? string.Join(" > ", Operations)
            : SwarmSizeAbove != null ? "swarm size > " + SwarmSizeAbove.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : Category;

        /// <summary>
        /// The original design's pattern name: what the pattern is about in a few words, e.g.
        /// <c>momentum on SPY in up/high markets: lookback in [30, 39]</c>.
        /// </summary>
        public string Name
        {
            get
            {
                var scope = string.Join(" on ", new[] { Strategy, Symbol }.Where(s => s != null));
                if (Regime != null)
                    scope += " in " + Regime + " markets";
                return scope.Length == 0 ? Condition : scope + ": " + Condition;
            }
        }

        /// <summary>The original design's name for <see cref="Operations"/>.</summary>
        public List<string>? OperationSequence => Operations;
    }

    /// <summary>Filter for <see cref="LearningModel.GetPatterns"/>.</summary>
    public sealed class PatternFilter
    {
        /// <summary>Strategy name, or null for all.</summary>
        public string? Strategy { get; set; }

        /// <summary>Symbol, or null for all.</summary>
        public string? Symbol { get; set; }

        /// <summary>Kind, or null for both.</summary>
        public PatternKind? Kind { get; set; }

        /// <summary>Minimum matching runs (default 5).</summary>
        public int MinObservations { get; set; } = 5;

        /// <summary>Minimum Wilson lower bound (default 0.5).</summary>
        public double MinConfidence { get; set; } = 0.5;
    }

    /// <summary>Learning statistics for one strategy or overall.</summary>
    public sealed class StrategyLearningStats
    {
        /// <summary>Strategy name (null overall).</summary>
        public string? Strategy { get; set; }

        /// <summary>Trajectories recorded.</summary>
        public int TotalTrajectories { get; set; }

        /// <summary>Mean success score in [0,1] (a soft success rate).</summary>
        public double AvgSuccessRate { get; set; }

        /// <summary>Share of runs whose execution succeeded.</summary>
        public double ExecutionSuccessRate { get; set; }

        /// <summary>Mean score of the most recent window minus the mean score before it (see docs/learning.md).</summary>
        public double ImprovementRate { get; set; }

        /// <summary>Trajectories that carried a prediction.</summary>
        public int PredictionsMade { get; set; }

        /// <summary>1 − mean absolute error between predicted and actual scores (null without predictions).</summary>
        public double? PredictionAccuracy { get; set; }

        /// <summary>Share of trajectories whose parameters came from a suggestion.</summary>
        public double SuggestionUsage { get; set; }
    }

    /// <summary>Learning statistics (<c>Get-SwarmLearningStats</c>).</summary>
    public sealed class LearningStats
    {
        /// <summary>Trajectories recorded.</summary>
        public int TotalTrajectories { get; set; }

        /// <summary>Patterns found with the default <see cref="PatternFilter"/>.</summary>
        public int TotalPatterns { get; set; }

        /// <summary>Mean success score in [0,1].</summary>
        public double AvgSuccessRate { get; set; }

        /// <summary>Share of runs whose execution succeeded.</summary>
        public double ExecutionSuccessRate { get; set; }

        /// <summary>Mean score of the most recent window minus the mean score before it.</summary>
        public double ImprovementRate { get; set; }

        /// <summary>Trajectories that carried a prediction.</summary>
        public int PredictionsMade { get; set; }

        /// <summary>1 − mean absolute error between predicted and actual scores (null without predictions).</summary>
        public double? PredictionAccuracy { get; set; }

        /// <summary>False when some payloads could not be decrypted (no key, or a public key only): prediction numbers then cover only readable records.</summary>
        public bool PayloadsReadable { get; set; } = true;

        /// <summary>Per strategy.</summary>
        public List<StrategyLearningStats> ByStrategy { get; set; } = new List<StrategyLearningStats>();
    }
}
