using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Suggests parameters for the next deployment of a strategy, learned from its recorded runs.</para>
    /// <para type="description">Get-SwarmSuggestion models the success score over the strategy's parameter space from every recorded run of the strategy on the symbol (a Gaussian process with expected improvement once there are enough runs; space-filling before that; the defaults without any) and writes the recommended parameters with Confidence, ExpectedSuccessRate, EstimatedDurationMs, RecommendedOperations, SupportingPatterns and a Reasoning sentence with the numbers behind it. Parameters given with -Parameters are held fixed. Reading the runs of an encrypted store needs the key (a symmetric key or the HQC key pair).</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmSuggestion -Strategy momentum -Symbol SPY</code>
    /// <para>Shows what to try next for momentum on SPY and why.</para>
    /// </example>
    /// <example>
    /// <code>$s = Get-SwarmSuggestion -Strategy momentum -Symbol SPY -Parameters @{ positionSize = 0.5 }
    /// Start-Swarm -Strategy momentum -Symbol SPY -Parameters $s.RecommendedParameters</code>
    /// <para>Deploys with the suggested parameters, holding the position size at 0.5.</para>
    /// </example>
    /// <example>
    /// <code>Get-Strategy | Get-SwarmSuggestion</code>
    /// <para>A suggestion for every registered strategy on its first symbol.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmSuggestion")]
    [OutputType(typeof(SwarmSuggestion))]
    public sealed class GetSwarmSuggestionCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Registered strategy name or built-in type (momentum, mean-reversion, neural-forecast).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Strategy { get; set; } = "";

        /// <summary>
        /// <para type="description">Symbol to suggest for; the strategy's first symbol when not given.</para>
        /// </summary>
        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Parameters to hold fixed, as a hashtable (e.g. @{ lookback = 20 }); the others are optimised.</para>
        /// </summary>
        [Parameter]
        public Hashtable? Parameters { get; set; }

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            Dictionary<string, object?>? fixedParameters = null;
            if (Parameters != null)
            {
                fixedParameters = new Dictionary<string, object?>(System.StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry e in Parameters)
                    fixedParameters[e.Key?.ToString() ?? ""] = e.Value is PSObject pso ? pso.BaseObject : e.Value;
            }
            try
            {
                WriteObject(new SwarmSuggestion(Invoke(() => coordinator.GetSuggestion(Strategy, Symbol, fixedParameters))));
            }
            catch (Core.SwarmException e) when (e.Kind != Core.SwarmErrorKind.Security && e.Kind != Core.SwarmErrorKind.InvalidData)
            {
                // One strategy that cannot be suggested for (unknown, custom image) does not stop the others.
                WriteSwarmError(e, Strategy);
            }
        }
    }
}
