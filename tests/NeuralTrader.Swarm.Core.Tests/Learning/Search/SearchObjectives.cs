using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Strategies;
using NeuralTrader.Swarm.Tests.Strategies;

namespace NeuralTrader.Swarm.Tests.Learning.Search
{
    /// <summary>
    /// Real objectives for the search tests: the backtester's Sharpe ratio of a built-in strategy on the first 70 % of a
    /// bundled symbol's bars (the tuning window of docs/learning-search.md). Deterministic, so results are cached.
    /// </summary>
    internal sealed class BacktestObjective
    {
        private static readonly ConcurrentDictionary<string, PriceSeries> Windows = new ConcurrentDictionary<string, PriceSeries>(StringComparer.Ordinal);
        private readonly PriceSeries _window;
        private readonly ConcurrentDictionary<string, double> _cache = new ConcurrentDictionary<string, double>(StringComparer.Ordinal);

        public BacktestObjective(string strategy, string symbol)
        {
            Strategy = strategy;
            Space = SearchSpace.For(strategy);
            _window = Windows.GetOrAdd(symbol, s =>
            {
                var series = CsvPriceReader.ReadFile(Path.Combine(TestSeries.DataDirectory, s + ".csv"));
                return series.Slice(null, series.Dates[(int)Math.Round(series.Count * 0.7) - 1]);
            });
        }

        public string Strategy { get; }

        public SearchSpace Space { get; }

        public double Score(IReadOnlyDictionary<string, double> parameters) =>
            _cache.GetOrAdd(Space.KeyOf(parameters), _ => StrategyCatalog.Run(
                Strategy,
                _window,
                parameters.ToDictionary(p => p.Key, p => (object?)p.Value),
                new NeuralTrader.Swarm.Protocol.RunOptions { IncludeTrades = false, EquityPoints = 0 }).Metrics.Sharpe);

        /// <summary>Runs <paramref name="trials"/> sequential suggestions and returns the history (and each suggestion as made).</summary>
        public (List<SearchObservation> History, List<SearchSuggestion> Suggestions) Search(int seed, int trials)
        {
            var history = new List<SearchObservation>();
            var suggestions = new List<SearchSuggestion>();
            while (history.Count < trials)
            {
                var s = BayesianSearch.Suggest(Space, history, seed).Single();
                suggestions.Add(s);
                history.Add(new SearchObservation(s.Parameters, Score(s.Parameters)));
            }

            return (history, suggestions);
        }
    }
}
