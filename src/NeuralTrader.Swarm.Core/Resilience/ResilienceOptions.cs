using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Resilience
{
    /// <summary>
    /// Retry and circuit-breaker settings of <see cref="DeploymentResilience"/>. The defaults change nothing:
    /// no retries and no circuit breaker, so a swarm behaves as without them until the user opts in
    /// (<c>-RetryCount</c>, <c>-RetryDelay</c>, <c>-CircuitBreakerThreshold</c> on Start-Swarm).
    /// </summary>
    public sealed class ResilienceOptions
    {
        /// <summary>
        /// Error ids retried by default: failures of the sandbox infrastructure, not of the strategy.
        /// DockerUnavailable (the engine did not answer), SandboxStartFailed (a container or runner process
        /// failed to start or become ready) and SandboxExited (the sandbox died under the deployment, e.g. a
        /// container killed or removed from outside; the agent discards it and the retry gets a fresh one).
        /// Never retried by default: InvalidParameter, UnknownStrategyType, UnknownSymbol, InvalidMarketData,
        /// StrategyFailed, SandboxOutOfMemory, ProtocolViolation, RunnerNotFound (a retry would fail the same
        /// way) and SandboxTimeout unless <see cref="RetryOnTimeout"/> is set.
        /// </summary>
        public static IReadOnlyCollection<string> DefaultTransientErrorIds { get; } = new[]
        {
            SwarmErrorIds.DockerUnavailable,
            SwarmErrorIds.SandboxStartFailed,
            SwarmErrorIds.SandboxExited,
        };

        /// <summary>Retries after the first attempt for a transient failure (0 = none, at most 10).</summary>
        public int RetryCount { get; set; }

        /// <summary>
        /// Base delay before the first retry; doubles on each further retry (exponential backoff) with
        /// decorrelated jitter, capped by <see cref="MaxRetryDelay"/>. A delay above the cap raises the cap to it
        /// (the one place that rule lives, for both front ends).
        /// </summary>
        public TimeSpan RetryDelay
        {
            get => _retryDelay;
            set
            {
                _retryDelay = value;
                if (MaxRetryDelay < value)
                    MaxRetryDelay = value;
            }
        }

        private TimeSpan _retryDelay = TimeSpan.FromMilliseconds(500);

        /// <summary>Longest wait between two attempts.</summary>
        public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Also retry executions that ran past the sandbox timeout (off by default: a slow strategy usually stays slow).</summary>
        public bool RetryOnTimeout { get; set; }

        /// <summary>Error ids that count as transient; null for <see cref="DefaultTransientErrorIds"/>.</summary>
        public ICollection<string>? TransientErrorIds { get; set; }

        /// <summary>
        /// Failures of one strategy that open its circuit: once the last <see cref="CircuitBreakerWindow"/> holds
        /// at least this many settled deployments of the strategy and none of them succeeded, further
        /// deployments of it are rejected (Status Rejected, ErrorId CircuitOpen) for
        /// <see cref="CircuitBreakerDuration"/>. 0 disables the breaker; otherwise at least 2.
        /// </summary>
        public int CircuitBreakerThreshold { get; set; }

        /// <summary>Window in which the failures must fall (at least 0.5 s).</summary>
        public TimeSpan CircuitBreakerWindow { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How long an open circuit rejects deployments before one probe is let through (at least 0.5 s).</summary>
        public TimeSpan CircuitBreakerDuration { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>Called before each retry (from a worker thread).</summary>
        public Action<RetryEvent>? OnRetry { get; set; }

        /// <summary>Called when a strategy's circuit opens, half-opens or closes (from a worker thread).</summary>
        public Action<CircuitEvent>? OnCircuitChanged { get; set; }

        /// <summary>Clock for delays and the breaker; null for the system clock (tests pass a fake).</summary>
        public TimeProvider? TimeProvider { get; set; }

        /// <summary>Copies these options.</summary>
        public ResilienceOptions Clone()
        {
            var copy = (ResilienceOptions)MemberwiseClone();
            if (TransientErrorIds != null)
                copy.TransientErrorIds = new List<string>(TransientErrorIds);
            return copy;
        }

        /// <summary>Throws a <see cref="SwarmException"/> (InvalidConfiguration) naming the first invalid setting.</summary>
        public void Validate()
        {
            if (RetryCount < 0 || RetryCount > 10)
                throw Invalid(nameof(RetryCount), RetryCount, "between 0 and 10");
            if (RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(10))
                throw Invalid(nameof(RetryDelay), RetryDelay, "between 0 and 10 minutes");
            if (MaxRetryDelay < RetryDelay)
                throw Invalid(nameof(MaxRetryDelay), MaxRetryDelay, "at least RetryDelay");
            if (CircuitBreakerThreshold == 1 || CircuitBreakerThreshold < 0 || CircuitBreakerThreshold > 10000)
                throw Invalid(nameof(CircuitBreakerThreshold), CircuitBreakerThreshold, "0 (off) or between 2 and 10000");
            if (CircuitBreakerWindow < TimeSpan.FromMilliseconds(500) || CircuitBreakerWindow > TimeSpan.FromDays(1))
                throw Invalid(nameof(CircuitBreakerWindow), CircuitBreakerWindow, "between 0.5 seconds and 1 day");
            if (CircuitBreakerDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakerDuration > TimeSpan.FromDays(1))
                throw Invalid(nameof(CircuitBreakerDuration), CircuitBreakerDuration, "between 0.5 seconds and 1 day");
        }

        private static SwarmException Invalid(string name, object value, string expected) =>
            new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                $"{name} {value} is invalid: it must be {expected}.", name);
    }

    /// <summary>A retry about to happen.</summary>
    public sealed class RetryEvent
    {
        /// <summary>Creates an event.</summary>
        public RetryEvent(string strategy, int nextAttempt, TimeSpan delay, string? errorId, string? error)
        {
            Strategy = strategy;
            NextAttempt = nextAttempt;
            Delay = delay;
            ErrorId = errorId;
            Error = error;
        }

        /// <summary>Strategy deployed.</summary>
        public string Strategy { get; }
        /// <summary>Number of the attempt about to start (2 for the first retry).</summary>
        public int NextAttempt { get; }
        /// <summary>Wait before it.</summary>
        public TimeSpan Delay { get; }
        /// <summary>Error id of the failed attempt.</summary>
        public string? ErrorId { get; }
        /// <summary>Error message of the failed attempt.</summary>
        public string? Error { get; }
    }

    /// <summary>State of one strategy's circuit.</summary>
    public enum CircuitState
    {
        /// <summary>Deployments run.</summary>
        Closed,
        /// <summary>Deployments are rejected until the break ends.</summary>
        Open,
        /// <summary>The break ended; one probe deployment runs and decides.</summary>
        HalfOpen,
    }

    /// <summary>A strategy's circuit changed state.</summary>
    public sealed class CircuitEvent
    {
        /// <summary>Creates an event.</summary>
        public CircuitEvent(string strategy, CircuitState state, TimeSpan? breakDuration, string? lastErrorId)
        {
            Strategy = strategy;
            State = state;
            BreakDuration = breakDuration;
            LastErrorId = lastErrorId;
        }

        /// <summary>Strategy whose circuit changed.</summary>
        public string Strategy { get; }
        /// <summary>New state.</summary>
        public CircuitState State { get; }
        /// <summary>How long it stays open (Open only).</summary>
        public TimeSpan? BreakDuration { get; }
        /// <summary>Error id of the failure that opened it (Open only).</summary>
        public string? LastErrorId { get; }
    }
}
