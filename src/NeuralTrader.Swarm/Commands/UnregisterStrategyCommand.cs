using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes registered strategies.</para>
    /// <para type="description">Unregister-Strategy removes strategies from the coordinator by name. Names come from the pipeline by property name, so Get-Strategy output can be piped in. A name that is not registered is an error (StrategyNotRegistered).</para>
    /// </summary>
    /// <example>
    /// <code>Unregister-Strategy -Name fast-momentum</code>
    /// <para>Removes one strategy.</para>
    /// </example>
    /// <example>
    /// <code>Get-Strategy test-* | Unregister-Strategy -WhatIf</code>
    /// <para>Shows which strategies would be removed without removing them.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Unregister, "Strategy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class UnregisterStrategyCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Names of the strategies to remove.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = new string[0];

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            foreach (var name in Name)
            {
                if (!ShouldProcess(name, "Unregister strategy"))
                    continue;
                if (!coordinator.UnregisterStrategy(name))
                {
                    WriteError(SwarmErrorMapper.FromException(new SwarmException(SwarmErrorIds.StrategyNotRegistered, SwarmErrorKind.NotFound,
                        $"No strategy named '{name}' is registered.", name)));
                }
            }
        }
    }
}
