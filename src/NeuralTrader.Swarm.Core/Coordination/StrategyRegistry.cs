using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// Registered strategies by case-insensitive name; built-in types deploy without registering. With a store,
    /// registrations persist there, so a scheduled task sees what an interactive session registered.
    /// </summary>
    internal sealed class StrategyRegistry
    {
        private readonly Func<bool, TrajectoryStore?> _store;

        /// <param name="store">The store (null when learning is off); its argument says whether to create a store file that does not exist yet (only saving does).</param>
        public StrategyRegistry(Func<bool, TrajectoryStore?> store) => _store = store;

        /// <summary>How stale the store's registrations may be when a built-in type name is resolved.</summary>
        private const long BuiltInRefreshIntervalMs = 1000;

        private long _lastBuiltInRefresh = long.MinValue / 2;

        /// <summary>Symbol used when a built-in type is deployed without registration or symbol.</summary>
        public const string DefaultSymbol = "SPY";

        private readonly ConcurrentDictionary<string, StrategyRegistration> _byName =
            new ConcurrentDictionary<string, StrategyRegistration>(StringComparer.OrdinalIgnoreCase);

        public int Count => _byName.Count;

        public IReadOnlyList<StrategyRegistration> All
        {
            get
            {
                Refresh();
                return _byName.Values.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();
            }
        }

        public StrategyRegistration Add(StrategyRegistration registration, bool replace)
        {
            Refresh();
            if (replace)
            {
                _byName[registration.Name] = registration;
            }
            else if (!_byName.TryAdd(registration.Name, registration))
            {
                throw new SwarmException(SwarmErrorIds.StrategyAlreadyRegistered, SwarmErrorKind.AlreadyExists,
                    $"A strategy named '{registration.Name}' is already registered. Use {{force}} to replace it or choose another name.",
                    registration.Name);
            }

            _store(true)?.SaveStrategy(new StoredStrategy
            {
                Name = registration.Name,
                Type = registration.Type,
                Symbols = registration.Symbols.ToList(),
                ParametersJson = ParameterJson.Serialize(registration.Parameters),
                Image = registration.Image,
                Description = registration.Description,
                RegisteredAt = registration.RegisteredAt,
            });
            return registration;
        }

        public bool Remove(string name)
        {
            Refresh();
            bool removed = _byName.TryRemove(name, out _);
            return (_store(false)?.RemoveStrategy(name) ?? false) || removed;
        }

        /// <summary>The registration for a name, or an ad-hoc one for a built-in type.</summary>
        public StrategyRegistration Resolve(string name)
        {
            if (_byName.TryGetValue(name, out var registration))
                return registration;
            var builtIn = StrategyCatalog.All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            // A built-in type deployed without registering would reload every registration from the store on each
            // deployment (a query plus JSON per row, under the store's lock); refreshing at most once per interval
            // still sees a registration another process made under a built-in's name, within that interval.
            long now = System.Diagnostics.Stopwatch.GetTimestamp() / (System.Diagnostics.Stopwatch.Frequency / 1000);
            if (builtIn == null || unchecked(now - Interlocked.Read(ref _lastBuiltInRefresh)) >= BuiltInRefreshIntervalMs)
            {
                Refresh();
                if (builtIn != null)
                    Interlocked.Exchange(ref _lastBuiltInRefresh, now);
                if (_byName.TryGetValue(name, out registration))
                    return registration;
            }
            if (builtIn != null)
                return new StrategyRegistration(builtIn.Name, builtIn.Name, new[] { DefaultSymbol }, new Dictionary<string, object?>());
            var known = All.Select(r => r.Name).Concat(StrategyCatalog.All.Select(s => s.Name)).Distinct(StringComparer.OrdinalIgnoreCase);
            throw new SwarmException(SwarmErrorIds.StrategyNotRegistered, SwarmErrorKind.NotFound,
                $"No strategy named '{name}' is registered and it is not a built-in type. Known: {string.Join(", ", known)}.", name);
        }

        /// <summary>Takes in what other processes registered or removed since the last look.</summary>
        private void Refresh()
        {
            var store = _store(false);
            if (store == null)
                return;
            var stored = store.LoadStrategies();
            foreach (var s in stored)
            {
                _byName[s.Name] = new StrategyRegistration(s.Name, s.Type, s.Symbols, ParameterJson.Deserialize(s.ParametersJson),
                    s.Image, s.Description, s.RegisteredAt);
            }

            foreach (var gone in _byName.Keys.Except(stored.Select(s => s.Name), StringComparer.OrdinalIgnoreCase).ToList())
                _byName.TryRemove(gone, out _);
        }
    }
}
