using System;
using System.Collections;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm
{
    /// <summary>A registered strategy as Get-Strategy writes it.</summary>
    public sealed class SwarmStrategy
    {
        internal SwarmStrategy(StrategyRegistration registration, string coordinatorId)
        {
            Name = registration.Name;
            Type = registration.Type;
            Symbols = new string[registration.Symbols.Count];
            for (int i = 0; i < Symbols.Length; i++)
                Symbols[i] = registration.Symbols[i];
            Parameters = SwarmResult.ToHashtable(registration.Parameters);
            Image = registration.Image;
            Description = registration.Description;
            RegisteredAt = registration.RegisteredAt;
            CoordinatorId = coordinatorId;
        }

        /// <summary>Name deployments use.</summary>
        public string Name { get; }
        /// <summary>Strategy type.</summary>
        public string Type { get; }
        /// <summary>Symbols deployments spread over.</summary>
        public string[] Symbols { get; }
        /// <summary>Parameter overrides.</summary>
        public Hashtable Parameters { get; }
        /// <summary>Custom sandbox image, or null for the built-in runner.</summary>
        public string? Image { get; }
        /// <summary>Free text.</summary>
        public string? Description { get; }
        /// <summary>When it was registered.</summary>
        public DateTimeOffset RegisteredAt { get; }
        /// <summary>Coordinator it is registered with.</summary>
        public string CoordinatorId { get; }

        /// <inheritdoc />
        public override string ToString() => Name;
    }
}
