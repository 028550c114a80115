using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// The store's next suggestion for a (strategy, symbol), from the search engine (docs/learning-search.md) fed
    /// with the pair's recorded runs. A backtest is deterministic, so each point counts once (its latest run) and is
    /// never suggested again; the defaults are one candidate among others, not a mandatory first trial.
    /// </summary>
    internal static class SuggestionSearch
    {
        /// <param name="space">The space (its <see cref="ParameterSpace.Searched"/> scales and resolutions).</param>
        /// <param name="modelRuns">The runs the model is fitted on: the store's selection of at most 64 (recent and best).</param>
        /// <param name="tried">Keys of every point the pair has tried (<see cref="KeyOf"/>), none of which is suggested again.</param>
        /// <param name="seed">Seed of the search.</param>
        /// <param name="fixedParameters">Parameters held at given values.</param>
        internal static SearchSuggestion Next(ParameterSpace space, IEnumerable<Observation> modelRuns, HashSet<string> tried, int seed, IDictionary<string, double>? fixedParameters)
        {
            var held = fixedParameters?.Where(p => space.Dimensions.Any(d => d.Name == p.Key)).ToDictionary(p => p.Key, p => p.Value);
            var search = space.Searched.Covering(held);
            var points = LatestPerPoint(search, modelRuns);
            return BayesianSearch.Suggest(search, points, seed, 1, null, held, null, tried).FirstOrDefault()
                ?? BayesianSearch.Recommend(search, points); // every point of the space tried: the best one to deploy
        }

        /// <summary>The point a run tried, at the space's resolution (parameters it does not give are at their defaults).</summary>
        internal static string KeyOf(SearchSpace search, Observation run) => search.KeyOf(PointOf(search, run));

        private static Dictionary<string, double> PointOf(SearchSpace search, Observation run) =>
            search.Dimensions.ToDictionary(d => d.Name, d => run.Parameters != null && run.Parameters.TryGetValue(d.Name, out var v) ? v : d.Default);

        /// <summary>One observation per point, its latest score, in the order of those runs.</summary>
        private static List<SearchObservation> LatestPerPoint(SearchSpace search, IEnumerable<Observation> runs)
        {
            var latest = new Dictionary<string, (long Seq, SearchObservation Point)>();
            foreach (var run in runs)
            {
                var parameters = PointOf(search, run);
                var key = search.KeyOf(parameters);
                if (!latest.TryGetValue(key, out var seen) || seen.Seq < run.Seq)
                {
                    latest[key] = (run.Seq, new SearchObservation(parameters, run.Score));
                }
            }

            return latest.Values.OrderBy(v => v.Seq).Select(v => v.Point).ToList();
        }
    }
}
