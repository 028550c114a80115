using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Optimization.Bench
{
    /// <summary>A search method under test: proposes trials one batch at a time and picks a final choice.</summary>
    internal interface ISearchMethod
    {
        string Name { get; }

        /// <summary>The next <paramref name="count"/> points to try (fewer only when the space is exhausted).</summary>
        IReadOnlyList<IReadOnlyDictionary<string, double>> Next(IReadOnlyList<SearchObservation> history, int count);

        /// <summary>The parameters the method would deploy after its trials.</summary>
        IReadOnlyDictionary<string, double> Choose(IReadOnlyList<SearchObservation> history);
    }

    /// <summary>Choose the trial with the best in-sample score (the first of equals), as Optuna's best_trial does.</summary>
    internal abstract class BestTrialChoice : ISearchMethod
    {
        public abstract string Name { get; }

        public abstract IReadOnlyList<IReadOnlyDictionary<string, double>> Next(IReadOnlyList<SearchObservation> history, int count);

        public virtual IReadOnlyDictionary<string, double> Choose(IReadOnlyList<SearchObservation> history) =>
            history.Aggregate((a, b) => b.Score > a.Score ? b : a).Parameters;
    }

    internal sealed class RandomSearch : BestTrialChoice
    {
        private readonly SearchSpace _space;
        private readonly Random _random;

        public RandomSearch(SearchSpace space, int seed)
        {
            _space = space;
            _random = new Random(seed);
        }

        public override string Name => "random";

        public override IReadOnlyList<IReadOnlyDictionary<string, double>> Next(IReadOnlyList<SearchObservation> history, int count) =>
            Enumerable.Range(0, count).Select(_ => (IReadOnlyDictionary<string, double>)_space.Dimensions.ToDictionary(d => d.Name, d => d.FromUnit(_random.NextDouble()), StringComparer.Ordinal)).ToList();
    }

    internal sealed class TpeSearch : BestTrialChoice
    {
        private readonly TpeSampler _sampler;

        public TpeSearch(SearchSpace space, int seed) => _sampler = new TpeSampler(space, seed);

        public override string Name => "tpe";

        // TPE proposes one point per completed history (it has no batch mode here; the benchmark runs it sequentially).
        public override IReadOnlyList<IReadOnlyDictionary<string, double>> Next(IReadOnlyList<SearchObservation> history, int count) =>
            new[] { _sampler.Next(history) };
    }

    /// <summary>The engine: <see cref="BayesianSearch.Suggest"/> for trials and <see cref="BayesianSearch.Recommend"/> (or the best trial) for the choice.</summary>
    internal sealed class EngineSearch : ISearchMethod
    {
        private readonly SearchSpace _space;
        private readonly int _seed;
        private readonly bool _robustChoice;
        private readonly SearchOptions _options;

        public EngineSearch(SearchSpace space, int seed, bool robustChoice, string name, SearchOptions? options = null)
        {
            _space = space;
            _seed = seed;
            _robustChoice = robustChoice;
            Name = name;
            _options = options ?? new SearchOptions();
        }

        public string Name { get; }

        public IReadOnlyList<IReadOnlyDictionary<string, double>> Next(IReadOnlyList<SearchObservation> history, int count) =>
            BayesianSearch.Suggest(_space, history, _seed, count, options: _options).Select(s => s.Parameters).ToList();

        public IReadOnlyDictionary<string, double> Choose(IReadOnlyList<SearchObservation> history) =>
            _robustChoice ? BayesianSearch.Recommend(_space, history, _options).Parameters : history.Aggregate((a, b) => b.Score > a.Score ? b : a).Parameters;
    }
}
