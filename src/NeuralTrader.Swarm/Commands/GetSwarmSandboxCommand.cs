using System.Linq;
using System.Management.Automation;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the live sandboxes of a swarm coordinator.</para>
    /// <para type="description">Get-SwarmSandbox writes one object per sandbox (child process or container) the coordinator has running: its id, kind, agent, strategy, state, age and memory. Sandboxes live while a swarm runs; none should remain afterwards.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmSandbox</code>
    /// <para>Lists the session coordinator's sandboxes.</para>
    /// </example>
    /// <example>
    /// <code>Get-SwarmSandbox -Strategy momentum</code>
    /// <para>Lists the sandboxes created for the momentum strategy.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmSandbox")]
    [OutputType(typeof(SwarmSandbox))]
    public sealed class GetSwarmSandboxCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Only sandboxes created for these strategies; wildcards allowed.</para>
        /// </summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Strategy { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var coordinator = ExistingCoordinator();
            if (coordinator == null)
                return;
            var patterns = Strategy?.Select(s => WildcardPattern.Get(s, WildcardOptions.IgnoreCase)).ToList();
            foreach (var info in coordinator.GetSandboxes())
            {
                if (patterns == null || patterns.Any(p => p.IsMatch(info.Strategy)))
                    WriteObject(new SwarmSandbox(info));
            }
        }
    }
}
