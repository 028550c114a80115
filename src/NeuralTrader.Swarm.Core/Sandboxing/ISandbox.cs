using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>What a sandbox is created for; providers turn it into a process or a container.</summary>
    public sealed class SandboxSpec
    {
        /// <summary>Agent that will own the sandbox.</summary>
        public string AgentId { get; set; } = "";
        /// <summary>Strategy name, for labels and listings.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Custom image; null for the built-in runner.</summary>
        public string? Image { get; set; }
        /// <summary>Memory limit in MB.</summary>
        public int MemoryLimitMb { get; set; } = 512;
        /// <summary>CPU limit in cores.</summary>
        public double CpuLimit { get; set; } = 1.0;
        /// <summary>How long the sandbox may take to become ready.</summary>
        public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);
    }

    /// <summary>A live sandbox as listed by Get-SwarmSandbox.</summary>
    public sealed class SandboxInfo
    {
        /// <summary>Container id or process id.</summary>
        public string Id { get; set; } = "";
        /// <summary>process, docker or swarm.</summary>
        public string Kind { get; set; } = "";
        /// <summary>Owning agent.</summary>
        public string AgentId { get; set; } = "";
        /// <summary>Strategy it was created for.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Image (docker) or runner path (process).</summary>
        public string Image { get; set; } = "";
        /// <summary>Creation time.</summary>
        public DateTimeOffset CreatedAt { get; set; }
        /// <summary>Time since creation.</summary>
        public TimeSpan Age => DateTimeOffset.UtcNow - CreatedAt;
        /// <summary>Memory in use in bytes, when known.</summary>
        public long? MemoryBytes { get; set; }
        /// <summary>Idle, Busy or Stopped.</summary>
        public string State { get; set; } = "Idle";
        /// <summary>Coordinator that created it.</summary>
        public string CoordinatorId { get; set; } = "";
        /// <summary>Swarm node (address) the sandbox runs on; empty for a local process or engine.</summary>
        public string Node { get; set; } = "";
    }

    /// <summary>
    /// An isolated runner that answers protocol requests. One request at a time; the owning agent
    /// serialises its calls.
    /// </summary>
    public interface ISandbox : IDisposable
    {
        /// <summary>Container id or process id.</summary>
        string Id { get; }

        /// <summary>Listing data; kept current by the provider.</summary>
        SandboxInfo Info { get; }

        /// <summary>False once the sandbox has exited or been killed.</summary>
        bool IsAlive { get; }

        /// <summary>
        /// Sends one request and waits for its response. On timeout the sandbox is killed and a
        /// <see cref="SwarmException"/> with id SandboxTimeout is thrown; a crash, out-of-memory kill or a
        /// malformed response throws with SandboxExited, SandboxOutOfMemory or ProtocolViolation.
        /// </summary>
        Task<RunnerResponse> SendAsync(RunnerRequest request, TimeSpan timeout, CancellationToken cancellationToken);

        /// <summary>Kills and removes the sandbox; safe to call more than once.</summary>
        Task StopAsync();
    }

    /// <summary>Creates sandboxes of one kind and keeps track of them so none is leaked.</summary>
    public interface ISandboxProvider : IDisposable
    {
        /// <summary>process or docker.</summary>
        string Kind { get; }

        /// <summary>Creates a sandbox and waits until its runner answers a ping.</summary>
        Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken);

        /// <summary>Live sandboxes created by this provider.</summary>
        IReadOnlyList<SandboxInfo> ListSandboxes();

        /// <summary>Stops every sandbox this provider created; returns how many were stopped.</summary>
        Task<int> CleanupAsync();
    }
}
