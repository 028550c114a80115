using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>A strategy registered with a coordinator: a type with symbols and parameter overrides.</summary>
    public sealed class StrategyRegistration
    {
        /// <summary>Creates a registration.</summary>
        public StrategyRegistration(string name, string type, IReadOnlyList<string> symbols,
            IReadOnlyDictionary<string, object?> parameters, string? image = null, string? description = null,
            DateTimeOffset? registeredAt = null)
        {
            Name = name;
            Type = type;
            Symbols = symbols;
            Parameters = parameters;
            Image = image;
            Description = description;
            RegisteredAt = registeredAt ?? DateTimeOffset.UtcNow;
        }

        /// <summary>Name the strategy is deployed by.</summary>
        public string Name { get; }
        /// <summary>Strategy type the runner implements (momentum, mean-reversion, neural-forecast or a custom image's).</summary>
        public string Type { get; }
        /// <summary>Symbols deployments spread over.</summary>
        public IReadOnlyList<string> Symbols { get; }
        /// <summary>Parameter overrides; deployment parameters override these in turn.</summary>
        public IReadOnlyDictionary<string, object?> Parameters { get; }
        /// <summary>Custom sandbox image speaking the runner protocol; null for the built-in runner.</summary>
        public string? Image { get; }
        /// <summary>Free text.</summary>
        public string? Description { get; }
        /// <summary>When it was registered.</summary>
        public DateTimeOffset RegisteredAt { get; }
    }

    /// <summary>One deployment to run: a strategy (registered name or built-in type), a symbol and parameters.</summary>
    public sealed class DeploymentRequest
    {
        /// <summary>Creates a request.</summary>
        public DeploymentRequest(string strategy, string? symbol = null, IDictionary<string, object?>? parameters = null)
        {
            Strategy = strategy;
            Symbol = symbol;
            Parameters = parameters;
        }

        /// <summary>Registered strategy name or built-in type.</summary>
        public string Strategy { get; }
        /// <summary>Symbol; null for the strategy's first symbol.</summary>
        public string? Symbol { get; }
        /// <summary>Parameter overrides for this deployment only.</summary>
        public IDictionary<string, object?>? Parameters { get; }
        /// <summary>The parameters are a learned suggestion's (the result and its trajectory record UsedSuggestion).</summary>
        public bool FromSuggestion { get; set; }
        /// <summary>Free text describing the task, recorded with the trajectory.</summary>
        public string? Task { get; set; }
        /// <summary>How much detail the runner returns (and test hooks such as a deliberate delay); null for the defaults.</summary>
        public NeuralTrader.Swarm.Protocol.RunOptions? Options { get; set; }
    }
}
