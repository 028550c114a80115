using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the recurring success and failure patterns mined from the recorded deployments.</para>
    /// <para type="description">Get-SwarmPattern writes patterns of three kinds: parameter regions per strategy, symbol and market regime where runs tend to score well (Success) or badly (Failure); operation sequences, e.g. runs whose 'run' step failed; and swarm sizes above which runs time out or fail. Each has SuccessRate, ObservationCount and Confidence, the Wilson 95% lower bound of the rate (10 of 10 gives 0.72, not 1), and a Description with the numbers. Only patterns with at least -MinObservations runs and -MinConfidence are written, most confident first. Reading the runs of an encrypted store needs the key.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmPattern -Strategy momentum -Kind Success</code>
    /// <para>Where momentum does well.</para>
    /// </example>
    /// <example>
    /// <code>Get-SwarmPattern -Kind Failure -MinObservations 10 | Format-List Description, Confidence</code>
    /// <para>Well-supported failure patterns, such as timeouts above a number of agents.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmPattern")]
    [OutputType(typeof(SwarmPattern))]
    public sealed class GetSwarmPatternCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Only patterns of this strategy.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Strategy { get; set; }

        /// <summary>
        /// <para type="description">Only patterns of this symbol (patterns for all symbols are kept).</para>
        /// </summary>
        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Success or Failure; both when not given.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("Success", "Failure", IgnoreCase = true)]
        public string? Kind { get; set; }

        /// <summary>
        /// <para type="description">Lowest share of matching runs with the pattern's outcome (0 to 1).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MinSuccessRate { get; set; }

        /// <summary>
        /// <para type="description">Fewest matching runs. Default 5.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MinObservations { get; set; } = 5;

        /// <summary>
        /// <para type="description">Lowest confidence (the Wilson lower bound, 0 to 1). Default 0.5.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MinConfidence { get; set; } = 0.5;

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            var filter = new PatternFilter
            {
                Strategy = Strategy,
                Symbol = Symbol?.ToUpperInvariant(),
                Kind = Kind == null ? (PatternKind?)null : (PatternKind)System.Enum.Parse(typeof(PatternKind), Kind, ignoreCase: true),
                MinObservations = MinObservations,
                MinConfidence = MinConfidence,
            };
            foreach (var pattern in Invoke(() => coordinator.GetPatterns(filter)).Where(p => p.SuccessRate >= MinSuccessRate))
                WriteObject(new SwarmPattern(pattern));
        }
    }
}
