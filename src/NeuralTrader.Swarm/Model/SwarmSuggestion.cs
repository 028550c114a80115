using System.Collections;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm
{
    /// <summary>Learned parameters for the next deployment of a strategy on a symbol (Get-SwarmSuggestion).</summary>
    public sealed class SwarmSuggestion
    {
        internal SwarmSuggestion(Suggestion suggestion)
        {
            Strategy = suggestion.Strategy;
            Symbol = suggestion.Symbol;
            Confidence = suggestion.Confidence;
            ExpectedSuccessRate = suggestion.ExpectedSuccessRate;
            EstimatedDurationMs = suggestion.EstimatedDurationMs;
            var parameters = new Hashtable(System.StringComparer.OrdinalIgnoreCase);
            foreach (var p in suggestion.RecommendedParameters.OrderBy(p => p.Key, System.StringComparer.Ordinal))
                parameters[p.Key] = p.Value;
            RecommendedParameters = parameters;
            RecommendedOperations = suggestion.RecommendedOperations.ToArray();
            SupportingPatterns = suggestion.SupportingPatterns.Select(p => new SwarmPattern(p)).ToArray();
            Observations = suggestion.Observations;
            Method = suggestion.Method;
            Reasoning = suggestion.Reasoning;
        }

        /// <summary>Strategy name.</summary>
        public string Strategy { get; }
        /// <summary>Symbol.</summary>
        public string Symbol { get; }
        /// <summary>In [0,1]: grows with observations, shrinks with the model's uncertainty at the recommended point.</summary>
        public double Confidence { get; }
        /// <summary>Score the model expects at the recommended parameters, in [0,1].</summary>
        public double ExpectedSuccessRate { get; }
        /// <summary>Median duration of past successful runs in milliseconds; empty without data.</summary>
        public double? EstimatedDurationMs { get; }
        /// <summary>Parameters to deploy with next: pipe to Start-Swarm -Parameters.</summary>
        public Hashtable RecommendedParameters { get; }
        /// <summary>The operation sequence most often seen in successful runs.</summary>
        public string[] RecommendedOperations { get; }
        /// <summary>Success patterns whose region contains the recommended parameters.</summary>
        public SwarmPattern[] SupportingPatterns { get; }
        /// <summary>Runs of the strategy on the symbol the model used.</summary>
        public int Observations { get; }
        /// <summary>defaults, space-filling or bayesian-optimization.</summary>
        public string Method { get; }
        /// <summary>A sentence with the numbers behind the suggestion.</summary>
        public string Reasoning { get; }
    }
}
