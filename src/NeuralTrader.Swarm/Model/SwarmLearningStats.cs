using System.Linq;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm
{
    /// <summary>What the store has learned, overall (Get-SwarmLearningStats) or for one strategy (-ByStrategy).</summary>
    public sealed class SwarmLearningStats
    {
        internal SwarmLearningStats(LearningStats stats, string storePath)
        {
            Strategy = null;
            TotalTrajectories = stats.TotalTrajectories;
            TotalPatterns = stats.TotalPatterns;
            AvgSuccessRate = stats.AvgSuccessRate;
            ExecutionSuccessRate = stats.ExecutionSuccessRate;
            ImprovementRate = stats.ImprovementRate;
            PredictionsMade = stats.PredictionsMade;
            PredictionAccuracy = stats.PredictionAccuracy;
            PayloadsReadable = stats.PayloadsReadable;
            StorePath = storePath;
            ByStrategy = stats.ByStrategy.Select(s => new SwarmLearningStats(s, stats.PayloadsReadable, storePath)).ToArray();
        }

        internal SwarmLearningStats(StrategyLearningStats stats, bool payloadsReadable, string storePath)
        {
            Strategy = stats.Strategy;
            TotalTrajectories = stats.TotalTrajectories;
            AvgSuccessRate = stats.AvgSuccessRate;
            ExecutionSuccessRate = stats.ExecutionSuccessRate;
            ImprovementRate = stats.ImprovementRate;
            PredictionsMade = stats.PredictionsMade;
            PredictionAccuracy = stats.PredictionAccuracy;
            SuggestionUsage = stats.SuggestionUsage;
            PayloadsReadable = payloadsReadable;
            StorePath = storePath;
            ByStrategy = new SwarmLearningStats[0];
        }

        /// <summary>Strategy name; empty for the overall statistics.</summary>
        public string? Strategy { get; }
        /// <summary>Trajectories (recorded deployments).</summary>
        public int TotalTrajectories { get; }
        /// <summary>Patterns found with the default thresholds (overall only).</summary>
        public int? TotalPatterns { get; }
        /// <summary>Mean success score in [0,1] (a soft success rate; see about_NeuralTrader.Swarm).</summary>
        public double AvgSuccessRate { get; }
        /// <summary>Share of deployments whose execution succeeded.</summary>
        public double ExecutionSuccessRate { get; }
        /// <summary>Mean score of the most recent runs minus the mean score before them; positive means improving.</summary>
        public double ImprovementRate { get; }
        /// <summary>Deployments that carried a prediction made before they ran.</summary>
        public int PredictionsMade { get; }
        /// <summary>1 − mean absolute error of the predicted scores; empty without predictions.</summary>
        public double? PredictionAccuracy { get; }
        /// <summary>Share of deployments whose parameters came from a suggestion (per strategy).</summary>
        public double? SuggestionUsage { get; }
        /// <summary>False when some payloads could not be decrypted (no key or a public key only).</summary>
        public bool PayloadsReadable { get; }
        /// <summary>The store file.</summary>
        public string StorePath { get; }
        /// <summary>The same per strategy (overall object only).</summary>
        public SwarmLearningStats[] ByStrategy { get; }
    }
}
