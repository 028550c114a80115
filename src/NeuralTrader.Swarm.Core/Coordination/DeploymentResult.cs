using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>How a deployment ended.</summary>
    public enum DeploymentStatus
    {
        /// <summary>The backtest ran and returned a result.</summary>
        Succeeded,
        /// <summary>The strategy or sandbox reported an error.</summary>
        Failed,
        /// <summary>The execution ran past the sandbox timeout and the sandbox was killed.</summary>
        TimedOut,
        /// <summary>The sandbox ran out of memory and was killed.</summary>
        OutOfMemory,
        /// <summary>The caller cancelled the deployment.</summary>
        Cancelled,
        /// <summary>Not attempted: the strategy's circuit breaker is open.</summary>
        Rejected,
    }

    /// <summary>One timed step of a deployment (resolve, sandbox, load data, run, collect, cleanup).</summary>
    public sealed class OperationTiming
    {
        /// <summary>Creates a timing.</summary>
        public OperationTiming(string name, double durationMs, bool succeeded)
        {
            Name = name;
            DurationMs = durationMs;
            Succeeded = succeeded;
        }

        /// <summary>Step name.</summary>
        public string Name { get; }
        /// <summary>Wall time in milliseconds.</summary>
        public double DurationMs { get; }
        /// <summary>Whether the step succeeded.</summary>
        public bool Succeeded { get; }
    }

    /// <summary>The settled outcome of one deployment; failures are results too, never lost.</summary>
    public sealed class DeploymentResult
    {
        /// <summary>Position of the deployment in the swarm's input.</summary>
        public int Index { get; set; }
        /// <summary>Agent that ran it.</summary>
        public string AgentId { get; set; } = "";
        /// <summary>Sandbox (container id or process id) it ran in; empty when none was started.</summary>
        public string SandboxId { get; set; } = "";
        /// <summary>Strategy name as deployed.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Strategy type run.</summary>
        public string StrategyType { get; set; } = "";
        /// <summary>Symbol backtested.</summary>
        public string Symbol { get; set; } = "";
        /// <summary>Parameters as used (defaults included when the run succeeded).</summary>
        public IReadOnlyDictionary<string, object?> Parameters { get; set; } = new Dictionary<string, object?>();
        /// <summary>How it ended.</summary>
        public DeploymentStatus Status { get; set; }
        /// <summary>True when <see cref="Status"/> is Succeeded.</summary>
        public bool Success => Status == DeploymentStatus.Succeeded;
        /// <summary>Wall time from start to settled.</summary>
        public TimeSpan Duration { get; set; }
        /// <summary>What went wrong, or null.</summary>
        public string? Error { get; set; }
        /// <summary>Stable error id (<see cref="SwarmErrorIds"/>), or null.</summary>
        public string? ErrorId { get; set; }
        /// <summary>Kind of the error, or null.</summary>
        public SwarmErrorKind? ErrorKind { get; set; }
        /// <summary>The runner's backtest, when it succeeded.</summary>
        public BacktestResult? Backtest { get; set; }
        /// <summary>Timed steps.</summary>
        public IReadOnlyList<OperationTiming> Operations { get; set; } = Array.Empty<OperationTiming>();
        /// <summary>True when the parameters came from a learned suggestion (autoOptimize).</summary>
        public bool UsedSuggestion { get; set; }
        /// <summary>Id of the recorded trajectory, when learning is on.</summary>
        public string? TrajectoryId { get; set; }
        /// <summary>Learning score in [0,1], when learning is on.</summary>
        public double? Score { get; set; }
        /// <summary>Attempts made (more than 1 after retries).</summary>
        public int Attempts { get; set; } = 1;
        /// <summary>When it started.</summary>
        public DateTimeOffset StartedAt { get; set; }
    }

    /// <summary>A coordinator's counters.</summary>
    public sealed class SwarmMetrics
    {
        /// <summary>Deployments settled.</summary>
        public long TotalExecutions { get; set; }
        /// <summary>Deployments that succeeded.</summary>
        public long SuccessfulExecutions { get; set; }
        /// <summary>Deployments that did not.</summary>
        public long FailedExecutions { get; set; }
        /// <summary>Deployments cancelled before they settled (a stopped swarm); neither succeeded nor failed.</summary>
        public long CancelledExecutions { get; set; }
        /// <summary>Mean deployment duration in ms.</summary>
        public double AverageDurationMs { get; set; }
        /// <summary>Agents running a deployment now.</summary>
        public int ActiveAgents { get; set; }
        /// <summary>Most agents ever running at once.</summary>
        public int PeakActiveAgents { get; set; }
        /// <summary>Sandboxes alive now.</summary>
        public int ActiveSandboxes { get; set; }
        /// <summary>Registered strategies.</summary>
        public int RegisteredStrategies { get; set; }
        /// <summary>Sandbox kind in use (process or docker).</summary>
        public string Isolation { get; set; } = "";
    }
}
