using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>Registered strategies by case-insensitive name; built-in types deploy without registering.</summary>
    internal sealed class StrategyRegistry
    {
        /// <summary>Symbol used when a built-in type is deployed without registration or symbol.</summary>
        public const string DefaultSymbol = "SPY";

        private readonly ConcurrentDictionary<string, StrategyRegistration> _byName =
            new ConcurrentDictionary<string, StrategyRegistration>(StringComparer.OrdinalIgnoreCase);

        public int Count => _byName.Count;

        public IReadOnlyList<StrategyRegistration> All => _byName.Values.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();

        public StrategyRegistration Add(StrategyRegistration registration, bool replace)
        {
            if (replace)
                return _byName[registration.Name] = registration;
            if (!_byName.TryAdd(registration.Name, registration))
                throw new SwarmException(SwarmErrorIds.StrategyAlreadyRegistered, SwarmErrorKind.AlreadyExists,
                    $"A strategy named '{registration.Name}' is already registered. Use -Force to replace it or choose another name.",
                    registration.Name);
            return registration;
        }

        public bool Remove(string name) => _byName.TryRemove(name, out _);

        public bool TryGet(string name, out StrategyRegistration registration) => _byName.TryGetValue(name, out registration!);

        /// <summary>The registration for a name, or an ad-hoc one for a built-in type.</summary>
        public StrategyRegistration Resolve(string name)
        {
            if (_byName.TryGetValue(name, out var registration))
                return registration;
            var builtIn = StrategyCatalog.All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (builtIn != null)
                return new StrategyRegistration(builtIn.Name, builtIn.Name, new[] { DefaultSymbol }, new Dictionary<string, object?>());
            var known = All.Select(r => r.Name).Concat(StrategyCatalog.All.Select(s => s.Name)).Distinct(StringComparer.OrdinalIgnoreCase);
            throw new SwarmException(SwarmErrorIds.StrategyNotRegistered, SwarmErrorKind.NotFound,
                $"No strategy named '{name}' is registered and it is not a built-in type. Known: {string.Join(", ", known)}.", name);
        }
    }
}
