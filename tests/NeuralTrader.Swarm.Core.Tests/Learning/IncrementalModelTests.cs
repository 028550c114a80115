using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    /// <summary>The running figures and the learning model's own connection give what a full scan gave.</summary>
    public sealed class IncrementalModelTests
    {
        [Fact]
        public void RunningMedianEqualsTheSortedUpperMedian()
        {
            var random = new Random(7);
            var median = new RunningMedian();
            var values = new List<long>();
            for (var i = 0; i < 2000; i++)
            {
                // Many ties and some outliers, like operation durations.
                var v = i % 97 == 0 ? random.Next(0, 100000) : random.Next(0, 40);
                median.Add(v);
                values.Add(v);
                var sorted = values.OrderBy(x => x).ToList();
                Assert.Equal(sorted[sorted.Count / 2], median.Median);
                Assert.Equal(values.Count, median.Count);
            }
        }

        [Fact]
        public void StrategySummaryFindsTheMostCommonSequenceWithOrdinalTies()
        {
            var summary = new StrategySummary();
            Observation Obs(params string[] ops) => new Observation { Readable = true, Status = ExecutionStatus.Succeeded, Success = true, Operations = ops, Score = 0.5 };
            summary.Add(Obs("b", "run"));
            Assert.Equal(new[] { "b", "run" }, summary.MostCommonSequence);
            summary.Add(Obs("a", "run"));
            Assert.Equal(new[] { "a", "run" }, summary.MostCommonSequence); // tie: ordinally smaller key
            summary.Add(Obs("b", "run"));
            Assert.Equal(new[] { "b", "run" }, summary.MostCommonSequence);
            summary.Add(new Observation { Readable = false, Status = ExecutionStatus.Succeeded, Operations = new[] { "a", "run" } });
            summary.Add(new Observation { Readable = true, Status = ExecutionStatus.Failed, Operations = new[] { "a", "run" } });
            Assert.Equal(new[] { "b", "run" }, summary.MostCommonSequence); // unreadable and failed runs do not count
            Assert.Equal(0.5 * 3 / 5, summary.MeanScore, 12);
        }

        [Fact]
        public void SuggestionFiguresMatchAScanOfTheStoredRuns()
        {
            using var dir = new TempDir();
            using var store = dir.Open(SymmetricKey.Generate());
            var runs = new List<Trajectory>();
            for (var i = 0; i < 60; i++)
            {
                var status = i % 7 == 0 ? ExecutionStatus.Failed : i % 11 == 0 ? ExecutionStatus.Cancelled : ExecutionStatus.Succeeded;
                var t = Samples.Make(i, status: status, score: status == ExecutionStatus.Succeeded ? ((i * 37) % 100) / 100.0 : 0);
                t.CompletedAt = t.StartedAt.AddMilliseconds(100 + ((i * 53) % 400));
                runs.Add(t);
            }

            store.AppendMany(runs);
            var space = new ParameterSpace(new[]
            {
                new ParameterDimension("lookback", ParameterKind.Integer, 5, 100, 20),
                new ParameterDimension("threshold", ParameterKind.Number, 0, 0.1, 0.02),
            });
            var suggestion = store.Model().GetSuggestion("momentum", "SPY", space);

            var usable = runs.Where(r => r.Outcome!.Status != ExecutionStatus.Cancelled).ToList();
            var durations = usable.Where(r => r.Outcome!.Status == ExecutionStatus.Succeeded).Select(r => (double)r.DurationMs).OrderBy(d => d).ToList();
            Assert.Equal(usable.Count, suggestion.Observations);
            Assert.Equal(durations[durations.Count / 2], suggestion.EstimatedDurationMs);
            var best = usable.OrderByDescending(r => r.Outcome!.Score).First();
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, "mean score {0:0.00}", usable.Average(r => r.Outcome!.Score)), suggestion.Reasoning);
            Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, "best {0:0.00}", best.Outcome!.Score), suggestion.Reasoning);
            Assert.Equal(new[] { "resolve-image", "create-sandbox", "load-data", "run", "collect", "cleanup" }, suggestion.RecommendedOperations);
        }

        [Fact]
        public void PredictionsSeeAppendsFromAnotherInstanceAndAfterReset()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using var reader = dir.Open(key);
            using var writer = dir.Open(key);
            var parameters = new Dictionary<string, double> { ["lookback"] = 20, ["threshold"] = 0.02 };
            Assert.Equal(0, reader.Model().Predict("momentum", "SPY", parameters).Observations);

            writer.AppendMany(Enumerable.Range(0, 5).Select(i => Samples.Make(i, score: 0.8)).ToList());
            var first = reader.Model().Predict("momentum", "SPY", parameters);
            Assert.Equal(5, first.Observations);
            Assert.Equal(0.8, first.ExpectedScore, 6);

            // Unchanged data: the same answer (served without reading rows again).
            Assert.Equal(first.ExpectedScore, reader.Model().Predict("momentum", "SPY", parameters).ExpectedScore);

            writer.AppendMany(Enumerable.Range(5, 5).Select(i => Samples.Make(i, score: 0.2)).ToList());
            var second = reader.Model().Predict("momentum", "SPY", parameters);
            Assert.Equal(10, second.Observations);
            Assert.True(second.ExpectedScore < first.ExpectedScore);

            writer.Reset();
            Assert.Equal(0, reader.Model().Predict("momentum", "SPY", parameters).Observations);
            Assert.Equal(0, reader.Model().GetStats().TotalTrajectories);
        }

        [Fact]
        public void DisposeReleasesBothConnections()
        {
            using var dir = new TempDir();
            var store = dir.Open();
            store.Append(Samples.Make(1));
            store.Model().Predict("momentum", "SPY", new Dictionary<string, double>());
            store.Dispose();
            Assert.Throws<ObjectDisposedException>(() => store.Model().Predict("momentum", "SPY", new Dictionary<string, double>()));
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            System.IO.File.Delete(dir.Db);
            Assert.False(System.IO.File.Exists(dir.Db));
        }
    }
}
