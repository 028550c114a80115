using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Creates a swarm coordinator to pass to other cmdlets with -Coordinator.</para>
    /// <para type="description">New-SwarmCoordinator creates a coordinator of its own, with its own strategies, sandboxes and counters, independent of the session default. Settings not given take the defaults. -Coordinator takes the object or its Id (tab completion lists the live ones). Dispose it when done ($coordinator.Dispose()) to stop its sandboxes.</para>
    /// </summary>
    /// <example>
    /// <code>$c = New-SwarmCoordinator -MaxAgents 2 -Isolation Process
    /// Register-Strategy -Coordinator $c -Name fast -Type momentum -Lookback 5
    /// Start-Swarm -Coordinator $c -Strategy fast -Agents 4</code>
    /// <para>Runs four agents of a strategy on a coordinator that allows two at a time.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "SwarmCoordinator", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmCoordinatorInfo))]
    public sealed class NewSwarmCoordinatorCommand : SwarmOptionsCmdletBase
    {
        /// <inheritdoc />
        protected override void OnEnd()
        {
            var options = Apply(new SwarmOptions());
            if (!ShouldProcess("swarm coordinator", "Create"))
                return;
            var key = Invoke(ResolveKey);
            WriteObject(Invoke(() => SwarmSession.CreateNamedCoordinator(options, key)));
        }
    }
}
