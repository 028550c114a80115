using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Tests.Learning;

namespace NeuralTrader.Swarm.Tests.Store
{
    /// <summary>
    /// What every store backend must do, run against each real backend (a subclass per backend). Each test opens the
    /// store it needs through <see cref="Open"/>; two opens share one backing store, as two processes or two hosts do.
    /// </summary>
    public abstract class TrajectoryBackendContract : IDisposable
    {
        private readonly List<TrajectoryStore> _opened = new List<TrajectoryStore>();

        /// <summary>Opens another handle on this test's backing store.</summary>
        protected abstract TrajectoryStore OpenBackend(StoreKey? key);

        /// <summary>A second, empty backing store of the same kind (import target).</summary>
        protected abstract TrajectoryStore OpenOtherBackend(StoreKey? key);

        /// <summary>A temporary folder for export files.</summary>
        private protected TempDir Files { get; } = new TempDir();

        [Fact]
        public void AppendsReadsAndSkipsIdsAlreadyStored()
        {
            var store = Open();
            var batch = Enumerable.Range(0, 5).Select(i => Samples.Make(i)).ToList();
            Assert.Equal(5, store.AppendMany(batch));
            Assert.Equal(0, store.AppendMany(new[] { Samples.Make(2) }));
            Assert.Equal(5, store.Count());

            var read = store.Get(batch[3].Id);
            Assert.NotNull(read);
            Assert.Equal(batch[3].Parameters, read!.Trajectory!.Parameters);
            Assert.Equal(batch[3].Outcome!.Score, read.Score, 12);
            Assert.Null(store.Get("no-such-id"));

            var newest = store.Query(new TrajectoryFilter { Limit = 2 });
            Assert.Equal(new[] { batch[4].Id, batch[3].Id }, newest.Select(t => t.Id));
            Assert.Equal(5, store.Query(new TrajectoryFilter { Strategy = "MOMENTUM", Symbol = "spy" }).Count);
            Assert.Empty(store.Query(new TrajectoryFilter { Symbol = "QQQ" }));
            Assert.True(store.Verify().IsValid);
        }

        [Fact]
        public async Task TwoWritersKeepOneValidChain()
        {
            var first = Open();
            var second = Open();
            var writes = new[] { first, second }.Select((store, w) => Task.Run(() =>
            {
                for (var b = 0; b < 10; b++)
                {
                    store.AppendMany(Enumerable.Range(0, 5).Select(i => Samples.Make((w * 1000) + (b * 10) + i, symbol: w == 0 ? "SPY" : "QQQ")).ToList());
                }
            }));
            await Task.WhenAll(writes);

            Assert.Equal(100, first.Count());
            var verification = second.Verify();
            Assert.True(verification.IsValid, verification.Problem);
            Assert.Equal(100, verification.RecordsChecked);
        }

        [Fact]
        public void LearningSeesWhatAnotherHandleAppends()
        {
            var writer = Open();
            var model = new LearningModel(Open());
            Assert.Equal(0, model.GetStats().TotalTrajectories);

            writer.AppendMany(Enumerable.Range(0, 8).Select(i => Samples.Make(i)).ToList());
            Assert.Equal(8, model.GetStats().TotalTrajectories);

            writer.Reset();
            Assert.Equal(0, model.GetStats().TotalTrajectories);
            writer.Append(Samples.Make(100));
            Assert.Equal(1, model.GetStats().TotalTrajectories);
        }

        [Fact]
        public void StrategiesAreRegisteredReplacedAndRemoved()
        {
            var store = Open();
            store.SaveStrategy(new StoredStrategy { Name = "trend", Type = "momentum", Symbols = new List<string> { "SPY" }, ParametersJson = "{\"lookback\":20}" });
            store.SaveStrategy(new StoredStrategy { Name = "TREND", Type = "momentum", Symbols = new List<string> { "QQQ" } });
            var saved = Assert.Single(Open().LoadStrategies());
            Assert.Equal(new[] { "QQQ" }, saved.Symbols);
            Assert.Equal("{}", saved.ParametersJson);
            Assert.NotEqual(default, saved.RegisteredAt);

            Assert.True(store.RemoveStrategy("Trend"));
            Assert.False(store.RemoveStrategy("trend"));
            Assert.Empty(store.LoadStrategies());
        }

        [Fact]
        public void ResetKeepsStrategiesAndStartsAnEmptyValidChain()
        {
            var store = Open();
            store.SaveStrategy(new StoredStrategy { Name = "trend", Type = "momentum" });
            store.AppendMany(Enumerable.Range(0, 4).Select(i => Samples.Make(i)).ToList());
            Assert.Equal(4, store.Reset());
            Assert.Equal(0, store.Count());
            Assert.Single(store.LoadStrategies());
            store.Append(Samples.Make(9));
            Assert.True(store.Verify().IsValid);
        }

        [Theory]
        [InlineData("symmetric")]
        [InlineData("hqc")]
        public void SealsPayloadsAndRejectsAnotherKey(string kind)
        {
            var key = kind == "hqc" ? (StoreKey)HqcKeyPair.Generate() : SymmetricKey.Generate();
            var store = Open(key);
            var trajectory = Samples.Make(1);
            store.Append(trajectory);

            Assert.Equal(key.KeyId, Open().KeyId);
            Assert.True(Open(key).Get(trajectory.Id)!.Encrypted);
            Assert.Equal(trajectory.Parameters, Open(key).Get(trajectory.Id)!.Trajectory!.Parameters);
            var keyless = Open();
            Assert.Equal(StoreErrorIds.KeyRequired, Assert.Throws<StoreException>(() => keyless.Get(trajectory.Id)).ErrorId);
            Assert.Throws<WrongKeyException>(() => Open(SymmetricKey.Generate()));
        }

        [Fact]
        public void ExportImportsIntoAnotherStoreOnceAndRejectsATruncatedFile()
        {
            var store = Open();
            store.AppendMany(Enumerable.Range(0, 6).Select(i => Samples.Make(i)).ToList());
            var path = Files.File("state.json");
            Assert.Equal(6, store.ExportState(path).Trajectories);

            var target = Track(OpenOtherBackend(null));
            Assert.Equal(6, target.ImportState(path).Imported);
            Assert.Equal(0, target.ImportState(path).Imported);
            Assert.True(target.Verify().IsValid);

            // The last record removed: every link still holds, only the declared head shows the loss.
            var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
            var records = document["trajectories"]!.AsArray();
            records.RemoveAt(records.Count - 1);
            var truncated = Files.File("truncated.json");
            File.WriteAllText(truncated, document.ToJsonString());
            var fresh = Track(OpenOtherBackend(null));
            var before = fresh.Count();
            var error = Assert.Throws<StoreException>(() => fresh.ImportState(truncated));
            Assert.Equal(StoreErrorIds.CorruptStore, error.ErrorId);
            Assert.Contains("removed from its end", error.Message);
            Assert.Equal(before, fresh.Count());
        }

        /// <inheritdoc />
        public void Dispose()
        {
            foreach (var store in _opened)
            {
                store.Dispose();
            }

            DisposeBackend();
            Files.Dispose();
            GC.SuppressFinalize(this);
        }

        /// <summary>Removes the backing stores.</summary>
        protected abstract void DisposeBackend();

        private TrajectoryStore Open(StoreKey? key = null) => Track(OpenBackend(key));

        private TrajectoryStore Track(TrajectoryStore store)
        {
            _opened.Add(store);
            return store;
        }
    }

    /// <summary>The contract on the SQLite backend (one file per machine).</summary>
    public sealed class SqliteBackendContractTests : TrajectoryBackendContract
    {
        private readonly TempDir _dir = new TempDir();

        protected override TrajectoryStore OpenBackend(StoreKey? key) => TrajectoryStore.Open(new StoreOptions { Path = _dir.Db, Key = key });

        protected override TrajectoryStore OpenOtherBackend(StoreKey? key) =>
            TrajectoryStore.Open(new StoreOptions { Path = _dir.File(Guid.NewGuid().ToString("N") + ".db"), Key = key });

        protected override void DisposeBackend() => _dir.Dispose();
    }
}

namespace NeuralTrader.Swarm.Tests.Store
{
    /// <summary>The contract on the PostgreSQL backend (one database shared by hosts), on a real cluster made for the run.</summary>
    public sealed class PostgresBackendContractTests : TrajectoryBackendContract, IClassFixture<PostgresCluster>
    {
        private readonly PostgresCluster _cluster;
        private readonly string _database;

        public PostgresBackendContractTests(PostgresCluster cluster)
        {
            _cluster = cluster;
            _database = cluster.NewDatabase();
        }

        protected override TrajectoryStore OpenBackend(StoreKey? key) => TrajectoryStore.Open(new StoreOptions { Path = _database, Key = key });

        protected override TrajectoryStore OpenOtherBackend(StoreKey? key) => TrajectoryStore.Open(new StoreOptions { Path = _cluster.NewDatabase(), Key = key });

        protected override void DisposeBackend()
        {
        }
    }
}
