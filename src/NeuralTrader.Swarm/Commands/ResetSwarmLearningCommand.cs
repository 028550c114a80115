using System.Globalization;
using System.Management.Automation;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes every recorded deployment from the trajectory store.</para>
    /// <para type="description">Reset-SwarmLearning deletes all trajectories (with SQLite's secure_delete) and restarts the integrity chain, so statistics, patterns and suggestions start again from nothing. Registered strategies stay. It asks for confirmation (ConfirmImpact High); -Force or -Confirm:$false skips the question, -WhatIf shows what would be deleted. Export-SwarmState first to keep a copy.</para>
    /// </summary>
    /// <example>
    /// <code>Export-SwarmState -Path ./before-reset.json; Reset-SwarmLearning -Force</code>
    /// <para>Keeps a copy, then forgets everything learned.</para>
    /// </example>
    /// <example>
    /// <code>Reset-SwarmLearning -WhatIf</code>
    /// <para>Shows how many trajectories would be deleted; deletes nothing.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Reset, "SwarmLearning", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(long))]
    public sealed class ResetSwarmLearningCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Deletes without asking (unless -Confirm or -WhatIf is given too).</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Writes the number of trajectories deleted.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var coordinator = GetCoordinator();
            var store = Invoke(coordinator.GetStoreStatus);
            var target = string.Format(CultureInfo.InvariantCulture, "{0} trajectories in {1}", Invoke(coordinator.CountTrajectories), store.Path);
            var bound = MyInvocation.BoundParameters;
            var skipQuestion = Force && !bound.ContainsKey("Confirm") && !bound.ContainsKey("WhatIf");
            if (!skipQuestion && !ShouldProcess(target, "Delete all learning data"))
                return;
            var deleted = Invoke(coordinator.ResetLearning);
            WriteVerbose(string.Format(CultureInfo.InvariantCulture, "Deleted {0} trajectories from {1}.", deleted, store.Path));
            if (PassThru)
                WriteObject(deleted);
        }
    }
}
