using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class PatternAndStatsTests
    {
        [Fact]
        public void ParameterRegionsBecomePatternsWithWilsonBounds()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var list = new List<Trajectory>();
            for (var i = 0; i < 40; i++)
            {
                var lookback = 10 + i;
                var good = lookback >= 30 && lookback < 40;
                list.Add(Samples.Make(i, score: good ? 0.85 : 0.15, parameters: new Dictionary<string, double> { ["lookback"] = lookback }));
            }

            store.AppendMany(list);
            var patterns = store.Model().GetPatterns(new PatternFilter { Strategy = "momentum" });
            var success = patterns.Single(p => p.Kind == PatternKind.Success && p.Category == "ParameterRegion" && p.Regime is null);
            Assert.Equal("lookback", success.Parameter);
            Assert.Equal(30, success.RangeMin);
            Assert.Equal(39, success.RangeMax);
            Assert.Equal(10, success.ObservationCount);
            Assert.Equal(1.0, success.SuccessRate);
            Assert.InRange(success.Confidence, 0.65, 0.75); // Wilson lower bound of 10/10 is 0.722, not 1.
            Assert.Contains("10 of 10", success.Description);
            Assert.Contains(patterns, p => p.Kind == PatternKind.Failure && p.Parameter == "lookback" && p.RangeMax < 30);
            Assert.True(patterns.SequenceEqual(patterns.OrderByDescending(p => p.Confidence)));

            var suggestion = store.Model().GetSuggestion("momentum", "SPY", new ParameterSpace(new[] { new ParameterDimension("lookback", ParameterKind.Integer, 10, 49, 20) }));
            Assert.Equal(store.Model().GetStats().TotalPatterns, store.Model().GetPatterns().Count);
            Assert.All(suggestion.SupportingPatterns, p => Assert.InRange(suggestion.RecommendedParameters["lookback"], p.RangeMin!.Value, p.RangeMax!.Value));
        }

        [Fact]
        public void ParametersThatNeverVariedMakeNoPattern()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var list = new List<Trajectory>();
            for (var i = 0; i < 40; i++)
            {
                var lookback = 10 + i;
                list.Add(Samples.Make(i, score: lookback >= 15 ? 0.85 : 0.15,
                    parameters: new Dictionary<string, double> { ["lookback"] = lookback, ["positionSize"] = 10, ["initialCash"] = 100000 }));
            }

            store.AppendMany(list);
            var regions = store.Model().GetPatterns(new PatternFilter { Strategy = "momentum" }).Where(p => p.Category == "ParameterRegion").ToList();
            Assert.Contains(regions, p => p.Parameter == "lookback");
            Assert.DoesNotContain(regions, p => p.Parameter == "positionSize" || p.Parameter == "initialCash");
        }

        [Fact]
        public void TimeoutsAboveASwarmSizeBecomeAFailurePattern()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var list = new List<Trajectory>();
            for (var i = 0; i < 60; i++)
            {
                var size = 2 + (i % 4) * 4; // 2, 6, 10, 14
                var timedOut = size > 8 && i % 10 != 3;
                list.Add(Samples.Make(i, swarmSize: size, status: timedOut ? ExecutionStatus.TimedOut : ExecutionStatus.Succeeded, score: 0.7));
            }

            store.AppendMany(list);
            var pattern = store.Model().GetPatterns().Single(p => p.Category == "SwarmSize" && p.Description.Contains("time out"));
            Assert.Equal(PatternKind.Failure, pattern.Kind);
            Assert.Equal(6, pattern.SwarmSizeAbove);
            Assert.Contains("more than 6 agents", pattern.Description);
            Assert.True(pattern.Confidence < pattern.SuccessRate);

            var sequence = store.Model().GetPatterns(new PatternFilter { Kind = PatternKind.Failure }).FirstOrDefault(p => p.Category == "OperationSequence");
            Assert.NotNull(sequence);
            Assert.Contains("run!", sequence!.Operations!);
            Assert.Contains("step 'run' failed", sequence.Description);
        }

        [Fact]
        public void StatsDefineSuccessImprovementAndPredictionAccuracy()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var list = new List<Trajectory>();
            for (var i = 0; i < 50; i++)
            {
                var score = i < 40 ? 0.3 : 0.8;
                var prediction = i % 2 == 0 ? new Prediction { ExpectedScore = score + 0.1, Confidence = 0.5 } : null;
                list.Add(Samples.Make(i, strategy: i % 5 == 0 ? "rev" : "momentum", score: score, prediction: prediction, status: i == 1 ? ExecutionStatus.Failed : ExecutionStatus.Succeeded));
            }

            store.AppendMany(list);
            var stats = store.Model().GetStats();
            Assert.Equal(50, stats.TotalTrajectories);
            var expectedMean = list.Average(t => t.Outcome.Score);
            Assert.Equal(expectedMean, stats.AvgSuccessRate, 10);
            Assert.Equal(49 / 50.0, stats.ExecutionSuccessRate, 10);

            // Window = max(5, min(500, 50/5)) = 10: the last 10 average 0.8, the 40 before them (one failed run scores 0).
            var earlier = list.Take(40).Average(t => t.Outcome.Score);
            Assert.Equal(0.8 - earlier, stats.ImprovementRate, 10);
            Assert.Equal(25, stats.PredictionsMade);
            Assert.Equal(0.9, stats.PredictionAccuracy!.Value, 10);
            Assert.Equal(new[] { "momentum", "rev" }, stats.ByStrategy.Select(s => s.Strategy));
            Assert.Equal(10, stats.ByStrategy[1].TotalTrajectories);
            Assert.True(stats.PayloadsReadable);
        }
    }
}
