using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    /// <summary>Hyperparameter reuse, the pruned candidate scorer and the incremental selection give the full computation's answers.</summary>
    public sealed class GaussianProcessReuseTests
    {
        // Unit ranges, so normalised parameters equal the raw ones and the tests can build the model's inputs.
        private static ParameterSpace Space => new ParameterSpace(new[]
        {
            new ParameterDimension("a", ParameterKind.Number, 0, 1, 0.5),
            new ParameterDimension("b", ParameterKind.Number, 0, 1, 0.5),
        });

        private static (double[][] X, double[] Y) RandomData(Random random, int n, int d)
        {
            var x = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(__ => random.NextDouble()).ToArray()).ToArray();
            var y = x.Select(p => Math.Exp(-4 * p.Sum(v => (v - 0.4) * (v - 0.4))) + (0.05 * random.NextDouble())).ToArray();
            return (x, y);
        }

        [Fact]
        public void FitWithGivenHyperparametersEqualsTheGridFit()
        {
            var random = new Random(3);
            for (var trial = 0; trial < 20; trial++)
            {
                var (x, y) = RandomData(random, random.Next(3, 65), random.Next(1, 6));
                var grid = GaussianProcess.Fit(x, y);
                var reused = GaussianProcess.Fit(x, y, grid.LengthScale, grid.Noise);
                Assert.Equal(grid.LengthScale, reused.LengthScale);
                Assert.Equal(grid.Noise, reused.Noise);
                for (var i = 0; i < 20; i++)
                {
                    var p = Enumerable.Range(0, x[0].Length).Select(_ => random.NextDouble()).ToArray();
                    var (m1, s1) = grid.Predict(p);
                    var (m2, s2) = reused.Predict(p);
                    Assert.Equal(m1, m2, 1e-9);
                    Assert.Equal(s1, s2, 1e-9);
                }
            }
        }

        [Fact]
        public void AnchorsFollowTheRule()
        {
            var anchors = new List<int> { 1 };
            while (anchors[anchors.Count - 1] < 2000)
            {
                var a = anchors[anchors.Count - 1];
                anchors.Add(a + Math.Max(1, Math.Min(16, a / 4)));
            }

            Assert.Equal(new[] { 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 18, 22, 27, 33, 41, 51, 63, 78, 94, 110 }, anchors.Take(21));
            for (var n = 1; n < 2000; n++)
            {
                Assert.Equal(anchors.Last(a => a <= n), BayesianOptimizer.HyperparameterAnchor(n));
            }
        }

        [Fact]
        public void TheGridSearchRunsAtAnchorsAndPredictionsUseItsHyperparameters()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var random = new Random(5);
            var space = Space;
            var all = new List<(double[] X, double Y)>();
            var query = new Dictionary<string, double> { ["a"] = 0.3, ["b"] = 0.6 };
            long searches = 0;
            for (var n = 1; n <= 130; n++)
            {
                var p = new[] { random.NextDouble(), random.NextDouble() };
                var score = Math.Exp(-4 * (((p[0] - 0.4) * (p[0] - 0.4)) + ((p[1] - 0.7) * (p[1] - 0.7)))) * (0.8 + (0.2 * random.NextDouble()));
                all.Add((p, score));
                store.Append(Samples.Make(n, score: score, parameters: new Dictionary<string, double> { ["a"] = p[0], ["b"] = p[1] }));
                var prediction = store.Model().Predict("momentum", "SPY", query, space);
                if (n < 3)
                {
                    continue;
                }

                var anchor = BayesianOptimizer.HyperparameterAnchor(n);
                Assert.Equal(searches + (anchor == n ? 1 : 0), store.Model().GridSearches);
                searches = store.Model().GridSearches;

                // The model: the grid's hyperparameters on the observations as of the anchor, refitted on the current ones.
                var (ax, ay) = Selection(all, anchor);
                var grid = GaussianProcess.Fit(ax, ay);
                var (x, y) = Selection(all, n);
                var expected = GaussianProcess.Fit(x, y, grid.LengthScale, grid.Noise).Predict(new[] { 0.3, 0.6 }).Mean;
                Assert.Equal(Math.Max(0, Math.Min(1, expected)), prediction.ExpectedScore, 9);
            }

            // A new space is searched at once; so is a reset store.
            var other = new ParameterSpace(new[] { new ParameterDimension("a", ParameterKind.Number, 0, 1, 0.5) });
            store.Model().Predict("momentum", "SPY", query, other);
            Assert.Equal(searches + 1, store.Model().GridSearches);
            store.Reset();
            store.AppendMany(Enumerable.Range(0, 20).Select(i => Samples.Make(i, score: i / 20.0, parameters: new Dictionary<string, double> { ["a"] = i / 20.0, ["b"] = 0.5 })).ToList());
            store.Model().Predict("momentum", "SPY", query, space);
            Assert.Equal(searches + 2, store.Model().GridSearches);
        }

        /// <summary>The model's selection written out plainly: the 40 most recent plus the 24 best older ones (earlier first among equals), in order.</summary>
        private static (double[][] X, double[] Y) Selection(List<(double[] X, double Y)> all, int count)
        {
            var items = all.Take(count).Select((o, i) => (o.X, o.Y, i)).ToList();
            if (count > 64)
            {
                var best = items.Take(count - 40).OrderByDescending(o => o.Y).ThenBy(o => o.i).Take(24);
                items = best.Concat(items.Skip(count - 40)).OrderBy(o => o.i).ToList();
            }

            return (items.Select(o => o.X).ToArray(), items.Select(o => o.Y).ToArray());
        }

        [Fact]
        public void IncrementalSelectionEqualsTheFullSelection()
        {
            var random = new Random(11);
            var index = new LearningIndex("g");
            const string key = "MOMENTUM\u0001SPY";
            for (var seq = 1; seq <= 600;)
            {
                // Several observations may arrive between two calls; scores repeat, to exercise ties.
                var batch = random.Next(1, 6);
                for (var j = 0; j < batch; j++, seq++)
                {
                    index.Add(new Observation { Seq = seq, Strategy = "momentum", Symbol = "SPY", Readable = true, Status = ExecutionStatus.Succeeded, Score = random.Next(0, 30) / 30.0 });
                }

                var usable = index.Usable(key);
                Assert.Equal(BayesianOptimizer.SelectObservations(usable, usable.Count).Select(o => o.Seq), index.Selected(key).Select(o => o.Seq));
            }
        }

        [Fact]
        public void ConcurrentPredictionsOfANewStateShareOneFit()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            store.AppendMany(Enumerable.Range(0, 10).Select(i => Samples.Make(i, score: (i * 7 % 10) / 10.0, parameters: new Dictionary<string, double> { ["a"] = i / 10.0, ["b"] = (i * 3 % 10) / 10.0 })).ToList());
            var query = new Dictionary<string, double> { ["a"] = 0.3, ["b"] = 0.6 };
            var results = new double[16];
            System.Threading.Tasks.Parallel.For(0, results.Length, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = store.Model().Predict("momentum", "SPY", query, Space).ExpectedScore);
            Assert.Equal(1, store.Model().GridSearches); // 10 is an anchor: one search, shared
            Assert.All(results, r => Assert.Equal(results[0], r));
        }

        [Fact]
        public void AFreshInstanceSuggestsWhatTheRunningOneSuggests()
        {
            using var dir = new TempDir();
            var space = Space;
            Suggestion last;
            using (var store = dir.Open(seed: 9))
            {
                last = store.Model().GetSuggestion("momentum", "SPY", space);
                for (var i = 0; i < 40; i++)
                {
                    var p = last.RecommendedParameters;
                    store.Append(Samples.Make(i, score: Math.Exp(-4 * (((p["a"] - 0.4) * (p["a"] - 0.4)) + ((p["b"] - 0.7) * (p["b"] - 0.7)))), parameters: new Dictionary<string, double>(p)));
                    last = store.Model().GetSuggestion("momentum", "SPY", space);
                }
            }

            // Hyperparameters depend on the data only, not on which calls came before.
            using var fresh = dir.Open(seed: 9);
            var again = fresh.Model().GetSuggestion("momentum", "SPY", space);
            Assert.Equal(last.RecommendedParameters, again.RecommendedParameters);
            Assert.Equal(last.ExpectedSuccessRate, again.ExpectedSuccessRate);
            Assert.Equal("bayesian-optimization", again.Method);
        }
    }
}
