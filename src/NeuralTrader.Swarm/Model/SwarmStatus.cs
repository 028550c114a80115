using System;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm
{
    /// <summary>A coordinator's counters as Get-SwarmStatus writes them.</summary>
    public sealed class SwarmStatus
    {
        internal SwarmStatus(SwarmCoordinator coordinator, SwarmMetrics metrics, int runningSwarms)
        {
            CoordinatorId = coordinator.Id;
            TotalExecutions = metrics.TotalExecutions;
            SuccessfulExecutions = metrics.SuccessfulExecutions;
            FailedExecutions = metrics.FailedExecutions;
            CancelledExecutions = metrics.CancelledExecutions;
            SuccessRate = metrics.TotalExecutions == 0 ? 0 : (double)metrics.SuccessfulExecutions / metrics.TotalExecutions;
            AverageDuration = TimeSpan.FromMilliseconds(metrics.AverageDurationMs);
            ActiveAgents = metrics.ActiveAgents;
            PeakActiveAgents = metrics.PeakActiveAgents;
            ActiveSandboxes = metrics.ActiveSandboxes;
            RegisteredStrategies = metrics.RegisteredStrategies;
            Isolation = metrics.Isolation;
            MaxAgents = coordinator.Options.MaxAgents;
            RunningSwarms = runningSwarms;
        }

        /// <summary>Coordinator the counters belong to.</summary>
        public string CoordinatorId { get; }
        /// <summary>Deployments settled.</summary>
        public long TotalExecutions { get; }
        /// <summary>Deployments that succeeded.</summary>
        public long SuccessfulExecutions { get; }
        /// <summary>Deployments that did not.</summary>
        public long FailedExecutions { get; }
        /// <summary>Deployments cancelled before they settled (a stopped swarm); not counted as failed.</summary>
        public long CancelledExecutions { get; }
        /// <summary>Successful / total, 0 before the first deployment.</summary>
        public double SuccessRate { get; }
        /// <summary>Mean deployment duration.</summary>
        public TimeSpan AverageDuration { get; }
        /// <summary>Agents running a deployment now.</summary>
        public int ActiveAgents { get; }
        /// <summary>Most agents ever running at once.</summary>
        public int PeakActiveAgents { get; }
        /// <summary>Sandboxes alive now.</summary>
        public int ActiveSandboxes { get; }
        /// <summary>Registered strategies.</summary>
        public int RegisteredStrategies { get; }
        /// <summary>Sandbox kind (process or docker).</summary>
        public string Isolation { get; }
        /// <summary>Most agents at once.</summary>
        public int MaxAgents { get; }
        /// <summary>Start-Swarm invocations (including jobs) running on this coordinator now.</summary>
        public int RunningSwarms { get; }
    }
}
