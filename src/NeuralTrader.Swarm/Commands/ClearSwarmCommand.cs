using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes every sandbox of a coordinator, or the orphaned sandboxes left by dead sessions.</para>
    /// <para type="description">Clear-Swarm stops and removes all sandboxes the coordinator created and writes how many it removed. With -Orphaned it instead sweeps containers labelled by swarms whose owning process is gone (needs the Docker reaper of the Docker isolation; without it the current coordinator's sandboxes are cleared).</para>
    /// </summary>
    /// <example>
    /// <code>Clear-Swarm -Confirm:$false</code>
    /// <para>Removes the session coordinator's sandboxes without asking.</para>
    /// </example>
    /// <example>
    /// <code>Clear-Swarm -Orphaned -WhatIf</code>
    /// <para>Shows what the sweep would do.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Clear, "Swarm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(int))]
    public sealed class ClearSwarmCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Sweeps sandboxes left by swarms whose process is gone (Docker), rather than this coordinator's.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Orphaned { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var coordinator = Orphaned ? GetCoordinator() : ExistingCoordinator();
            var target = coordinator?.Id ?? "session swarm";
            if (!ShouldProcess(target, Orphaned ? "Remove orphaned sandboxes" : "Remove all sandboxes"))
                return;
            if (coordinator == null)
            {
                WriteObject(0);
                return;
            }
            if (Orphaned)
            {
                // The Docker reaper arrives with the Docker isolation; call it when this Core has it.
                var sweep = typeof(SwarmCoordinator).GetMethods(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(m => (m.Name == "CleanupOrphanedAsync" || m.Name == "SweepOrphansAsync") &&
                                         m.GetParameters().All(p => p.IsOptional) && typeof(Task<int>).IsAssignableFrom(m.ReturnType));
                if (sweep != null)
                {
                    var args = sweep.GetParameters().Select(p => p.DefaultValue).ToArray();
                    WriteObject(Run(_ => (Task<int>)sweep.Invoke(coordinator, args)!));
                    return;
                }
                WriteVerbose("This build has no orphan sweep (it comes with Docker isolation); clearing the current coordinator's sandboxes.");
            }
            WriteObject(Run(_ => coordinator.CleanupAsync()));
        }
    }
}
