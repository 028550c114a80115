using System;
using System.Linq;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm
{
    /// <summary>
    /// A coordinator made by New-SwarmCoordinator: pass it (or its Id) to other cmdlets with -Coordinator, and
    /// Dispose() it when done to stop its sandboxes. Core's coordinator stays behind it, out of the pipeline.
    /// </summary>
    public sealed class SwarmCoordinatorInfo : IDisposable
    {
        internal SwarmCoordinatorInfo(SwarmCoordinator coordinator) => Coordinator = coordinator;

        internal SwarmCoordinator Coordinator { get; }

        /// <summary>The coordinator's id (swarm-…), also on its sandboxes and in Get-SwarmConfiguration.</summary>
        public string Id => Coordinator.Id;
        /// <summary>Where its agents run (Auto, Docker, Process, Swarm).</summary>
        public string Isolation => Coordinator.Options.Isolation.ToString();
        /// <summary>Most agents running at once.</summary>
        public int MaxAgents => Coordinator.Options.MaxAgents;
        /// <summary>Whether it records and learns from deployments.</summary>
        public bool Learning => Coordinator.Options.LearningEnabled;
        /// <summary>Its trajectory store (null: the per-user default).</summary>
        public string? StorePath => Coordinator.Options.StorePath;
        /// <summary>Names of the strategies registered on it.</summary>
        public string[] Strategies => Coordinator.GetStrategies().Select(s => s.Name).ToArray();
        /// <summary>Its live sandboxes, as Get-SwarmSandbox -Coordinator writes them.</summary>
        public SwarmSandbox[] GetSandboxes() => Coordinator.GetSandboxes().Select(s => new SwarmSandbox(s)).ToArray();
        /// <summary>True once disposed; it can no longer be used.</summary>
        public bool IsDisposed { get; private set; }

        /// <summary>Stops its sandboxes and forgets it (its Id no longer binds to -Coordinator).</summary>
        public void Dispose()
        {
            IsDisposed = true;
            Internal.SwarmSession.Forget(this);
            Coordinator.Dispose();
        }

        /// <inheritdoc />
        public override string ToString() => Id;
    }
}
