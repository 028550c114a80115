using System;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm
{
    /// <summary>A live sandbox as Get-SwarmSandbox writes it.</summary>
    public sealed class SwarmSandbox
    {
        internal SwarmSandbox(SandboxInfo info)
        {
            Id = info.Id;
            Kind = info.Kind;
            AgentId = info.AgentId;
            Strategy = info.Strategy;
            Image = info.Image;
            State = info.State;
            CreatedAt = info.CreatedAt;
            Age = info.Age;
            MemoryMB = info.MemoryBytes.HasValue ? Math.Round(info.MemoryBytes.Value / 1048576.0, 1) : (double?)null;
            CoordinatorId = info.CoordinatorId;
            Node = info.Node;
        }

        /// <summary>Container id or process sandbox id (proc-PID).</summary>
        public string Id { get; }
        /// <summary>process, docker or swarm.</summary>
        public string Kind { get; }
        /// <summary>Owning agent.</summary>
        public string AgentId { get; }
        /// <summary>Strategy it was created for.</summary>
        public string Strategy { get; }
        /// <summary>Image (docker) or runner path (process).</summary>
        public string Image { get; }
        /// <summary>Idle, Busy or Stopped.</summary>
        public string State { get; }
        /// <summary>Creation time.</summary>
        public DateTimeOffset CreatedAt { get; }
        /// <summary>Time since creation.</summary>
        public TimeSpan Age { get; }
        /// <summary>Memory in use in MB, when known.</summary>
        public double? MemoryMB { get; }
        /// <summary>Coordinator that created it.</summary>
        public string CoordinatorId { get; }
        /// <summary>Swarm node address the sandbox runs on; empty for a local engine or process.</summary>
        public string Node { get; }
    }
}
