using System.Management.Automation;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets the counters of a swarm coordinator.</para>
    /// <para type="description">Get-SwarmStatus writes the coordinator's metrics: total, successful and failed executions, average duration, active and peak agents, live sandboxes, registered strategies and the isolation in use.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmStatus</code>
    /// <para>Shows the session coordinator's counters.</para>
    /// </example>
    /// <example>
    /// <code>(Get-SwarmStatus).SuccessRate</code>
    /// <para>Reads the share of deployments that succeeded.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmStatus")]
    [OutputType(typeof(SwarmStatus))]
    public sealed class GetSwarmStatusCommand : SwarmCoordinatorCmdletBase
    {
        /// <inheritdoc />
        protected override void OnEnd()
        {
            var coordinator = GetCoordinator();
            WriteObject(new SwarmStatus(coordinator, coordinator.GetMetrics(), SwarmSession.RunningCount(coordinator)));
        }
    }
}
