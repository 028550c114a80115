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
        /// <summary>
        /// Most points the model is fitted on; its cost grows with the cube of the count (about 0.1 s at 128 and
        /// 0.8 s at 256 on one core). Beyond it the best and the most recent half each are modelled; the others
        /// still count as tried.
        /// </summary>
        internal const int ModelLimit = 128;

        internal static SearchSuggestion Next(ParameterSpace space, IEnumerable<Observation> runs, int seed, IDictionary<string, double>? fixedParameters)
        {
            var held = fixedParameters?.Where(p => space.Dimensions.Any(d => d.Name == p.Key)).ToDictionary(p => p.Key, p => p.Value);
            var search = space.Searched.Covering(held);
            var points = LatestPerPoint(search, runs);
            var modelled = points;
            var excluded = new List<IReadOnlyDictionary<string, double>>();
            if (points.Count > ModelLimit)
            {
                var keep = new HashSet<SearchObservation>(points.OrderByDescending(p => p.Score).Take(ModelLimit / 2).Concat(points.Skip(points.Count - (ModelLimit / 2))));
                modelled = points.Where(keep.Contains).ToList();
                excluded = points.Where(p => !keep.Contains(p)).Select(p => p.Parameters).ToList();
            }

            return BayesianSearch.Suggest(search, modelled, seed, 1, null, held, null, excluded).FirstOrDefault()
                ?? BayesianSearch.Recommend(search, modelled); // every point of the space tried: the best one to deploy
        }

        /// <summary>One observation per point (at the space's resolution), its latest score, in the order of those runs.</summary>
        private static List<SearchObservation> LatestPerPoint(SearchSpace search, IEnumerable<Observation> runs)
        {
            var latest = new Dictionary<string, (long Seq, SearchObservation Point)>();
            foreach (var run in runs)
            {
                var parameters = search.Dimensions.ToDictionary(d => d.Name, d => run.Parameters != null && run.Parameters.TryGetValue(d.Name, out var v) ? v : d.Default);
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
