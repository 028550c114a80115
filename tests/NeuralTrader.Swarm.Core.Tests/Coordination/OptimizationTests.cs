using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Coordination
{
    /// <summary>The suggest, deploy, record loop end to end: real runner processes, bundled data, a real SQLite store.</summary>
    public sealed class OptimizationTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nts-opt-" + Guid.NewGuid().ToString("N"));

        public OptimizationTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private SwarmCoordinator NewCoordinator(string store = "swarm.db", int seed = 1) => new SwarmCoordinator(new SwarmOptions
        {
            Isolation = IsolationMode.Process,
            StorePath = Path.Combine(_dir, store),
            MaxAgents = 2,
            Seed = seed,
        });

        [Fact]
        public async Task A_split_run_searches_in_sample_only_and_reports_the_choice_out_of_sample_beside_buy_and_hold()
        {
            using var coordinator = NewCoordinator();
            var streamed = new List<OptimizationTrial>();
            var outcome = await SwarmOptimization.RunAsync(coordinator, new OptimizationRequest("momentum")
            {
                Symbol = "SPY",
                Trials = 10,
                Parallel = 2,
                Validation = new ValidationOptions { Split = 0.3 },
            }, streamed.Add);

            Assert.Equal(10, streamed.Count);
            Assert.Equal(outcome.Trials.OrderBy(t => t.Number), streamed.OrderBy(t => t.Number));
            var space = SearchSpace.For("momentum");
            Assert.Equal(10, outcome.Trials.Select(t => space.KeyOf(t.Parameters)).Distinct().Count());
            foreach (var trial in outcome.Trials)
            {
                Assert.True(trial.Result.Success, trial.Result.Error);
                // The objective is the in-sample segment's score, never the out-of-sample one.
                var inSample = trial.Result.Backtest!.Segments!.Single(s => s.Sample == SegmentSamples.In).Metrics;
                Assert.Equal(SuccessScore.Compute(ExecutionStatus.Succeeded, inSample.Sharpe, inSample.BuyAndHold.Sharpe), trial.Score, 12);
                Assert.NotNull(trial.OutOfSampleScore);
            }

            var chosen = outcome.Trials.Single(t => space.KeyOf(t.Parameters) == space.KeyOf(outcome.Parameters.ToDictionary(p => p.Key, p => Convert.ToDouble(p.Value))));
            var segments = chosen.Result.Backtest!.Segments!;
            Assert.Equal("split 0.3", outcome.Validation);
            Assert.Equal(segments.Single(s => s.Sample == SegmentSamples.In).Metrics.EndDate, outcome.InSample.EndDate);
            var outMetrics = segments.Single(s => s.Sample == SegmentSamples.Out).Metrics;
            Assert.NotNull(outcome.OutOfSample);
            Assert.Equal(outMetrics.StartDate, outcome.OutOfSample!.StartDate);
            Assert.Equal(outMetrics.AnnualizedReturn, outcome.OutOfSample.AnnualizedReturn, 12);
            Assert.Equal(outMetrics.BuyAndHold.AnnualizedReturn, outcome.OutOfSample.BuyAndHoldAnnualizedReturn, 12);
            Assert.True(string.CompareOrdinal(outcome.InSample.EndDate, outcome.OutOfSample.StartDate) < 0, "the samples overlap");
            Assert.Equal(780, outcome.OutOfSample.Bars); // 30 % of the 2,600 bundled SPY bars

            // Every trial is a recorded deployment whose parameters were the suggestion's.
            var stored = coordinator.Store.Query();
            Assert.Equal(10, stored.Count);
            Assert.All(stored, t => Assert.True(t.Trajectory!.UsedSuggestion));
        }

        [Fact]
        public async Task Walk_forward_retunes_each_fold_and_the_same_seed_repeats_the_run()
        {
            var request = new OptimizationRequest("momentum")
            {
                Symbol = "QQQ",
                Trials = 8,
                Validation = new ValidationOptions { WalkForward = 3, Mode = "rolling" },
                Seed = 11,
            };
            OptimizationOutcome first, second;
            using (var coordinator = NewCoordinator("a.db"))
                first = await SwarmOptimization.RunAsync(coordinator, request);
            using (var coordinator = NewCoordinator("b.db"))
                second = await SwarmOptimization.RunAsync(coordinator, request);

            Assert.Equal(3, first.FoldParameters.Count);
            Assert.Equal("walk-forward 3 rolling", first.Validation);
            Assert.Equal(first.Trials.Select(t => string.Join(",", t.Parameters.OrderBy(p => p.Key))),
                second.Trials.Select(t => string.Join(",", t.Parameters.OrderBy(p => p.Key))));
            Assert.Equal(first.Parameters, second.Parameters);
            Assert.Equal(first.OutOfSample!.Score, second.OutOfSample!.Score, 12);

            // Each fold's choice is the best neighbourhood of that fold's in-sample scores, judged on its own test block.
            var space = SearchSpace.For("momentum");
            for (int fold = 0; fold < 3; fold++)
            {
                var observations = first.Trials.Select(t => new SearchObservation(t.Parameters, Score(t, SegmentSamples.In, fold + 1))).ToList();
                Assert.Equal(space.KeyOf(BayesianSearch.Recommend(space, observations).Parameters), space.KeyOf(first.FoldParameters[fold]));
            }
            var expectedOut = Enumerable.Range(0, 3).Select(f =>
                Score(first.Trials.First(t => space.KeyOf(t.Parameters) == space.KeyOf(first.FoldParameters[f])), SegmentSamples.Out, f + 1)).Average();
            Assert.Equal(expectedOut, first.OutOfSample.Score, 12);
        }

        private static double Score(OptimizationTrial trial, string sample, int fold)
        {
            var m = trial.Result.Backtest!.Segments!.Single(s => s.Sample == sample && s.Fold == fold).Metrics;
            return SuccessScore.Compute(ExecutionStatus.Succeeded, m.Sharpe, m.BuyAndHold.Sharpe);
        }

        [Fact]
        public async Task Held_parameters_are_not_searched_and_pass_through()
        {
            using var coordinator = NewCoordinator();
            var outcome = await SwarmOptimization.RunAsync(coordinator, new OptimizationRequest("momentum")
            {
                Trials = 4,
                Parameters = new Dictionary<string, object?> { ["threshold"] = 0.02, ["allocation"] = 0.5 },
            });
            Assert.All(outcome.Trials, t => Assert.Equal(0.02, t.Parameters["threshold"]));
            Assert.All(outcome.Trials, t => Assert.Equal(0.5, Convert.ToDouble(t.Result.Parameters["allocation"])));
            Assert.Equal("SPY", outcome.Symbol);
            Assert.Equal("full", outcome.InSample.Sample);
            Assert.Null(outcome.OutOfSample);
            Assert.Equal(0.5, outcome.Parameters["allocation"]);
        }

        [Fact]
        public async Task A_held_value_outside_the_default_range_but_valid_is_searched_around()
        {
            using var coordinator = NewCoordinator();
            var outcome = await SwarmOptimization.RunAsync(coordinator, new OptimizationRequest("momentum")
            {
                Trials = 3,
                Parameters = new Dictionary<string, object?> { ["lookback"] = 400 },
            });
            Assert.All(outcome.Trials, t => Assert.Equal(400, t.Parameters["lookback"]));
            Assert.All(outcome.Trials, t => Assert.True(t.Result.Success, t.Result.Error));
        }

        [Fact]
        public async Task Bad_input_stops_at_once_with_an_error_naming_it()
        {
            using var coordinator = NewCoordinator();
            var outside = await Assert.ThrowsAsync<SwarmException>(() => SwarmOptimization.RunAsync(coordinator,
                new OptimizationRequest("momentum") { Parameters = new Dictionary<string, object?> { ["lookback"] = 5000 } }));
            Assert.Equal(SwarmErrorIds.InvalidParameter, outside.ErrorId);
            Assert.Contains("lookback", outside.Message);
            Assert.Contains("5000", outside.Message);

            var split = await Assert.ThrowsAsync<SwarmException>(() => SwarmOptimization.RunAsync(coordinator,
                new OptimizationRequest("momentum") { Trials = 5, Validation = new ValidationOptions { Split = 1.5 } }));
            Assert.Contains("validation.split", split.Message);

            var unknown = await Assert.ThrowsAsync<SwarmException>(() => SwarmOptimization.RunAsync(coordinator, new OptimizationRequest("no-such")));
            Assert.Equal(SwarmErrorIds.StrategyNotRegistered, unknown.ErrorId);

            var trials = await Assert.ThrowsAsync<SwarmException>(() => SwarmOptimization.RunAsync(coordinator, new OptimizationRequest("momentum") { Trials = 0 }));
            Assert.Contains("Trials must be at least 1", trials.Message);
        }
    }
}
