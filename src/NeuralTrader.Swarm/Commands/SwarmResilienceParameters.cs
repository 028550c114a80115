using System;
using System.Collections.Generic;
using System.Management.Automation;
using NeuralTrader.Swarm.Core.Resilience;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// The retry and circuit-breaker parameters, declared once and offered (as dynamic parameters) by Start-Swarm for
    /// one swarm and by Set-SwarmConfiguration and New-SwarmCoordinator for every swarm after.
    /// </summary>
    public sealed class SwarmResilienceParameters
    {
        /// <summary>
        /// <para type="description">Retries of a deployment after a transient sandbox failure (engine unreachable, sandbox start failure, sandbox died); strategy errors are never retried. 0 (default) to 10. On Start-Swarm it overrides the configuration for that swarm.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int RetryCount { get; set; }

        /// <summary>
        /// <para type="description">Base delay before the first retry, in milliseconds or as a TimeSpan; it doubles on each further retry, with jitter. Default 500 ms.</para>
        /// </summary>
        [Parameter]
        [ResilienceTimeTransformation]
        public TimeSpan RetryDelay { get; set; }

        /// <summary>
        /// <para type="description">Failures of one strategy, with no success, within -CircuitBreakerWindow that open its circuit: further deployments of it are rejected (ErrorId CircuitOpen) for -CircuitBreakerDuration. 0 (default) turns the breaker off; otherwise at least 2.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0, 10000)]
        public int CircuitBreakerThreshold { get; set; }

        /// <summary>
        /// <para type="description">Window in which the circuit breaker counts failures, in milliseconds or as a TimeSpan. Default 60 s.</para>
        /// </summary>
        [Parameter]
        [ResilienceTimeTransformation]
        public TimeSpan CircuitBreakerWindow { get; set; }

        /// <summary>
        /// <para type="description">How long an open circuit rejects deployments before letting one probe through, in milliseconds or as a TimeSpan. Default 30 s.</para>
        /// </summary>
        [Parameter]
        [ResilienceTimeTransformation]
        public TimeSpan CircuitBreakerDuration { get; set; }

        /// <summary>A copy of <paramref name="resilience"/> with the parameters the user gave applied.</summary>
        internal ResilienceOptions With(ResilienceOptions resilience, IDictionary<string, object> bound)
        {
            var r = resilience.Clone();
            if (bound.ContainsKey(nameof(RetryCount))) r.RetryCount = RetryCount;
            if (bound.ContainsKey(nameof(RetryDelay))) r.RetryDelay = RetryDelay;
            if (bound.ContainsKey(nameof(CircuitBreakerThreshold))) r.CircuitBreakerThreshold = CircuitBreakerThreshold;
            if (bound.ContainsKey(nameof(CircuitBreakerWindow))) r.CircuitBreakerWindow = CircuitBreakerWindow;
            if (bound.ContainsKey(nameof(CircuitBreakerDuration))) r.CircuitBreakerDuration = CircuitBreakerDuration;
            return r;
        }

        /// <summary>Whether the user gave any of them.</summary>
        internal static bool AnyBound(IDictionary<string, object> bound) =>
            bound.ContainsKey(nameof(RetryCount)) || bound.ContainsKey(nameof(RetryDelay)) || bound.ContainsKey(nameof(CircuitBreakerThreshold))
            || bound.ContainsKey(nameof(CircuitBreakerWindow)) || bound.ContainsKey(nameof(CircuitBreakerDuration));
    }
}
