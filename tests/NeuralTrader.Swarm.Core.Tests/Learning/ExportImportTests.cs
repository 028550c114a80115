using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class ExportImportTests
    {
        private static List<JsonNode> Trajectories(string json, bool dropChain)
        {
            var list = JsonNode.Parse(json)!["trajectories"]!.AsArray().Select(n => n!.DeepClone()).ToList();
            if (dropChain)
            {
                foreach (var node in list)
                {
                    node.AsObject().Remove("fingerprint");
                    node.AsObject().Remove("prevFingerprint");
                }
            }

            return list;
        }

        private static void Seed(TrajectoryStore store)
        {
            store.SaveStrategy(new StoredStrategy { Name = "mom", Type = "momentum", Symbols = new List<string> { "SPY" }, ParametersJson = "{\"lookback\":20}" });
            store.AppendMany(Enumerable.Range(0, 12).Select(i => Samples.Make(i, score: 0.1 * (i % 10), prediction: new Prediction { ExpectedScore = 0.4, Confidence = 0.2, Observations = i })).ToList());
        }

        [Theory]
        [InlineData("none")]
        [InlineData("symmetric")]
        [InlineData("hqc")]
        public void RoundTripIsLosslessAndReimportAddsNothing(string keyKind)
        {
            StoreKey? key = keyKind switch { "symmetric" => SymmetricKey.Generate(), "hqc" => HqcKeyPair.Generate(), _ => null };
            using var source = new TempDir();
            using var target = new TempDir();
            var exportA = source.File("a.json");
            var exportB = source.File("b.json");
            using (var store = source.Open(key))
            {
                Seed(store);
                Assert.Equal(12, store.ExportState(exportA, sections: store.Model().WriteExportSections).Trajectories);
            }

            var text = File.ReadAllText(exportA);
            var root = JsonNode.Parse(text)!;
            Assert.Equal(TrajectoryStore.ExportFormat, (string?)root["format"]);
            Assert.NotNull(root["exportedAt"]);
            Assert.NotNull(root["metrics"]);
            Assert.NotNull(root["patterns"]);
            Assert.Single(root["strategies"]!.AsArray());
            if (key != null)
            {
                Assert.DoesNotContain("secret critique", text);
                Assert.NotNull(root["trajectories"]![0]!["ciphertext"]);
            }

            using (var store = target.Open(key))
            {
                var result = store.ImportState(exportA);
                Assert.Equal(12, result.Imported);
                Assert.Equal(0, result.Skipped);
                Assert.Equal(1, result.StrategiesImported);
                Assert.True(store.Verify().IsValid);
                store.ExportState(exportB);

                var again = store.ImportState(exportA);
                Assert.Equal(0, again.Imported);
                Assert.Equal(12, again.Skipped);
                Assert.Equal(12, store.Count());
                Assert.Single(store.LoadStrategies());
                Assert.Equal("secret critique 3", store.Get("t-momentum-SPY-3")!.Trajectory!.Outcome.Critique);
            }

            var a = Trajectories(text, dropChain: true);
            var b = Trajectories(File.ReadAllText(exportB), dropChain: true);
            Assert.Equal(a.Count, b.Count);
            for (var i = 0; i < a.Count; i++)
            {
                Assert.True(JsonNode.DeepEquals(a[i], b[i]), a[i]!.ToJsonString() + "\n" + b[i]!.ToJsonString());
            }
        }

        [Fact]
        public void DecryptedExportNeedsTheKeyAndNeverContainsIt()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            var path = dir.File("plain.json");
            using (var store = dir.Open(key))
            {
                Seed(store);
                store.ExportState(path, decrypt: true);
                store.ExportState(dir.File("enc.json"));
            }

            foreach (var file in new[] { path, dir.File("enc.json") })
            {
                var text = File.ReadAllText(file);
                Assert.DoesNotContain(key.ExportBase64(), text);
                Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(key.ExportBase64())), text, StringComparison.OrdinalIgnoreCase);
            }

            Assert.Contains("secret critique 3", File.ReadAllText(path));
            using (var keyless = dir.Open())
            {
                var ex = Assert.Throws<StoreException>(() => keyless.ExportState(dir.File("x.json"), decrypt: true));
                Assert.Equal(StoreErrorIds.KeyRequired, ex.ErrorId);
            }

            // A decrypted export imports into a plaintext store and keeps the original fingerprints as an attribute.
            using var other = new TempDir();
            using var plain = other.Open();
            Assert.Equal(12, plain.ImportState(path).Imported);
            Assert.False(plain.IsEncrypted);
            Assert.True(plain.Verify().IsValid);
            var origin = JsonNode.Parse(File.ReadAllText(path))!["trajectories"]![0]!["originFingerprint"]!.GetValue<string>();
            var reexport = other.File("re.json");
            plain.ExportState(reexport);
            Assert.Equal(origin, JsonNode.Parse(File.ReadAllText(reexport))!["trajectories"]![0]!["originFingerprint"]!.GetValue<string>());
        }

        [Fact]
        public void ImportRefusesAnotherKeysRecordsAndAlteredFiles()
        {
            using var dir = new TempDir();
            var path = dir.File("a.json");
            using (var store = dir.Open(SymmetricKey.Generate()))
            {
                Seed(store);
                store.ExportState(path);
            }

            using var other = new TempDir();
            using (var store = other.Open(SymmetricKey.Generate()))
            {
                Assert.Throws<WrongKeyException>(() => store.ImportState(path));
                Assert.Equal(0, store.Count());
            }

            var node = JsonNode.Parse(File.ReadAllText(path))!;
            node["trajectories"]![2]!["score"] = 0.99;
            var altered = dir.File("altered.json");
            File.WriteAllText(altered, node.ToJsonString());
            using var third = new TempDir();
            using (var store = third.Open())
            {
                var ex = Assert.Throws<StoreException>(() => store.ImportState(altered));
                Assert.Equal(StoreErrorIds.CorruptStore, ex.ErrorId);
                Assert.Contains("t-momentum-SPY-2", ex.Message);
                Assert.Equal(0, store.Count());
            }

            var removed = JsonNode.Parse(File.ReadAllText(path))!;
            removed["trajectories"]!.AsArray().RemoveAt(4);
            File.WriteAllText(altered, removed.ToJsonString());
            using (var store = third.Open())
            {
                var ex = Assert.Throws<StoreException>(() => store.ImportState(altered));
                Assert.Contains("t-momentum-SPY-5", ex.Message);
            }
        }
    }
}
