using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>One deployment as read from Start-Swarm's input, before fan-out.</summary>
    internal sealed class DeploymentInput
    {
        public DeploymentInput(string strategy, string[]? symbols, IDictionary<string, object?>? parameters, string? task, object source)
        {
            Strategy = strategy;
            Symbols = symbols;
            Parameters = parameters;
            Task = task;
            Source = source;
        }

        public string Strategy { get; }
        public string[]? Symbols { get; }
        public IDictionary<string, object?>? Parameters { get; }
        public string? Task { get; }
        public object Source { get; }
    }

    internal static class Deployments
    {
        /// <summary>Reads a strategy name, strategy object, hashtable or object with Strategy/Name, Symbol and Parameters.</summary>
        public static DeploymentInput Parse(object input)
        {
            var value = input is PSObject pso ? pso.BaseObject : input;
            switch (value)
            {
                case string name when !string.IsNullOrWhiteSpace(name):
                    return new DeploymentInput(name.Trim(), null, null, null, input);
                case SwarmStrategy strategy:
                    return new DeploymentInput(strategy.Name, null, null, null, input);
                case StrategyRegistration registration:
                    return new DeploymentInput(registration.Name, null, null, null, input);
                case IDictionary table:
                    return FromLookup(key => Lookup(table, key), input);
            }
            var wrapped = PSObject.AsPSObject(input);
            return FromLookup(key => wrapped.Properties[key]?.Value, input);
        }

        private static DeploymentInput FromLookup(Func<string, object?> get, object input)
        {
            var strategy = Unwrap(get("Strategy") ?? get("Name"));
            var name = strategy switch
            {
                string s => s,
                SwarmStrategy s => s.Name,
                null => null,
                _ => Convert.ToString(strategy, System.Globalization.CultureInfo.InvariantCulture),
            };
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    "A deployment needs a strategy: pass a name, a Get-Strategy object or a hashtable such as @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ threshold = 0.03 } }.", input);
            }

            var symbols = ToStrings(get("Symbol") ?? get("Symbols"));
            var parametersValue = Unwrap(get("Parameters"));
            IDictionary<string, object?>? parameters = null;
            if (parametersValue is IDictionary dictionary)
            {
                parameters = ToDictionary(dictionary);
            }
            else if (parametersValue != null)
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    $"The Parameters of a deployment of '{name}' must be a hashtable.", input);
            }

            var task = Unwrap(get("Task")) as string;
            return new DeploymentInput(name!.Trim(), symbols, parameters, task, input);
        }

        private static object? Lookup(IDictionary table, string key)
        {
            foreach (DictionaryEntry entry in table)
            {
                if (string.Equals(Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture), key, StringComparison.OrdinalIgnoreCase))
                    return entry.Value;
            }

            return null;
        }

        private static object? Unwrap(object? value) => value is PSObject pso ? pso.BaseObject : value;

        private static string[]? ToStrings(object? value)
        {
            value = Unwrap(value);
            if (value == null)
                return null;
            if (value is string s)
                return new[] { s };
            if (value is IEnumerable list)
            {
                return list.Cast<object?>().Select(Unwrap).Where(v => v != null)
                    .Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!).ToArray();
            }

            return new[] { Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)! };
        }

        /// <summary>A PowerShell hashtable as Core's parameter dictionary, PSObject wrappers removed.</summary>
        public static Dictionary<string, object?>? ToDictionary(IDictionary? table)
        {
            if (table == null)
                return null;
            var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry entry in table)
                result[Convert.ToString(Unwrap(entry.Key), System.Globalization.CultureInfo.InvariantCulture) ?? ""] = Unwrap(entry.Value);
            return result;
        }

        /// <summary>Turns inputs into requests by Core's one fan-out rule (<see cref="DeploymentPlan"/>); an input's own symbols and parameters win over the cmdlet's.</summary>
        public static List<(DeploymentRequest Request, DeploymentInput Input)> Expand(IEnumerable<DeploymentInput> inputs,
            SwarmCoordinator coordinator, string[]? symbols, int? agents, IDictionary<string, object?>? parameters)
        {
            var requests = new List<(DeploymentRequest, DeploymentInput)>();
            foreach (var input in inputs)
            {
                var merged = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var source in new[] { parameters, input.Parameters })
                {
                    if (source != null)
                    {
                        foreach (var p in source)
                            merged[p.Key] = p.Value;
                    }
                }

                foreach (var request in coordinator.PlanDeployments(input.Strategy, input.Symbols ?? symbols, agents, merged.Count == 0 ? null : merged, input.Task))
                    requests.Add((request, input));
            }
            return requests;
        }
    }
}
