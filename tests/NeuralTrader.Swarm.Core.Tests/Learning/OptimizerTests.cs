using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class OptimizerTests
    {
        private readonly ITestOutputHelper _output;

        public OptimizerTests(ITestOutputHelper output)
        {
            _output = output;
        }

        private static ParameterSpace Space => new ParameterSpace(new[]
        {
            new ParameterDimension("lookback", ParameterKind.Integer, 5, 100, 20),
            new ParameterDimension("threshold", ParameterKind.Number, 0, 0.1, 0.02),
        });

        /// <summary>A smooth objective in [0,1] with its global optimum near lookback 42, threshold 0.031 and a decoy bump.</summary>
        private static double Objective(double lookback, double threshold)
        {
            var main = Math.Exp(-Math.Pow((lookback - 42) / 18.0, 2) - Math.Pow((threshold - 0.031) / 0.02, 2));
            var decoy = Math.Exp(-Math.Pow((lookback - 85) / 10.0, 2) - Math.Pow((threshold - 0.08) / 0.015, 2));
            return 0.05 + (0.9 * main) + (0.3 * decoy * (1 - main));
        }

        private static double GridOptimum()
        {
            var best = 0.0;
            for (var lb = 5; lb <= 100; lb++)
            {
                for (var t = 0; t <= 1000; t++)
                {
                    best = Math.Max(best, Objective(lb, t / 10000.0));
                }
            }

            return best;
        }

        private static double RunOptimizer(int seed, int budget, out List<double> scores)
        {
            using var dir = new TempDir();
            using var store = dir.Open(seed: seed);
            scores = new List<double>();
            for (var i = 0; i < budget; i++)
            {
                var suggestion = store.Model().GetSuggestion("momentum", "SPY", Space);
                var p = suggestion.RecommendedParameters;
                var score = Objective(p["lookback"], p["threshold"]);
                scores.Add(score);
                var t = Samples.Make(i, score: score, parameters: new Dictionary<string, double>(p));
                t.UsedSuggestion = true;
                store.Append(t);
            }

            return scores.Max();
        }

        private static double RandomSearch(int seed, int budget)
        {
            var random = new Random(1000 + seed);
            var best = 0.0;
            for (var i = 0; i < budget; i++)
            {
                best = Math.Max(best, Objective(random.Next(5, 101), random.NextDouble() * 0.1));
            }

            return best;
        }

        [Fact]
        public void ThirtySuggestedTrialsReachTheGridOptimumAndBeatRandomSearch()
        {
            var optimum = GridOptimum();
            var wins = 0;
            for (var seed = 1; seed <= 10; seed++)
            {
                var bo = RunOptimizer(seed, 30, out _);
                var random = RandomSearch(seed, 30);
                _output.WriteLine($"seed {seed}: bayesian {bo:0.0000} random {random:0.0000} optimum {optimum:0.0000}");
                Assert.True(bo >= 0.95 * optimum, $"seed {seed}: best {bo} is not within 5% of {optimum}");
                if (bo > random)
                {
                    wins++;
                }
            }

            Assert.True(wins >= 8, $"Bayesian optimisation beat random search in only {wins} of 10 seeds");
        }

        [Fact]
        public void SuggestionsAreDeterministicForASeed()
        {
            RunOptimizer(7, 12, out var first);
            RunOptimizer(7, 12, out var second);
            Assert.Equal(first, second);
            RunOptimizer(8, 12, out var other);
            Assert.NotEqual(first, other);
        }

        [Fact]
        public void WithoutDataTheSearchStartsFillingTheSpaceWithZeroConfidence()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var s = store.Model().GetSuggestion("momentum", "SPY", Space);
            // The defaults are one candidate among others, not a mandatory first trial.
            Assert.Equal("space-filling", s.Method);
            Assert.Equal(0, s.Confidence);
            foreach (var dim in Space.Dimensions)
                Assert.InRange(s.RecommendedParameters[dim.Name], dim.Min + ((dim.Max - dim.Min) * 0.02), dim.Max - ((dim.Max - dim.Min) * 0.02));
            Assert.Contains("No recorded runs", s.Reasoning);
            Assert.Equal(new[] { "resolve-image", "create-sandbox", "load-data", "run", "collect", "cleanup" }, s.RecommendedOperations);
            Assert.Null(s.EstimatedDurationMs);
        }

        [Fact]
        public void SuggestionExplainsItselfWithNumbersAndRespectsFixedParameters()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            for (var i = 0; i < 15; i++)
            {
                var lb = 5 + (i * 6);
                var th = (i % 5) * 0.02;
                store.Append(Samples.Make(i, score: Objective(lb, th), parameters: new Dictionary<string, double> { ["lookback"] = lb, ["threshold"] = th }));
            }

            var s = store.Model().GetSuggestion("momentum", "SPY", Space);
            Assert.Equal("bayesian-optimization", s.Method);
            Assert.Equal(15, s.Observations);
            Assert.InRange(s.Confidence, 0.01, 1);
            Assert.InRange(s.ExpectedSuccessRate, 0, 1);
            Assert.Contains("From 15 runs of momentum on SPY", s.Reasoning);
            Assert.Contains("lookback=", s.Reasoning);
            Assert.NotNull(s.EstimatedDurationMs);
            Assert.Equal(Math.Round(s.RecommendedParameters["lookback"]), s.RecommendedParameters["lookback"]);

            var fixedThreshold = store.Model().GetSuggestion("momentum", "SPY", Space, new Dictionary<string, double> { ["threshold"] = 0.05 });
            Assert.Equal(0.05, fixedThreshold.RecommendedParameters["threshold"]);

            // Cached until a new observation arrives; other symbols are separate.
            Assert.Equal(s.RecommendedParameters, store.Model().GetSuggestion("momentum", "SPY", Space).RecommendedParameters);
            Assert.Equal(0, store.Model().GetSuggestion("momentum", "QQQ", Space).Observations);
        }

        [Fact]
        public void ADeterministicLoopNeverTriesAPointTwice()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var tried = new HashSet<string>();
            for (var i = 0; i < 25; i++)
            {
                var s = store.Model().GetSuggestion("momentum", "SPY", Space);
                var lb = s.RecommendedParameters["lookback"];
                var th = s.RecommendedParameters["threshold"];
                Assert.True(tried.Add(lb + "/" + th), $"trial {i + 1} repeated lookback {lb}, threshold {th}");
                store.Append(Samples.Make(i, score: Objective(lb, th), parameters: new Dictionary<string, double> { ["lookback"] = lb, ["threshold"] = th }));
            }
        }

        [Fact]
        public void PredictionsFollowTheModelAndFeedPredictionAccuracy()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var random = new Random(3);
            for (var i = 0; i < 40; i++)
            {
                var lb = random.Next(5, 101);
                var th = random.NextDouble() * 0.1;
                var p = new Dictionary<string, double> { ["lookback"] = lb, ["threshold"] = th };
                var prediction = i >= 20 ? store.Model().Predict("momentum", "SPY", p, Space) : null;
                store.Append(Samples.Make(i, score: Objective(lb, th), parameters: p, prediction: prediction));
            }

            var near = store.Model().Predict("momentum", "SPY", new Dictionary<string, double> { ["lookback"] = 42, ["threshold"] = 0.031 }, Space);
            var far = store.Model().Predict("momentum", "SPY", new Dictionary<string, double> { ["lookback"] = 100, ["threshold"] = 0.0 }, Space);
            Assert.True(near.ExpectedScore > far.ExpectedScore + 0.3, $"{near.ExpectedScore} vs {far.ExpectedScore}");
            Assert.Equal(40, near.Observations);
            Assert.InRange(near.Confidence, 0.05, 1);
            var derived = store.Model().Predict("momentum", "SPY", new Dictionary<string, double> { ["lookback"] = 42, ["threshold"] = 0.031 });
            Assert.InRange(derived.ExpectedScore, 0, 1);

            var stats = store.Model().GetStats();
            Assert.Equal(20, stats.PredictionsMade);
            Assert.NotNull(stats.PredictionAccuracy);
            Assert.InRange(stats.PredictionAccuracy!.Value, 0.6, 1);
            var empty = store.Model().Predict("other", "SPY", new Dictionary<string, double>());
            Assert.Equal(0, empty.Confidence);
        }
    }
}
