using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Tests.Learning;

namespace NeuralTrader.Swarm.Tests.Store
{
    /// <summary>
    /// What the links alone cannot show, the end of the chain: records removed from the end with the head rewritten
    /// to match, or the whole store emptied. With a symmetric key the head is signed, so both are caught; and a store
    /// that does not verify takes no more records. Tampering is done with the sqlite3 tool, as a tamperer would.
    /// </summary>
    public sealed class KeyedChainTests
    {
        private const string LastKept = "t-momentum-SPY-6";

        /// <summary>Removes the last three of ten records and rewrites the head to the seventh: every link still holds.</summary>
        private static void Truncate(string db) => Sqlite3.Run(db,
            "DELETE FROM trajectories WHERE seq > 7; " +
            $"UPDATE meta SET value = (SELECT hex(fingerprint) FROM trajectories WHERE id = '{LastKept}') WHERE key = 'chain_head'; " +
            "UPDATE meta SET value = '7' WHERE key = 'chain_count';");

        private static void Empty(string db) => Sqlite3.Run(db,
            "DELETE FROM trajectories; DELETE FROM kem_keys; " +
            "UPDATE meta SET value = '" + new string('0', 128) + "' WHERE key = 'chain_head'; UPDATE meta SET value = '0' WHERE key = 'chain_count';");

        private static TempDir Seeded(StoreKey? key)
        {
            var dir = new TempDir();
            using var store = dir.Open(key);
            store.AppendMany(Samples.Many(10));
            return dir;
        }

        [Fact]
        public void TruncationWithARewrittenHead_IsCaughtWithTheKey_AndRefusesAppends()
        {
            var key = SymmetricKey.Generate();
            using var dir = Seeded(key);
            Truncate(dir.Db);

            using (var keyless = dir.Open())
            {
                // Without the key only the links can be checked, and they hold: the documented limit of an unkeyed check.
                Assert.True(keyless.Verify().IsValid);
            }

            using var store = dir.Open(key);
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Contains("not signed by the store key", result.Problem);

            var refused = Assert.Throws<StoreException>(() => store.Append(Samples.Make(50)));
            Assert.Equal(StoreErrorIds.TamperedStore, refused.ErrorId);
            Assert.Contains(dir.Db, refused.Message);
            Assert.Equal(7, store.Count());
        }

        [Fact]
        public void TruncationWithTheSignatureRemoved_IsCaughtWithTheKey_AndRefusesAppends()
        {
            // Removing the signature and its flag too must not turn a signed store back into an unsigned one: the
            // records sealed under the key show that its writers signed the head, and an append would re-sign the cut.
            var key = SymmetricKey.Generate();
            using var dir = Seeded(key);
            Truncate(dir.Db);
            Sqlite3.Run(dir.Db, "DELETE FROM meta WHERE key IN ('chain_head_mac', 'chain_signed');");

            using var store = dir.Open(key);
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Contains("the signature was removed", result.Problem);
            var refused = Assert.Throws<StoreException>(() => store.Append(Samples.Make(50)));
            Assert.Equal(StoreErrorIds.TamperedStore, refused.ErrorId);
            Assert.Contains("holds records sealed under the store key", refused.Message);
            Assert.Equal(7, store.Count());
        }

        [Fact]
        public void APlaintextStoreThatTakesAKey_IsAppendedToAndSignedFromThen()
        {
            using var dir = Seeded(null);
            var key = SymmetricKey.Generate();
            using var store = dir.Open(key);
            Assert.True(store.Verify().IsValid); // its ten records stay in clear, unsigned, as written
            store.Append(Samples.Make(50));
            var result = store.Verify();
            Assert.True(result.IsValid, result.Problem);
            Assert.Equal(11, result.RecordsChecked);
            Assert.NotEmpty(Sqlite3.Run(dir.Db, "SELECT value FROM meta WHERE key = 'chain_head_mac';").Trim());
        }

        [Fact]
        public void AnEmptiedStore_IsCaughtWithTheKey_AndRefusesAppends()
        {
            var key = SymmetricKey.Generate();
            using var dir = Seeded(key);
            Empty(dir.Db);

            using var store = dir.Open(key);
            Assert.False(store.Verify().IsValid);
            Assert.Equal(StoreErrorIds.TamperedStore, Assert.Throws<StoreException>(() => store.Append(Samples.Make(50))).ErrorId);
            Assert.Equal(0, store.Count());
        }

        [Fact]
        public void RecordsRemovedFromTheEndWithoutTheHead_RefuseAppends_EvenInAPlaintextStore()
        {
            using var dir = Seeded(null);
            Sqlite3.Run(dir.Db, "DELETE FROM trajectories WHERE seq > 8;");
            using var store = dir.Open();
            Assert.False(store.Verify().IsValid);
            var refused = Assert.Throws<StoreException>(() => store.AppendMany(Samples.Many(2, offset: 100)));
            Assert.Equal(StoreErrorIds.TamperedStore, refused.ErrorId);
            Assert.Contains("head does not match its last record", refused.Message);
            Assert.Equal(8, store.Count());
        }

        [Fact]
        public void AnImportIntoATamperedStore_IsRefused()
        {
            var key = SymmetricKey.Generate();
            using var source = Seeded(key);
            var export = source.File("state.json");
            using (var store = source.Open(key))
                store.ExportState(export);

            using var target = Seeded(key);
            Truncate(target.Db);
            using var tampered = target.Open(key);
            Assert.Equal(StoreErrorIds.TamperedStore, Assert.Throws<StoreException>(() => tampered.ImportState(export)).ErrorId);
            Assert.Equal(7, tampered.Count());
        }

        [Fact]
        public void ResetAndAppendsWithTheKey_KeepTheHeadSigned()
        {
            var key = SymmetricKey.Generate();
            using var dir = Seeded(key);
            using var store = dir.Open(key);
            Assert.Equal(10, store.Reset());
            Assert.True(store.Verify().IsValid);
            store.AppendMany(Samples.Many(3, offset: 20));
            var result = store.Verify();
            Assert.True(result.IsValid, result.Problem);
            Assert.Equal(3, result.RecordsChecked);
            Assert.NotEmpty(Sqlite3.Run(dir.Db, "SELECT value FROM meta WHERE key = 'chain_head_mac';").Trim());
        }

        [Fact]
        public void AnHqcStore_CannotSignItsHead_SoTruncationShowsOnlyAsDocumented()
        {
            // Its writers hold just the public key, which anyone may have: a signature under it would prove nothing.
            var key = HqcKeyPair.Generate();
            using var dir = Seeded(key);
            Truncate(dir.Db);
            using var store = dir.Open(key);
            Assert.True(store.Verify().IsValid);
        }

        [Fact]
        public void APayloadColumnTurnedIntoText_IsReadAndVerified_NotACastFailure()
        {
            using var dir = Seeded(null);
            Sqlite3.Run(dir.Db, "UPDATE trajectories SET payload = CAST(payload AS TEXT) WHERE id = 't-momentum-SPY-4';");
            Assert.Equal("text", Sqlite3.Run(dir.Db, "SELECT typeof(payload) FROM trajectories WHERE id = 't-momentum-SPY-4';").Trim());
            using var store = dir.Open();
            Assert.True(store.Verify().IsValid); // the same bytes, stored as text
            Assert.Equal("momentum", store.Get("t-momentum-SPY-4")!.Trajectory!.StrategyName);

            Sqlite3.Run(dir.Db, "UPDATE trajectories SET payload = 'not the payload' WHERE id = 't-momentum-SPY-5';");
            var result = store.Verify();
            Assert.False(result.IsValid);
            Assert.Equal("t-momentum-SPY-5", result.FirstBadRecordId);
        }

        [Fact]
        public void Huge_free_text_is_cut_so_a_payload_stays_small()
        {
            using var dir = new TempDir();
            using var store = dir.Open();
            var trajectory = Samples.Make(1);
            trajectory.Task = new string('x', 5_000_000);
            trajectory.Outcome!.Error = new string('e', 5_000_000);
            store.Append(trajectory);

            var read = store.Get(trajectory.Id)!.Trajectory!;
            Assert.True(read.Task.Length < 4200, read.Task.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.EndsWith("[cut: 5000000 characters]", read.Task);
            Assert.True(read.Outcome!.Error!.Length < 4200);
            Assert.True(new System.IO.FileInfo(dir.Db).Length < 1_000_000);
            Assert.True(store.Verify().IsValid);
        }
    }
}
