using System;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets what the swarm has learned from its recorded deployments.</para>
    /// <para type="description">Get-SwarmLearningStats reads the trajectory store and writes TotalTrajectories, TotalPatterns, AvgSuccessRate (mean success score), ExecutionSuccessRate, ImprovementRate (recent runs against earlier ones), PredictionsMade and PredictionAccuracy, with the same numbers per strategy in ByStrategy. With -ByStrategy it writes one object per strategy instead. An encrypted store gives its counts and scores without a key; PayloadsReadable tells whether the prediction numbers cover every run.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmLearningStats</code>
    /// <para>Shows the overall statistics.</para>
    /// </example>
    /// <example>
    /// <code>Get-SwarmLearningStats -ByStrategy | Where-Object ImprovementRate -gt 0</code>
    /// <para>Lists the strategies whose recent runs score better than their earlier ones.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmLearningStats")]
    [OutputType(typeof(SwarmLearningStats))]
    public sealed class GetSwarmLearningStatsCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Writes one object per strategy instead of the overall statistics.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter ByStrategy { get; set; }

        /// <summary>
        /// <para type="description">With -ByStrategy, only these strategies (wildcards allowed).</para>
        /// </summary>
        [Parameter(Position = 0)]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Strategy { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var coordinator = GetCoordinator();
            var stats = Invoke(() => new SwarmLearningStats(coordinator.GetLearningStats(), coordinator.GetStoreStatus().Path));
            if (!ByStrategy && Strategy == null)
            {
                WriteObject(stats);
                return;
            }
            var patterns = (Strategy ?? new[] { "*" }).Select(s => WildcardPattern.Get(s, WildcardOptions.IgnoreCase)).ToList();
            foreach (var s in stats.ByStrategy.OrderBy(s => s.Strategy, StringComparer.OrdinalIgnoreCase))
            {
                if (patterns.Any(p => p.IsMatch(s.Strategy ?? "")))
                    WriteObject(s);
            }
        }
    }
}
