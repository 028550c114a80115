using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the registered strategies.</para>
    /// <para type="description">Get-Strategy writes the strategies registered with the coordinator, by name with wildcards. A name without wildcards that is not registered is an error (StrategyNotRegistered). Pipe the result to Start-Swarm or Unregister-Strategy.</para>
    /// </summary>
    /// <example>
    /// <code>Get-Strategy</code>
    /// <para>Lists every registered strategy.</para>
    /// </example>
    /// <example>
    /// <code>Get-Strategy -Name *momentum* | Start-Swarm -Agents 2</code>
    /// <para>Deploys two agents of each strategy whose name contains "momentum".</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "Strategy")]
    [OutputType(typeof(SwarmStrategy))]
    public sealed class GetStrategyCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Names to get; wildcards allowed. All when omitted.</para>
        /// </summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            var all = coordinator.GetStrategies();
            if (Name == null || Name.Length == 0)
            {
                foreach (var registration in all)
                    WriteObject(new SwarmStrategy(registration, coordinator.Id));
                return;
            }
            foreach (var name in Name)
            {
                var pattern = WildcardPattern.Get(name, WildcardOptions.IgnoreCase);
                var matches = all.Where(r => pattern.IsMatch(r.Name)).ToList();
                foreach (var registration in matches)
                    WriteObject(new SwarmStrategy(registration, coordinator.Id));
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(SwarmErrorMapper.FromException(new SwarmException(SwarmErrorIds.StrategyNotRegistered, SwarmErrorKind.NotFound,
                        $"No strategy named '{name}' is registered.", name)));
                }
            }
        }
    }
}
