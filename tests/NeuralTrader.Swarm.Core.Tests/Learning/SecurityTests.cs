using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class SecurityTests
    {
        [Fact]
        public void SymmetricStoreEncryptsPayloadsAndReadsThemBack()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using (var store = dir.Open(key))
            {
                store.AppendMany(Samples.Many(5));
                Assert.True(store.IsEncrypted);
                Assert.Equal(key.KeyId, store.KeyId);
            }

            // The payload on disk holds none of the plaintext.
            var raw = File.ReadAllBytes(dir.Db).Concat(File.Exists(dir.Db + "-wal") ? File.ReadAllBytes(dir.Db + "-wal") : Array.Empty<byte>()).ToArray();
            Assert.DoesNotContain("secret critique", Encoding.UTF8.GetString(raw));
            Assert.DoesNotContain("lookback", Encoding.UTF8.GetString(raw));
            Assert.Equal("1", Sqlite3.Run(dir.Db, "SELECT COUNT(DISTINCT substr(payload, 1, 12)) = COUNT(*) FROM trajectories;"));

            using (var store = dir.Open(SymmetricKey.FromBase64(key.ExportBase64())))
            {
                var t = store.Get("t-momentum-SPY-3")!;
                Assert.True(t.Encrypted);
                Assert.Equal("secret critique 3", t.Trajectory!.Outcome.Critique);
            }
        }

        [Fact]
        public void CiphertextIsBoundToTheRecordId()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using (var store = dir.Open(key))
            {
                store.AppendMany(Samples.Many(3));
            }

            Sqlite3.Run(dir.Db, "UPDATE trajectories SET payload = (SELECT payload FROM trajectories WHERE id = 't-momentum-SPY-0') WHERE id = 't-momentum-SPY-1';");
            using (var store = dir.Open(key))
            {
                var ex = Assert.Throws<WrongKeyException>(() => store.Get("t-momentum-SPY-1"));
                Assert.Equal(StoreErrorIds.WrongKey, ex.ErrorId);
                Assert.NotNull(store.Get("t-momentum-SPY-0")!.Trajectory);
            }
        }

        [Fact]
        public void WrongKeyIsAClearErrorAndLeavesTheFileUnchanged()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using (var store = dir.Open(key))
            {
                store.AppendMany(Samples.Many(5));
            }

            var before = Hash(dir.Db);
            var wrong = SymmetricKey.Generate();
            var ex = Assert.Throws<WrongKeyException>(() => dir.Open(wrong));
            Assert.Equal("WrongKey", ex.ErrorId);
            Assert.Contains(key.KeyId, ex.Message);
            Assert.DoesNotContain(wrong.ExportBase64(), ex.Message);
            Assert.DoesNotContain(key.ExportBase64(), ex.Message);
            Assert.Equal(before, Hash(dir.Db));
            Assert.Throws<WrongKeyException>(() => dir.Open(HqcKeyPair.Generate().PublicKey));
            Assert.Equal(before, Hash(dir.Db));

            using var ok = dir.Open(key);
            Assert.True(ok.Verify().IsValid);
            Assert.Equal(5, ok.Count());
        }

        [Fact]
        public void WithoutAKeyPlaintextColumnsListButPayloadsAndWritesNeedTheKey()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using (var store = dir.Open(key))
            {
                store.AppendMany(Samples.Many(4));
            }

            using var keyless = dir.Open();
            Assert.True(keyless.IsEncrypted);
            Assert.False(keyless.CanReadPayloads);
            var listed = keyless.Query(includePayload: false);
            Assert.Equal(4, listed.Count);
            Assert.All(listed, t => Assert.Null(t.Trajectory));
            Assert.Equal("SPY", listed[0].Symbol);
            var read = Assert.Throws<StoreException>(() => keyless.Query());
            Assert.Equal(StoreErrorIds.KeyRequired, read.ErrorId);
            var write = Assert.Throws<StoreException>(() => keyless.Append(Samples.Make(50)));
            Assert.Equal(StoreErrorIds.KeyRequired, write.ErrorId);
            Assert.True(keyless.Verify().IsValid);
            var stats = keyless.Model().GetStats();
            Assert.Equal(4, stats.TotalTrajectories);
            Assert.False(stats.PayloadsReadable);
        }

        [Fact]
        public void KeyIsNeverInToStringOrMessages()
        {
            var key = SymmetricKey.Generate();
            Assert.DoesNotContain(key.ExportBase64(), key.ToString());
            Assert.Contains(key.KeyId, key.ToString());
            var bad = Assert.Throws<StoreException>(() => SymmetricKey.FromBase64("not-base64-secret!!"));
            Assert.DoesNotContain("not-base64-secret", bad.Message);
            Assert.Throws<StoreException>(() => SymmetricKey.FromBytes(new byte[16]));
            Assert.NotEqual(SymmetricKey.Generate().KeyId, key.KeyId);
            Assert.Equal(key.KeyId, SymmetricKey.FromBase64(key.ExportBase64()).KeyId);
        }

        [Fact]
        public void HqcPublicKeyWriterCanAppendButOnlyThePrivateKeyReads()
        {
            using var dir = new TempDir();
            var pair = HqcKeyPair.Generate();
            var publicOnly = HqcPublicKey.FromBase64(pair.PublicKey.ExportBase64());
            Assert.Equal(pair.KeyId, publicOnly.KeyId);
            Assert.False(publicOnly.CanDecrypt);

            using (var writer = dir.Open(publicOnly))
            {
                writer.AppendMany(Samples.Many(6));
                writer.Append(Samples.Make(40));
                Assert.Equal(7, writer.Count());
                var ex = Assert.Throws<StoreException>(() => writer.Get("t-momentum-SPY-2"));
                Assert.Equal(StoreErrorIds.KeyRequired, ex.ErrorId);
                Assert.Contains("private key", ex.Message);
                Assert.True(writer.Verify().IsValid);
            }

            // A second writer session uses its own encapsulation.
            using (var writer2 = dir.Open(publicOnly))
            {
                writer2.Append(Samples.Make(41));
            }

            Assert.Equal("2", Sqlite3.Run(dir.Db, "SELECT COUNT(*) FROM kem_keys;"));
            using (var reader = dir.Open(pair))
            {
                var all = reader.Query();
                Assert.Equal(8, all.Count);
                Assert.All(all, t => Assert.StartsWith("secret critique", t.Trajectory!.Outcome.Critique));
                Assert.True(reader.Verify().IsValid);
            }

            var other = HqcKeyPair.Generate();
            Assert.Throws<WrongKeyException>(() => dir.Open(other));
        }

        [Fact]
        public void ProtectedPrivateKeyRoundTripsAndRejectsAWrongPassphrase()
        {
            var pair = HqcKeyPair.Generate();
            var document = pair.ExportProtected("correct horse battery staple".ToCharArray());
            Assert.Contains("PBKDF2-HMAC-SHA256", document);
            Assert.Contains("600000", document);
            Assert.DoesNotContain(pair.ToString().Split(' ').Last() + "x", document);

            var restored = HqcKeyPair.ImportProtected(document, "correct horse battery staple");
            Assert.Equal(pair.KeyId, restored.KeyId);
            Assert.True(restored.CanDecrypt);

            using var dir = new TempDir();
            using (var store = dir.Open(pair.PublicKey))
            {
                store.Append(Samples.Make(1));
            }

            using (var store = dir.Open(restored))
            {
                Assert.Equal("secret critique 1", store.Get("t-momentum-SPY-1")!.Trajectory!.Outcome.Critique);
            }

            var wrong = Assert.Throws<WrongKeyException>(() => HqcKeyPair.ImportProtected(document, "wrong passphrase"));
            Assert.Equal("WrongKey", wrong.ErrorId);
            Assert.DoesNotContain("wrong passphrase", wrong.Message);
            var tampered = document.Replace("\"keyId\": \"", "\"keyId\": \"0");
            Assert.Throws<StoreException>(() => HqcKeyPair.ImportProtected(tampered, "correct horse battery staple"));
        }

        private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
    }
}
