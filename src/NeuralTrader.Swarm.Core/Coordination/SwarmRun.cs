using NeuralTrader.Swarm.Core.Resilience;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// Settings of one swarm that differ from its coordinator's: a run with other retries or another image needs no
    /// coordinator of its own (same store, key, registrations and warm agents).
    /// </summary>
    public sealed class SwarmRun
    {
        /// <summary>Retries and circuit breaker for this run, or null for the coordinator's.</summary>
        public ResilienceOptions? Resilience { get; set; }

        /// <summary>The image this run's sandboxes run instead of the built-in one (strategies registered with an image keep theirs), or null.</summary>
        public string? Image { get; set; }
    }
}
