using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// The one fan-out rule both front ends use: explicit symbols win, otherwise the registered strategy's own
    /// symbols; one deployment per symbol, or N deployments spread round-robin across them.
    /// </summary>
    public static class DeploymentPlan
    {
        /// <summary>The most deployments one strategy fans out to (the cmdlet's -Agents range and the CLI's -a both use it).</summary>
        public const int MaxAgents = 10000;

        /// <summary>
        /// Requests for one strategy. <paramref name="registeredSymbols"/> are the registration's symbols (null when
        /// the strategy is unknown, which then settles as a failed deployment naming the problem).
        /// </summary>
        public static IReadOnlyList<DeploymentRequest> Expand(string strategy, IReadOnlyList<string>? symbols,
            IReadOnlyList<string>? registeredSymbols, int? agents, IDictionary<string, object?>? parameters, string? task)
        {
            if (agents is int n && (n < 1 || n > MaxAgents))
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    "Agents must be between 1 and " + MaxAgents.ToString(CultureInfo.InvariantCulture) + " (got " + n.ToString(CultureInfo.InvariantCulture) + ").", n);
            var chosen = Normalise(symbols) ?? Normalise(registeredSymbols);
            int count = agents ?? chosen?.Count ?? 1;
            var requests = new List<DeploymentRequest>(count);
            for (int i = 0; i < count; i++)
            {
                var symbol = chosen == null ? null : chosen[i % chosen.Count];
                var own = parameters == null ? null : new Dictionary<string, object?>(parameters, StringComparer.OrdinalIgnoreCase);
                requests.Add(new DeploymentRequest(strategy, symbol, own) { Task = task });
            }
            return requests;
        }

        /// <summary>
        /// Takes <c>symbol</c>/<c>symbols</c> out of a parameter set (the original design put them there): they name
        /// the symbols to deploy on, as <c>-Symbol</c>/<c>--symbols</c> do, and are no strategy parameter.
        /// </summary>
        public static IReadOnlyList<string>? TakeSymbols(IDictionary<string, object?>? parameters)
        {
            if (parameters == null)
                return null;
            List<string>? symbols = null;
            foreach (var key in parameters.Keys.Where(k => string.Equals(k, "symbol", StringComparison.OrdinalIgnoreCase) || string.Equals(k, "symbols", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                (symbols ??= new List<string>()).AddRange(Texts(parameters[key], key));
                parameters.Remove(key);
            }
            return symbols;
        }

        private static IEnumerable<string> Texts(object? value, string key)
        {
            switch (value)
            {
                case null:
                    return Enumerable.Empty<string>();
                case string text:
                    return text.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);
                case System.Text.Json.JsonElement json when json.ValueKind == System.Text.Json.JsonValueKind.String:
                    return Texts(json.GetString(), key);
                case System.Text.Json.JsonElement json when json.ValueKind == System.Text.Json.JsonValueKind.Array:
                    return json.EnumerateArray().SelectMany(e => Texts(e, key)).ToList();
                case System.Collections.IEnumerable list:
                    return list.Cast<object?>().SelectMany(v => Texts(v, key)).ToList();
                default:
                    throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                        $"'{key}' names symbols: give a symbol or a list of symbols, e.g. [\"SPY\",\"QQQ\"] (got {value}).", value);
            }
        }

        private static IReadOnlyList<string>? Normalise(IReadOnlyList<string>? symbols)
        {
            var list = symbols?.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim().ToUpperInvariant()).ToList();
            return list == null || list.Count == 0 ? null : list;
        }
    }
}
