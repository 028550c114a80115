using System;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// One hardened container running a runner in long-lived mode. Requests travel over the attach stream
    /// (stdin/stdout) through a <see cref="RunnerChannel"/>, so an execution costs a round trip, not a container start.
    /// </summary>
    internal sealed class DockerSandbox : ISandbox
    {
        private readonly IContainerHost _provider;
        private readonly AttachStreams _streams;
        private readonly RunnerChannel _channel;
        private readonly int _memoryLimitMb;
        private int _stopped;

        public DockerSandbox(IContainerHost provider, string id, AttachStreams streams, SandboxSpec spec, string image, string coordinatorId,
            string kind = "docker", string node = "")
        {
            _provider = provider;
            Id = id;
            _streams = streams;
            _channel = new RunnerChannel(streams.Input, streams.Output);
            _memoryLimitMb = spec.MemoryLimitMb;
            Info = new SandboxInfo
            {
                Id = id,
                Kind = kind,
                Node = node,
                AgentId = spec.AgentId,
                Strategy = spec.Strategy,
                Image = image,
                CreatedAt = DateTimeOffset.UtcNow,
                CoordinatorId = coordinatorId,
                State = "Idle",
            };
        }

        public string Id { get; }

        public string ShortId => Id.Length > 12 ? Id.Substring(0, 12) : Id;

        public SandboxInfo Info { get; }

        public bool IsAlive => Volatile.Read(ref _stopped) == 0;

        /// <summary>Labels of a warm-pool sandbox say warm-pool; the listing says who took it.</summary>
        internal void AssignTo(SandboxSpec spec)
        {
            Info.AgentId = spec.AgentId;
            Info.Strategy = spec.Strategy;
        }

        public async Task<RunnerResponse> SendAsync(RunnerRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (!IsAlive)
            {
                throw new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                    $"Sandbox {ShortId} was already stopped.", Info.Strategy);
            }

            Info.State = "Busy";
            try
            {
                // No token for the channel: cancelling is done by killing the container, which ends the read.
                var response = await _channel.SendWithinAsync(request, timeout, StopAsync, "container " + ShortId, Info.Strategy, cancellationToken).ConfigureAwait(false);
                Info.State = "Idle";
                return response;
            }
            catch (SwarmException e) when (e.ErrorId == SwarmErrorIds.ProtocolViolation)
            {
                // The stream is in an unknown state: the sandbox is discarded.
                await StopAsync().ConfigureAwait(false);
                throw new SwarmException(e.ErrorId, e.Kind, e.Message + $" Container {ShortId} was discarded.", Info.Strategy, e);
            }
            catch (Exception e) when (e is SwarmException || e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                if (e is SwarmException swarm && swarm.ErrorId != SwarmErrorIds.SandboxExited)
                    throw; // a timeout, already killed
                var error = await DiagnoseExitAsync(e).ConfigureAwait(false);
                await StopAsync().ConfigureAwait(false);
                throw error;
            }
        }

        /// <summary>
        /// The readiness check: a ping answered within the spec's start timeout, else SandboxStartFailed naming
        /// the check (the engine being unreachable stays DockerUnavailable).
        /// </summary>
        internal async Task WaitReadyAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            RunnerResponse pong;
            try
            {
                pong = await SendAsync(new RunnerRequest { Id = "ready", Op = RunnerOps.Ping }, spec.StartTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (SwarmException e) when (e.ErrorId != SwarmErrorIds.DockerUnavailable)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, e.ErrorId == SwarmErrorIds.SandboxTimeout ? SwarmErrorKind.Timeout : SwarmErrorKind.Unavailable,
                    $"Sandbox container {ShortId} ({Info.Image}) did not become ready (readiness check: ping within {spec.StartTimeout.TotalSeconds:0.#} s): {e.Message}", spec.Strategy, e);
            }
            if (!pong.Ok)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                    $"Sandbox container {ShortId} ({Info.Image}) failed its readiness check (ping): {pong.Error?.Message}", spec.Strategy);
            }
        }

        /// <summary>Why the stream ended: out of memory, killed, crashed, or the engine went away.</summary>
        internal async Task<SwarmException> DiagnoseExitAsync(Exception cause)
        {
            ContainerInspectResponse? inspect = null;
            try
            {
                // The stream can end a moment before the engine records the exit; wait briefly for it.
                for (int i = 0; i < 20; i++)
                {
                    inspect = await _provider.Client.Containers.InspectContainerAsync(Id, CancellationToken.None).ConfigureAwait(false);
                    if (inspect.State == null || !inspect.State.Running)
                        break;
                    await Task.Delay(50).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is DockerContainerNotFoundException || e is DockerApiException api &&
                (api.StatusCode == System.Net.HttpStatusCode.NotFound || api.StatusCode == System.Net.HttpStatusCode.Conflict))
            {
                // Gone or going: it exited and AutoRemove is deleting it, or it was removed from outside. Its events tell which.
                return await DiagnoseRemovedAsync(cause).ConfigureAwait(false);
            }
            catch (Exception e) when (DockerEngine.IsUnreachable(e, CancellationToken.None))
            {
                return DockerEngine.Unavailable(_provider.Endpoint, e);
            }
            var tail = _streams.StderrTail.Trim();
            var state = inspect?.State;
            var code = state != null ? state.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";
            if (state != null && (state.OOMKilled || _provider.Exits?.Of(Id).OutOfMemory == true || tail.IndexOf("OutOfMemory", StringComparison.OrdinalIgnoreCase) >= 0 ||
                                  tail.IndexOf("Out of memory", StringComparison.OrdinalIgnoreCase) >= 0))
            {
                return new SwarmException(SwarmErrorIds.SandboxOutOfMemory, SwarmErrorKind.ResourceLimit,
                    $"Container {ShortId} ran out of memory (limit {_memoryLimitMb} MB) and was killed (exit code {code}).", Info.Strategy, cause);
            }

            if (state != null && state.Running)
            {
                return new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                    $"The runner in container {ShortId} closed its output but the container still runs.", Info.Strategy, cause);
            }

            return Exited(state?.ExitCode, tail, cause);
        }

        /// <summary>The diagnosis of a container that is already removed, from the engine's events.</summary>
        private async Task<SwarmException> DiagnoseRemovedAsync(Exception cause)
        {
            var exit = _provider.Exits?.Of(Id);
            if (exit is null)
            {
                return new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                    $"Container {ShortId} was removed while running.", Info.Strategy, cause);
            }

            var died = await Task.WhenAny(exit.Died, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) == exit.Died;
            var tail = _streams.StderrTail.Trim();
            if (exit.OutOfMemory || tail.IndexOf("OutOfMemory", StringComparison.OrdinalIgnoreCase) >= 0 || tail.IndexOf("Out of memory", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new SwarmException(SwarmErrorIds.SandboxOutOfMemory, SwarmErrorKind.ResourceLimit,
                    $"Container {ShortId} ran out of memory (limit {_memoryLimitMb} MB) and was killed" + (died ? $" (exit code {exit.Died.Result})." : "."), Info.Strategy, cause);
            }

            if (!died)
            {
                return new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                    $"Container {ShortId} was removed from outside (e.g. `docker rm -f`) while running.", Info.Strategy, cause);
            }

            return Exited(exit.Died.Result, tail, cause);
        }

        private SwarmException Exited(long? exitCode, string tail, Exception cause)
        {
            var code = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
            var how = exitCode == 137 ? " (SIGKILL: killed from outside, e.g. `docker kill` or `docker rm -f`)"
                : exitCode == 143 ? " (SIGTERM: stopped from outside, e.g. `docker stop`)" : "";
            return new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                $"Container {ShortId} exited unexpectedly with code {code}{how}." + (tail.Length > 0 ? " Last output: " + tail : ""), Info.Strategy, cause);
        }

        /// <summary>Closes the stream at once and kills and removes the container in the background.</summary>
        public Task StopAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1)
                return Task.CompletedTask;
            Info.State = "Stopped";
            _streams.Dispose();
            _provider.OnStopped(this);
            return Task.CompletedTask;
        }

        public void Dispose() => StopAsync().GetAwaiter().GetResult();
    }

    /// <summary>
    /// The engine a <see cref="DockerSandbox"/>'s container lives on and who removes it once stopped: the
    /// single-engine provider, or a Swarm node reached through the Swarm provider.
    /// </summary>
    internal interface IContainerHost
    {
        /// <summary>Client of the engine running the container.</summary>
        DockerClient Client { get; }

        /// <summary>That engine's endpoint, for error messages.</summary>
        Uri Endpoint { get; }

        /// <summary>Called once when the sandbox stops: forget it and remove what backs it.</summary>
        void OnStopped(DockerSandbox sandbox);

        /// <summary>The engine's exit events of this run's auto-removed containers, or null where containers are not auto-removed (Swarm tasks).</summary>
        ContainerExits? Exits { get; }
    }
}
