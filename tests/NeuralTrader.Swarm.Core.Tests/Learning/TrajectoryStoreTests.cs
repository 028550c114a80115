using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class TrajectoryStoreTests
    {
        [Fact]
        public void AppendQueryAndCountRoundTripAPlaintextStore()
        {
            using var dir = new TempDir();
            using (var store = dir.Open())
            {
                Assert.True(store.Append(Samples.Make(1)));
                Assert.Equal(9, store.AppendMany(Samples.Many(9, 2)));
                Assert.Equal(10, store.Count());
                Assert.False(store.IsEncrypted);
            }

            using (var reopened = dir.Open())
            {
                var all = reopened.Query();
                Assert.Equal(10, all.Count);
                Assert.True(all[0].Sequence > all[1].Sequence);
                var one = reopened.Get("t-momentum-SPY-1")!;
                Assert.Equal("backtest momentum on SPY", one.Trajectory!.Task);
                Assert.Equal(11, one.Trajectory.Parameters["lookback"]);
                Assert.Equal(6, one.Trajectory.Operations.Count);
                Assert.Equal(ExecutionStatus.Succeeded, one.Trajectory.Outcome.Status);
                Assert.Equal(Samples.Make(1).CompletedAt, one.CompletedAt);
            }
        }

        [Fact]
        public void DuplicateIdsAreSkippedNotDuplicated()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            Assert.Equal(5, store.AppendMany(Samples.Many(5)));
            Assert.Equal(2, store.AppendMany(Samples.Many(7)));
            Assert.False(store.Append(Samples.Make(0)));
            Assert.Equal(7, store.Count());
            Assert.True(store.Verify().IsValid);
        }

        [Fact]
        public void FiltersSelectByStrategySymbolTimeAndSuccess()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            store.AppendMany(Enumerable.Range(0, 10).Select(i => Samples.Make(i, symbol: i % 2 == 0 ? "SPY" : "QQQ", status: i % 3 == 0 ? ExecutionStatus.Failed : ExecutionStatus.Succeeded)).ToList());
            Assert.Equal(5, store.Query(new TrajectoryFilter { Symbol = "qqq" }).Count);
            Assert.Equal(4, store.Query(new TrajectoryFilter { Success = false }).Count);
            Assert.Equal(3, store.Query(new TrajectoryFilter { Limit = 3 }).Count);
            var since = Samples.Make(5).CompletedAt;
            Assert.Equal(5, store.Query(new TrajectoryFilter { Since = since }).Count);
            Assert.Empty(store.Query(new TrajectoryFilter { Strategy = "nothing" }));
        }

        [Fact]
        public void SimilarRanksByTaskText()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            store.Append(Samples.Make(1, task: "momentum breakout on tech stocks QQQ"));
            store.Append(Samples.Make(2, task: "mean reversion on small caps IWM"));
            store.Append(Samples.Make(3, task: "momentum trend following SPY daily"));
            var ranked = store.Query(new TrajectoryFilter { Similar = "momentum on QQQ tech" });
            Assert.Equal("t-momentum-SPY-1", ranked[0].Id);
            Assert.Equal(2, ranked.Count);
            Assert.True(ranked[0].Similarity > ranked[1].Similarity);
        }

        [Fact]
        public void StrategiesPersistAcrossInstances()
        {
            using var dir = new TempDir();
            using (var a = dir.Open())
            {
                a.SaveStrategy(new StoredStrategy { Name = "mom", Type = "momentum", Symbols = new List<string> { "SPY", "QQQ" }, ParametersJson = "{\"lookback\":20}", Description = "d" });
                a.SaveStrategy(new StoredStrategy { Name = "rev", Type = "mean-reversion" });
            }

            using (var b = dir.Open())
            {
                var list = b.LoadStrategies();
                Assert.Equal(new[] { "mom", "rev" }, list.Select(s => s.Name));
                Assert.Equal(new[] { "SPY", "QQQ" }, list[0].Symbols);
                Assert.Equal("{\"lookback\":20}", list[0].ParametersJson);
                Assert.True(b.RemoveStrategy("REV"));
                Assert.False(b.RemoveStrategy("rev"));
                Assert.Single(b.LoadStrategies());
            }
        }

        [Fact]
        public void ResetDeletesLearningDataButKeepsStrategies()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            store.SaveStrategy(new StoredStrategy { Name = "mom", Type = "momentum" });
            store.AppendMany(Samples.Many(20));
            Assert.Equal(20, store.Model().GetStats().TotalTrajectories);
            Assert.Equal(20, store.Reset());
            Assert.Equal(0, store.Count());
            Assert.Equal(0, store.Model().GetStats().TotalTrajectories);
            Assert.Single(store.LoadStrategies());
            Assert.True(store.Verify().IsValid);
            store.AppendMany(Samples.Many(3));
            Assert.True(store.Verify().IsValid);
        }

        [Fact]
        public void SchemaVersionAndWalAreSet()
        {
            using var dir = new TempDir();
            using (var store = dir.Open())
            {
                store.Append(Samples.Make(1));
            }

            Assert.Equal(TrajectoryStore.SchemaVersion.ToString(), Sqlite3.Run(dir.Db, "PRAGMA user_version;"));
            Assert.Equal("wal", Sqlite3.Run(dir.Db, "PRAGMA journal_mode;"));
        }

        [Fact]
        public void StoreFileIsOwnerOnlyOnUnix()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return;
            }

            using var dir = new TempDir();
            var nested = Path.Combine(dir.Path, "sub", "swarm.db");
            using (TrajectoryStore.Open(new StoreOptions { Path = nested }))
            {
            }

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(nested));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(nested)!));
        }

        [Fact]
        public void DefaultPathFollowsXdgDataHome()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                Assert.EndsWith(Path.Combine("NeuralTrader.Swarm", "swarm.db"), TrajectoryStore.DefaultPath);
                return;
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            var expectedRoot = string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetEnvironmentVariable("HOME")!, ".local", "share") : xdg;
            Assert.Equal(Path.Combine(expectedRoot, "NeuralTrader.Swarm", "swarm.db"), TrajectoryStore.DefaultPath);
        }

        [Fact]
        public void SuccessScoreIsBoundedMonotoneAndZeroOnFailure()
        {
            foreach (var status in new[] { ExecutionStatus.Failed, ExecutionStatus.TimedOut, ExecutionStatus.OutOfMemory, ExecutionStatus.Cancelled })
            {
                Assert.Equal(0, SuccessScore.Compute(status, 3, 0));
            }

            double previous = -1;
            for (var sharpe = -5.0; sharpe <= 5; sharpe += 0.5)
            {
                var s = SuccessScore.Compute(ExecutionStatus.Succeeded, sharpe, 0.8);
                Assert.InRange(s, 0, 1);
                Assert.True(s > previous);
                previous = s;
            }

            // The same Sharpe scores lower against a better buy-and-hold.
            Assert.True(SuccessScore.Compute(ExecutionStatus.Succeeded, 1, 0.5) > SuccessScore.Compute(ExecutionStatus.Succeeded, 1, 1.5));
            Assert.InRange(SuccessScore.Compute(ExecutionStatus.Succeeded, 1e9, -1e9), 0, 1);
            Assert.InRange(SuccessScore.Compute(ExecutionStatus.Succeeded, double.NaN, double.PositiveInfinity), 0, 1);
            Assert.Equal(0.5, SuccessScore.Compute(ExecutionStatus.Succeeded, 0, 0), 10);
            // z = 1 + (1 - 0.5) = 1.5
            Assert.Equal(1 / (1 + Math.Exp(-1.5)), SuccessScore.Compute(ExecutionStatus.Succeeded, 1, 0.5), 12);
            var metrics = new Dictionary<string, double> { ["Sharpe"] = 1, ["BuyAndHoldSharpe"] = 0.5, ["TotalReturn"] = 0.02, ["BuyAndHoldReturn"] = 1.5 };
            Assert.Equal(SuccessScore.Compute(ExecutionStatus.Succeeded, 1, 0.5), SuccessScore.Compute(ExecutionStatus.Succeeded, metrics));
            Assert.Contains("has a risk-adjusted edge", SuccessScore.Critique(ExecutionStatus.Succeeded, 0.8, metrics));
        }

        [Fact]
        public void MarketContextClassifiesTrendAndVolatility()
        {
            var up = MarketRegimes.Classify(Enumerable.Range(0, 100).Select(i => 100 * Math.Pow(1.002, i)).ToList());
            Assert.Equal("up", up.Trend);
            Assert.Equal("low", up.Volatility);
            var choppy = MarketRegimes.Classify(Enumerable.Range(0, 101).Select(i => 100 + (i % 2 == 0 ? 4.0 : -4.0)).ToList());
            Assert.Equal("sideways", choppy.Trend);
            Assert.Equal("high", choppy.Volatility);
        }
    }
}
