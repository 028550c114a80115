using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>
    /// The one fan-out rule both front ends use: explicit symbols win, otherwise the registered strategy's own
    /// symbols; one deployment per symbol, or N deployments spread round-robin across them.
    /// </summary>
    public static class DeploymentPlan
    {
        /// <summary>
        /// Requests for one strategy. <paramref name="registeredSymbols"/> are the registration's symbols (null when
        /// the strategy is unknown, which then settles as a failed deployment naming the problem).
        /// </summary>
        public static IReadOnlyList<DeploymentRequest> Expand(string strategy, IReadOnlyList<string>? symbols,
            IReadOnlyList<string>? registeredSymbols, int? agents, IDictionary<string, object?>? parameters, string? task)
        {
            if (agents is int n && n < 1)
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    "Agents must be at least 1 (got " + n.ToString(CultureInfo.InvariantCulture) + ").", n);
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

        private static IReadOnlyList<string>? Normalise(IReadOnlyList<string>? symbols)
        {
            var list = symbols?.Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s.Trim().ToUpperInvariant()).ToList();
            return list == null || list.Count == 0 ? null : list;
        }
    }
}
