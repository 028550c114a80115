using System;
using System.Collections.Generic;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Benchmarking
{
    /// <summary>
    /// One benchmark load: <see cref="Agents"/> agents run <see cref="Agents"/> × <see cref="Iterations"/>
    /// deployments, spread round-robin over the strategies and then the symbols.
    /// </summary>
    public sealed class BenchmarkScenario
    {
        /// <summary>Creates a scenario.</summary>
        public BenchmarkScenario(string name, int agents, int iterations)
        {
            Name = name;
            Agents = agents;
            Iterations = iterations;
        }

        /// <summary>Creates an empty scenario (for binding).</summary>
        public BenchmarkScenario()
        {
        }

        /// <summary>Scenario name (light-load, medium-load, heavy-load or your own).</summary>
        public string Name { get; set; } = "";

        /// <summary>Agents (sandboxes) running at once.</summary>
        public int Agents { get; set; } = 1;

        /// <summary>Iterations per agent; the scenario runs Agents × Iterations deployments.</summary>
        public int Iterations { get; set; } = 1;

        /// <summary>Strategies (registered names or built-in types); null for <see cref="BenchmarkOptions.Strategies"/>.</summary>
        public IList<string>? Strategies { get; set; }

        /// <summary>Symbols; null for <see cref="BenchmarkOptions.Symbols"/>.</summary>
        public IList<string>? Symbols { get; set; }

        /// <summary>Parameter overrides per strategy name (case-insensitive); strategies not listed use their defaults.</summary>
        public IDictionary<string, IDictionary<string, object?>>? Parameters { get; set; }

        /// <summary>Deployments the scenario runs.</summary>
        public int TotalExecutions => Agents * Iterations;

        /// <summary>The original design's light-load scenario: 1 agent × 10 iterations.</summary>
        public static BenchmarkScenario LightLoad => new BenchmarkScenario("light-load", 1, 10);

        /// <summary>The original design's medium-load scenario: 5 agents × 20 iterations.</summary>
        public static BenchmarkScenario MediumLoad => new BenchmarkScenario("medium-load", 5, 20);

        /// <summary>The original design's heavy-load scenario: 10 agents × 30 iterations.</summary>
        public static BenchmarkScenario HeavyLoad => new BenchmarkScenario("heavy-load", 10, 30);

        /// <summary>light-load, medium-load and heavy-load (new instances each call).</summary>
        public static IReadOnlyList<BenchmarkScenario> Defaults => new[] { LightLoad, MediumLoad, HeavyLoad };

        /// <summary>
        /// Picks scenarios by name (case-insensitive) from <paramref name="available"/> (the defaults when null).
        /// Throws InvalidParameter naming the unknown name and the available ones.
        /// </summary>
        public static IReadOnlyList<BenchmarkScenario> Select(IEnumerable<string> names, IEnumerable<BenchmarkScenario>? available = null)
        {
            var pool = (available ?? Defaults).ToList();
            var picked = new List<BenchmarkScenario>();
            foreach (var name in names)
            {
                var match = pool.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
                if (match == null)
                {
                    throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                        $"No benchmark scenario named '{name}'. Available: {string.Join(", ", pool.Select(s => s.Name))}.", name);
                }

                if (!picked.Contains(match))
                    picked.Add(match);
            }
            return picked;
        }

        /// <summary>Throws InvalidParameter naming the first invalid setting.</summary>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(Name))
                throw Invalid("A benchmark scenario needs a name.");
            if (Agents < 1 || Agents > 1000)
                throw Invalid($"Scenario '{Name}': Agents {Agents} must be between 1 and 1000.");
            if (Iterations < 1 || Iterations > 100000)
                throw Invalid($"Scenario '{Name}': Iterations {Iterations} must be between 1 and 100000.");
            if (Strategies != null && Strategies.Count(s => !string.IsNullOrWhiteSpace(s)) == 0)
                throw Invalid($"Scenario '{Name}': the strategy list is empty.");
            if (Symbols != null && Symbols.Count(s => !string.IsNullOrWhiteSpace(s)) == 0)
                throw Invalid($"Scenario '{Name}': the symbol list is empty.");
        }

        /// <inheritdoc />
        public override string ToString() => $"{Name} ({Agents} x {Iterations})";

        private SwarmException Invalid(string message) =>
            new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, message, Name);
    }

    /// <summary>Pass/fail limits applied to every scenario; the defaults are the original design's.</summary>
    public sealed class BenchmarkThresholds
    {
        /// <summary>Highest allowed P95 latency of one deployment, in ms (default 5000).</summary>
        public double MaxLatencyMs { get; set; } = 5000;

        /// <summary>Lowest allowed throughput in settled deployments per second (default 10).</summary>
        public double MinThroughput { get; set; } = 10;

        /// <summary>Highest allowed error rate, 0..1 (default 0.05).</summary>
        public double MaxErrorRate { get; set; } = 0.05;

        /// <summary>Lowest allowed success rate, 0..1 (default 0.95).</summary>
        public double MinSuccessRate { get; set; } = 0.95;

        /// <summary>Throws InvalidParameter for a negative or out-of-range limit.</summary>
        public void Validate()
        {
            // Infinity is refused too: the report could not be written as JSON after the whole run.
            if (!(MaxLatencyMs > 0) || double.IsInfinity(MaxLatencyMs))
                throw Invalid(nameof(MaxLatencyMs), MaxLatencyMs, "positive and finite");
            if (!(MinThroughput >= 0) || double.IsInfinity(MinThroughput))
                throw Invalid(nameof(MinThroughput), MinThroughput, "zero or more, and finite");
            if (!(MaxErrorRate >= 0 && MaxErrorRate <= 1))
                throw Invalid(nameof(MaxErrorRate), MaxErrorRate, "between 0 and 1");
            if (!(MinSuccessRate >= 0 && MinSuccessRate <= 1))
                throw Invalid(nameof(MinSuccessRate), MinSuccessRate, "between 0 and 1");
        }

        private static SwarmException Invalid(string name, double value, string expected) =>
            new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                $"Threshold {name} {value} is invalid: it must be {expected}.", name);
    }

    /// <summary>What <see cref="SwarmBenchmark.RunAsync"/> runs.</summary>
    public sealed class BenchmarkOptions
    {
        /// <summary>Built-in strategies benchmarked by default.</summary>
        public static IReadOnlyList<string> DefaultStrategies { get; } = new[] { "momentum", "mean-reversion", "neural-forecast" };

        /// <summary>Bundled symbols benchmarked by default.</summary>
        public static IReadOnlyList<string> DefaultSymbols { get; } = new[] { "SPY", "QQQ", "IWM", "TSLA" };

        /// <summary>Scenarios in the order they run; null or empty for <see cref="BenchmarkScenario.Defaults"/>.</summary>
        public IList<BenchmarkScenario>? Scenarios { get; set; }

        /// <summary>Strategies of scenarios that name none.</summary>
        public IList<string> Strategies { get; set; } = new List<string>(DefaultStrategies);

        /// <summary>Symbols of scenarios that name none.</summary>
        public IList<string> Symbols { get; set; } = new List<string>(DefaultSymbols);

        /// <summary>Pass/fail limits.</summary>
        public BenchmarkThresholds Thresholds { get; set; } = new BenchmarkThresholds();

        /// <summary>
        /// Reads the learning statistics for the recommendations and the coordinator file once the scenarios have run
        /// (so they include the benchmark's own runs), e.g. <c>() =&gt; LearningSummary.From(store)</c>; null when unknown.
        /// </summary>
        public Func<LearningSummary?>? Learning { get; set; }

        /// <summary>Limits used by the recommendation rules; null for the defaults.</summary>
        public RecommendationRules? Rules { get; set; }

        /// <summary>Sandbox isolation in use (process or docker), for the report header.</summary>
        public string? Isolation { get; set; }
    }
}
