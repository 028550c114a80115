using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Tests.Learning.Search
{
    public sealed class BayesianSearchTests
    {
        private static readonly SearchSpace Momentum = SearchSpace.For("momentum");

        [Fact]
        public void ThirtyTrialsOnARealBacktestNeverRepeatAPoint()
        {
            var objective = new BacktestObjective("momentum", "SPY");
            for (var seed = 1; seed <= 3; seed++)
            {
                var (history, _) = objective.Search(seed, 30);
                var keys = history.Select(o => Momentum.KeyOf(o.Parameters)).ToList();
                Assert.Equal(keys.Count, keys.Distinct().Count());
            }
        }

        [Fact]
        public void NeitherATriedNorAPendingPointIsSuggestedAgain()
        {
            var objective = new BacktestObjective("mean-reversion", "QQQ");
            var (history, _) = objective.Search(seed: 4, trials: 12);

            // The same point recorded twice (a user re-ran it) is still one tried point.
            history.Add(new SearchObservation(history[3].Parameters, history[3].Score));
            var pending = BayesianSearch.Suggest(objective.Space, history, seed: 9, count: 3).Select(s => s.Parameters).ToList();
            var batch = BayesianSearch.Suggest(objective.Space, history, seed: 9, count: 8, pending: pending);

            Assert.Equal(8, batch.Count);
            var tried = new HashSet<string>(history.Concat(pending.Select(p => new SearchObservation(p, 0))).Select(o => objective.Space.KeyOf(o.Parameters)));
            var suggested = batch.Select(s => objective.Space.KeyOf(s.Parameters)).ToList();
            Assert.Equal(8, suggested.Distinct().Count());
            Assert.DoesNotContain(suggested, tried.Contains);
        }

        [Fact]
        public void ABatchFromNothingIsDistinctAndSpaceFilling()
        {
            var batch = BayesianSearch.Suggest(Momentum, Array.Empty<SearchObservation>(), seed: 3, count: 6);
            Assert.Equal(6, batch.Select(s => Momentum.KeyOf(s.Parameters)).Distinct().Count());
            Assert.All(batch, s => Assert.Equal(SearchMethod.SpaceFilling, s.Method));
            Assert.All(batch, s => Assert.Equal(0, s.Confidence));

            // Spread out: both halves of each dimension's unit range are visited.
            foreach (var d in Momentum.Dimensions)
            {
                var units = batch.Select(s => d.ToUnit(s.Parameters[d.Name])).ToList();
                Assert.Contains(units, u => u < 0.5);
                Assert.Contains(units, u => u > 0.5);
            }
        }

        [Fact]
        public void TheSameSeedGivesTheSameSuggestionsAndAnotherSeedOthers()
        {
            var objective = new BacktestObjective("momentum", "IWM");
            var (history, _) = objective.Search(seed: 2, trials: 10);
            string Keys(int seed) => string.Join("|", BayesianSearch.Suggest(Momentum, history, seed, count: 3).Select(s => Momentum.KeyOf(s.Parameters)));
            Assert.Equal(Keys(11), Keys(11));
            Assert.NotEqual(Keys(11), Keys(12));
            Assert.Equal(
                string.Join("|", objective.Search(seed: 5, trials: 15).History.Select(o => Momentum.KeyOf(o.Parameters))),
                string.Join("|", objective.Search(seed: 5, trials: 15).History.Select(o => Momentum.KeyOf(o.Parameters))));
        }

        [Fact]
        public void SuggestionsStayInRangeOnTheGridAndRarelyOnABound()
        {
            var trials = 0;
            var onBound = 0;
            foreach (var (strategy, symbol) in new[] { ("momentum", "TSLA"), ("mean-reversion", "SPY") })
            {
                var objective = new BacktestObjective(strategy, symbol);
                for (var seed = 1; seed <= 3; seed++)
                {
                    foreach (var s in objective.Search(seed, 30).Suggestions)
                    {
                        foreach (var d in objective.Space.Dimensions)
                        {
                            var v = s.Parameters[d.Name];
                            Assert.InRange(v, d.Min, d.Max);
                            Assert.Equal(d.Snap(v), v);
                        }

                        Assert.Equal(objective.Space.IsOnBound(s.Parameters), s.OnBound);
                        trials++;
                        onBound += s.OnBound ? 1 : 0;
                    }
                }
            }

            // TPE put 8-25 % of its trials on a bound in the benchmark (docs/learning-search.md); the engine damps the edges.
            Assert.True(onBound <= trials * 0.05, onBound + " of " + trials + " trials on a bound");
        }

        [Fact]
        public void TheDefaultsAreNotAMandatoryFirstTrial()
        {
            var defaults = Momentum.KeyOf(Momentum.Defaults);
            for (var seed = 1; seed <= 10; seed++)
            {
                Assert.NotEqual(defaults, Momentum.KeyOf(BayesianSearch.Suggest(Momentum, Array.Empty<SearchObservation>(), seed)[0].Parameters));
            }
        }

        [Fact]
        public void FixedParametersAreHeldExactlyAndOutOfRangeOnesAreNamed()
        {
            var objective = new BacktestObjective("momentum", "SPY");
            var fixedThreshold = new Dictionary<string, double> { ["threshold"] = 0.0125 };
            var history = new List<SearchObservation>();
            for (var i = 0; i < 12; i++)
            {
                var s = BayesianSearch.Suggest(Momentum, history, seed: 7, fixedParameters: fixedThreshold).Single();
                Assert.Equal(0.0125, s.Parameters["threshold"]);
                history.Add(new SearchObservation(s.Parameters, objective.Score(s.Parameters)));
            }

            Assert.Equal(12, history.Select(o => o.Parameters["lookback"]).Distinct().Count());
            var e = Assert.Throws<ArgumentException>(() => BayesianSearch.Suggest(Momentum, history, 1, fixedParameters: new Dictionary<string, double> { ["lookback"] = 400 }));
            Assert.Contains("'lookback'", e.Message);
            Assert.Contains("WithRange", e.Message);
            Assert.Contains("'colour'", Assert.Throws<ArgumentException>(() => BayesianSearch.Suggest(Momentum, history, 1, fixedParameters: new Dictionary<string, double> { ["colour"] = 1 })).Message);
        }

        [Fact]
        public void AnExhaustedSpaceYieldsFewerSuggestionsNotRepeats()
        {
            var tiny = new SearchSpace(new[] { new SearchDimension("n", ParameterKind.Integer, 1, 4, 2) });
            var tried = new[] { 1.0, 2, 4 }.Select(v => new SearchObservation(new Dictionary<string, double> { ["n"] = v }, v)).ToList();
            var last = BayesianSearch.Suggest(tiny, tried, seed: 1, count: 5);
            Assert.Equal(3.0, Assert.Single(last).Parameters["n"]);
            tried.Add(new SearchObservation(last[0].Parameters, 3));
            Assert.Empty(BayesianSearch.Suggest(tiny, tried, seed: 1, count: 2));
        }

        [Fact]
        public void TheModelFindsTheTopOfASmoothObjective()
        {
            // A smooth bump at lookback 60, threshold 0.035 with a narrow decoy; the grid optimum is 1.
            static double Score(IReadOnlyDictionary<string, double> p)
            {
                var main = Math.Exp(-Math.Pow(Math.Log(p["lookback"] / 60) / 0.5, 2) - Math.Pow((p["threshold"] - 0.035) / 0.03, 2));
                var decoy = 0.7 * Math.Exp(-Math.Pow(Math.Log(p["lookback"] / 8) / 0.1, 2) - Math.Pow((p["threshold"] - 0.09) / 0.005, 2));
                return Math.Max(main, decoy);
            }

            for (var seed = 1; seed <= 3; seed++)
            {
                var history = new List<SearchObservation>();
                while (history.Count < 30)
                {
                    var s = BayesianSearch.Suggest(Momentum, history, seed).Single();
                    history.Add(new SearchObservation(s.Parameters, Score(s.Parameters)));
                }

                Assert.True(history.Max(o => o.Score) > 0.98, "seed " + seed + ": best " + history.Max(o => o.Score));
            }
        }

        [Fact]
        public void TheRecommendationPrefersABroadPlateauToAnIsolatedSpike()
        {
            // A plateau scoring about 0.8 around lookback 40, threshold 0.05; one spike of 1.0 at lookback 10, threshold 0.09,
            // whose neighbours score 0.
            var observations = new List<SearchObservation>();
            void Add(double lookback, double threshold, double score) =>
                observations.Add(new SearchObservation(new Dictionary<string, double> { ["lookback"] = lookback, ["threshold"] = threshold }, score));
            var random = new Random(5);
            foreach (var lookback in new[] { 30.0, 35, 40, 45, 50 })
            {
                foreach (var threshold in new[] { 0.04, 0.05, 0.06 })
                {
                    Add(lookback, threshold, 0.78 + (0.04 * random.NextDouble()));
                }
            }

            Add(10, 0.09, 1.0);
            foreach (var (lookback, threshold) in new[] { (9.0, 0.09), (11.0, 0.09), (10.0, 0.08), (10.0, 0.1), (12.0, 0.085), (8.0, 0.095) })
            {
                Add(lookback, threshold, 0.0);
            }

            var choice = BayesianSearch.Recommend(Momentum, observations);
            Assert.Equal(SearchMethod.Robust, choice.Method);
            Assert.InRange(choice.Parameters["lookback"], 30, 50);
            Assert.InRange(choice.ObservedScore, 0.78, 0.82);
            Assert.True(choice.RobustScore > 0.5, choice.Reason);
            Assert.Contains("best single score 1", choice.Reason);
        }

        [Fact]
        public void RecommendWithoutAModelFallsBackPlainly()
        {
            var none = BayesianSearch.Recommend(Momentum, Array.Empty<SearchObservation>());
            Assert.Equal(SearchMethod.Fallback, none.Method);
            Assert.Equal(Momentum.KeyOf(Momentum.Defaults), Momentum.KeyOf(none.Parameters));
            var two = new[]
            {
                new SearchObservation(new Dictionary<string, double> { ["lookback"] = 30, ["threshold"] = 0.01 }, 0.2),
                new SearchObservation(new Dictionary<string, double> { ["lookback"] = 90, ["threshold"] = 0.03 }, 0.6),
            };
            var best = BayesianSearch.Recommend(Momentum, two);
            Assert.Equal(90, best.Parameters["lookback"]);
            Assert.Equal(0.6, best.ObservedScore);
        }

        [Fact]
        public void BadArgumentsAreRejected()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => BayesianSearch.Suggest(Momentum, Array.Empty<SearchObservation>(), 1, count: 0));
            Assert.Throws<ArgumentException>(() => new SearchObservation(new Dictionary<string, double>(), double.NaN));
            Assert.Throws<ArgumentException>(() => BayesianSearch.Suggest(Momentum, Array.Empty<SearchObservation>(), 1, options: new SearchOptions { Neighbourhood = 2 }));
        }
    }
}
