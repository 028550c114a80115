using System.Linq;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class ChainTests
    {
        private static TempDir Seeded(StoreKey? key = null, int count = 10)
        {
            var dir = new TempDir();
            using var store = dir.Open(key);
            store.AppendMany(Samples.Many(count));
            Assert.True(store.Verify().IsValid);
            return dir;
        }

        [Fact]
        public void IntactChainVerifies()
        {
            using var dir = Seeded();
            using var store = dir.Open();
            var result = store.Verify();
            Assert.True(result.IsValid);
            Assert.Equal(10, result.RecordsChecked);
            Assert.Null(result.FirstBadRecordId);
        }

        [Fact]
        public void UpdatedScoreIsDetectedAtThatRecord()
        {
            using var dir = Seeded();
            Sqlite3.Run(dir.Db, "UPDATE trajectories SET score = 0.99 WHERE id = 't-momentum-SPY-4';");
            using var store = dir.Open();
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("t-momentum-SPY-4", result.FirstBadRecordId);
            Assert.Contains("modified", result.Problem);
        }

        [Fact]
        public void EditedCiphertextIsDetectedWithoutTheKey()
        {
            var key = SymmetricKey.Generate();
            using var dir = Seeded(key);
            Sqlite3.Run(dir.Db, "UPDATE trajectories SET payload = zeroblob(length(payload)) WHERE id = 't-momentum-SPY-6';");
            using var store = dir.Open();
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("t-momentum-SPY-6", result.FirstBadRecordId);
        }

        [Fact]
        public void DeletedRowIsDetectedAtTheRecordAfterIt()
        {
            using var dir = Seeded();
            Sqlite3.Run(dir.Db, "DELETE FROM trajectories WHERE id = 't-momentum-SPY-3';");
            using var store = dir.Open();
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("t-momentum-SPY-4", result.FirstBadRecordId);
            Assert.Contains("deleted", result.Problem);
        }

        [Fact]
        public void DeletedLastRowIsDetectedByTheHead()
        {
            using var dir = Seeded();
            Sqlite3.Run(dir.Db, "DELETE FROM trajectories WHERE id = 't-momentum-SPY-9';");
            using var store = dir.Open();
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("t-momentum-SPY-8", result.FirstBadRecordId);
            Assert.Contains("head", result.Problem);
        }

        [Fact]
        public void ReorderedRowsAreDetected()
        {
            using var dir = Seeded();
            Sqlite3.Run(dir.Db, "UPDATE trajectories SET seq = -1 WHERE seq = 3; UPDATE trajectories SET seq = 3 WHERE seq = 4; UPDATE trajectories SET seq = 4 WHERE seq = -1;");
            using var store = dir.Open();
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("t-momentum-SPY-3", result.FirstBadRecordId);
        }

        [Fact]
        public void InsertedRowIsDetected()
        {
            using var dir = Seeded();
            Sqlite3.Run(dir.Db, "INSERT INTO trajectories(seq, id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, payload, prev_fingerprint, fingerprint) " +
                "SELECT 100, 'forged', started_at, completed_at, strategy, symbol, 1, 1.0, duration_ms, enc, payload, fingerprint, fingerprint FROM trajectories WHERE seq = 10;");
            using var store = dir.Open();
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("forged", result.FirstBadRecordId);
        }

        [Fact]
        public void ChainContinuesAcrossReopens()
        {
            using var dir = Seeded();
            using (var store = dir.Open())
            {
                store.AppendMany(Samples.Many(5, 100));
            }

            using (var store = dir.Open())
            {
                var result = store.Verify();
                Assert.True(result.IsValid, result.Problem);
                Assert.Equal(15, result.RecordsChecked);
                var fingerprints = store.Query().Select(t => t.Fingerprint).ToList();
                Assert.Equal(15, fingerprints.Distinct().Count());
                Assert.All(fingerprints, f => Assert.Equal(128, f.Length));
            }
        }
    }
}
