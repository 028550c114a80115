using System;
using System.Management.Automation;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Builds the Docker sandbox image from the runner shipped with the module, offline.</para>
    /// <para type="description">Build-SwarmSandboxImage builds neuraltrader-swarm-runner:MODULEVERSION-RUNNERDIGEST (the first 12 hex digits of the runner's SHA-256, so the image holds exactly the runner this module ships) on the Docker engine (the configured -DockerEndpoint, DOCKER_HOST or the default) from the native runner in the module folder; nothing is pulled. Without -Force an image that exists already is kept. Docker isolation builds it on first use anyway; this cmdlet does it ahead of time. It writes the image's tag, id and size.</para>
    /// </summary>
    /// <example>
    /// <code>Build-SwarmSandboxImage</code>
    /// <para>Builds the image unless the engine has it, and shows it.</para>
    /// </example>
    /// <example>
    /// <code>Build-SwarmSandboxImage -Force -WhatIf</code>
    /// <para>Shows that the image would be rebuilt, without building.</para>
    /// </example>
    [Cmdlet(VerbsLifecycleExtra.Build, "SwarmSandboxImage", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmSandboxImage))]
    public sealed class BuildSwarmSandboxImageCommand : SwarmCmdletBase
    {
        /// <summary>
        /// <para type="description">Rebuilds the image even when the engine has it.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>
        /// <para type="description">Folder holding the linux runner to put in the image; the one shipped with the module (module/runner/linux-x64) when not set.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RunnerDirectory { get; set; }

        /// <summary>
        /// <para type="description">Docker engine endpoint; the configured one, DOCKER_HOST or the platform default when not set.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DockerEndpoint { get; set; }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            var endpoint = DockerEndpoint ?? SwarmSession.Current.Options.DockerEndpoint;
            var uri = Invoke(() => DockerEngine.ResolveEndpoint(endpoint));
            var runnerDirectory = RunnerDirectory == null ? null : GetUnresolvedProviderPathFromPSPath(RunnerDirectory);
            var tag = Invoke(() => SandboxImageBuilder.ForEndpoint(endpoint, runnerDirectory).Tag);
            if (!ShouldProcess($"{tag} on {uri}", Force ? "Rebuild sandbox image" : "Build sandbox image if missing"))
                return;
            var logger = CmdletLoggerFactory.Instance.CreateLogger(typeof(SandboxImageBuilder).FullName!);
            var image = Run(async token =>
            {
                await DockerEngine.PingAsync(uri, TimeSpan.FromSeconds(10), token).ConfigureAwait(false);
                var builder = SandboxImageBuilder.ForEndpoint(endpoint, runnerDirectory, null, logger);
                bool built = true;
                if (Force)
                    await builder.BuildAsync(token).ConfigureAwait(false);
                else if (await builder.ExistsAsync(token).ConfigureAwait(false))
                    built = false;
                else
                    await builder.EnsureAsync(token).ConfigureAwait(false);
                var inspect = await DockerEngine.GetClient(uri).Images.InspectImageAsync(builder.Tag, token).ConfigureAwait(false);
                return new SwarmSandboxImage(builder.Tag, inspect.ID, inspect.Size, inspect.Created, built, uri.ToString());
            });
            WriteObject(image);
        }
    }

    /// <summary>
    /// The Lifecycle verb Build: approved since PowerShell 6 (Get-Verb), but missing from PowerShellStandard.Library's
    /// VerbsLifecycle, which mirrors 5.1's list.
    /// </summary>
    internal static class VerbsLifecycleExtra
    {
        public const string Build = "Build";
    }
}
