using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Learning.Search;

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
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    "Agents must be between 1 and " + MaxAgents.ToString(CultureInfo.InvariantCulture) + " (got " + n.ToString(CultureInfo.InvariantCulture) + ").", n);
            }

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

        /// <summary>
        /// A backtest is deterministic: the same strategy, symbol and parameters give the same result. When -Agents
        /// asks for more deployments than there are symbols, each further round over the symbols tries distinct
        /// parameters instead (space-filling points of the default search space, the given parameters held); what
        /// cannot be varied (a custom image, every parameter held) is dropped with a warning rather than run twice.
        /// </summary>
        internal static IReadOnlyList<DeploymentRequest> Vary(IReadOnlyList<DeploymentRequest> plan, StrategyRegistration registration,
            IDictionary<string, object?>? parameters, int seed, ILogger logger)
        {
            // The round of a request: how many earlier requests ran the same symbol.
            var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var rounds = plan.Select(r => seen[r.Symbol ?? ""] = seen.TryGetValue(r.Symbol ?? "", out var n) ? n + 1 : 0).ToList();
            if (rounds.Max() == 0)
                return plan;
            IReadOnlyList<SearchSuggestion> variations = Array.Empty<SearchSuggestion>();
            if (registration.Image == null)
            {
                var space = SearchSpace.For(registration.Type);
                var held = SwarmLearning.Numeric(parameters ?? new Dictionary<string, object?>())
                    .Where(p => space.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
                try
                {
                    // A held value outside the default range (still within the catalogue's) widens that range.
                    space = space.Covering(held);
                    var first = space.Defaults.ToDictionary(p => p.Key, p => held.TryGetValue(p.Key, out var v) ? v : p.Value, StringComparer.Ordinal);
                    variations = BayesianSearch.Suggest(space, Array.Empty<SearchObservation>(), seed,
                        rounds.Max(), new[] { first }, held.Count == 0 ? null : held);
                }
                catch (ArgumentException)
                {
                    // A held value the catalogue rejects: nothing to vary around; the deployments that run say why.
                }
            }
            var varied = new List<DeploymentRequest>(plan.Count);
            for (int i = 0; i < plan.Count; i++)
            {
                int round = rounds[i];
                if (round == 0)
                {
                    varied.Add(plan[i]);
                    continue;
                }
                if (round > variations.Count)
                    continue;
                var merged = new Dictionary<string, object?>(plan[i].Parameters ?? new Dictionary<string, object?>(), StringComparer.OrdinalIgnoreCase);
                foreach (var p in variations[round - 1].Parameters)
                    merged[p.Key] = p.Value;
                varied.Add(new DeploymentRequest(plan[i].Strategy, plan[i].Symbol, merged) { Task = plan[i].Task });
            }
            if (varied.Count < plan.Count)
                CoordinatorLog.RepeatsDropped(logger, plan.Count - varied.Count, registration.Name, varied.Count);
            return varied;
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
