using System.Management.Automation;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Stops the swarms running on a coordinator and their sandboxes.</para>
    /// <para type="description">Stop-Swarm cancels every swarm running on the coordinator (background jobs from Start-Swarm -AsJob, or a swarm in another runspace using the same coordinator) and stops its sandboxes. Deployments that had not settled end as Cancelled. To stop a swarm in the current pipeline press Ctrl+C.</para>
    /// </summary>
    /// <example>
    /// <code>Start-Swarm -Strategy neural-forecast -Agents 50 -AsJob; Stop-Swarm</code>
    /// <para>Starts a large swarm in the background and stops it.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Stop, "Swarm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(SwarmStatus))]
    public sealed class StopSwarmCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Writes the coordinator's status afterwards.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var coordinator = ExistingCoordinator();
            if (coordinator == null)
                return;
            if (!ShouldProcess(coordinator.Id, "Stop running swarms and their sandboxes"))
                return;
            var cancelled = SwarmSession.CancelSwarms(coordinator);
            var stopped = Run(_ => coordinator.CleanupAsync());
            WriteVerbose($"Cancelled {cancelled} running swarm(s) and stopped {stopped} sandbox(es).");
            if (PassThru)
                WriteObject(new SwarmStatus(coordinator, coordinator.GetMetrics(), SwarmSession.RunningCount(coordinator)));
        }
    }
}
