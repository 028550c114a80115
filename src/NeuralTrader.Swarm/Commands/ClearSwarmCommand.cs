using System.Management.Automation;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes every sandbox of a coordinator, or the orphaned sandboxes left by dead sessions.</para>
    /// <para type="description">Clear-Swarm stops and removes all sandboxes the coordinator created and writes how many it removed. With -Orphaned it instead asks the Docker engine (the configured -DockerEndpoint, DOCKER_HOST or the default) for containers labelled by this module whose owning process is gone, such as those of a killed session, removes them and writes how many.</para>
    /// </summary>
    /// <example>
    /// <code>Clear-Swarm</code>
    /// <para>Removes the session coordinator's sandboxes (no prompt: nothing is lost; -Confirm asks first).</para>
    /// </example>
    /// <example>
    /// <code>Clear-Swarm -Orphaned -WhatIf</code>
    /// <para>Shows what the sweep would do.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Clear, "Swarm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(int))]
    public sealed class ClearSwarmCommand : SwarmCoordinatorCmdletBase
    {
        // ConfirmImpact is Medium: removing the session's own sandboxes (or dead sessions' leftovers) loses no data,
        // so scripts and scheduled tasks run it without a prompt; -Confirm still asks.

        /// <summary>
        /// <para type="description">Sweeps sandboxes left by swarms whose process is gone (Docker), rather than this coordinator's.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Orphaned { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            if (Orphaned)
            {
                // The sweep needs no coordinator: it asks the engine for labelled containers whose owner process is gone.
                var endpoint = ExistingCoordinator()?.Options.DockerEndpoint ?? SwarmSession.Current.Options.DockerEndpoint;
                if (!ShouldProcess(endpoint ?? "Docker engine", "Remove orphaned sandboxes"))
                    return;
                var logger = CmdletLoggerFactory.Instance.CreateLogger(typeof(DockerOrphanReaper).FullName!);
                WriteObject(Run(token => DockerOrphanReaper.ReapAsync(endpoint, logger, token)));
                return;
            }
            var coordinator = ExistingCoordinator();
            if (!ShouldProcess(coordinator?.Id ?? "session swarm", "Remove all sandboxes"))
                return;
            WriteObject(coordinator == null ? 0 : Run(_ => coordinator.CleanupAsync()));
        }
    }
}
