using System.IO;
using System.Text.Json;

namespace NeuralTrader.Swarm.Cli.Tests
{
    public sealed class EncryptionTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public EncryptionTests(TempFolder temp) => _temp = temp;

        [Fact]
        public void Deploy_EncryptsWithTheKeyFromTheEnvironment_AndStatusShowsTheTrajectories()
        {
            var key = CliRunner.NewKey();
            var env = CliRunner.WithKey(key);
            var store = _temp.File("encrypted.db");
            var outputs = new System.Collections.Generic.List<CliResult>();

            var deploy = CliRunner.Run(env, "deploy", "-s", "momentum", "-a", "2", "--symbols", "SPY,TSLA", "--isolation", "process",
                "--store", store, "--encryption-key");
            outputs.Add(deploy);
            Assert.True(deploy.ExitCode == 0, deploy.ToString());
            Assert.Contains("encrypted, key id", deploy.Stderr);

            var status = CliRunner.Run(env, "status", "--learning", "--store", store, "--json");
            outputs.Add(status);
            Assert.True(status.ExitCode == 0, status.ToString());
            using (var document = JsonDocument.Parse(status.Stdout))
            {
                var root = document.RootElement;
                Assert.True(root.GetProperty("encrypted").GetBoolean());
                Assert.True(root.GetProperty("payloadsReadable").GetBoolean());
                Assert.True(root.GetProperty("chainValid").GetBoolean());
                var learning = root.GetProperty("learning");
                Assert.Equal(2, learning.GetProperty("totalTrajectories").GetInt32());
                Assert.Equal(2, learning.GetProperty("predictionsMade").GetInt32());
                var momentum = Assert.Single(learning.GetProperty("byStrategy").EnumerateArray());
                Assert.Equal("momentum", momentum.GetProperty("strategy").GetString());
            }

            // Without the key the plaintext columns still give the counts; the payloads are reported unreadable.
            var noKey = CliRunner.Run("status", "--learning", "--store", store);
            outputs.Add(noKey);
            Assert.True(noKey.ExitCode == 0, noKey.ToString());
            Assert.Contains("not readable without the key", noKey.Stdout);

            // A second deploy into the encrypted store without the key cannot append: a clear usage error.
            var refused = CliRunner.Run("deploy", "-s", "momentum", "--isolation", "process", "--store", store);
            outputs.Add(refused);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains(CliRunner.KeyVariable, refused.Stderr);

            // A different key is refused by id, without showing either key.
            var wrong = CliRunner.Run(CliRunner.WithKey(CliRunner.NewKey()), "deploy", "-s", "momentum", "--isolation", "process", "--store", store);
            outputs.Add(wrong);
            Assert.Equal(2, wrong.ExitCode);
            Assert.Contains("does not match", wrong.Stderr);

            var export = CliRunner.Run(env, "export", "-o", _temp.File("plain.json"), "--decrypt", "--store", store);
            outputs.Add(export);
            Assert.True(export.ExitCode == 0, export.ToString());

            foreach (var output in outputs)
                Assert.DoesNotContain(key, output.All);
            Assert.DoesNotContain(key, File.ReadAllText(_temp.File("plain.json")));
        }

        [Fact]
        public void EncryptionKey_RequiresTheKey_AndNeverTakesOneAsAnArgument()
        {
            var missing = CliRunner.Run("deploy", "-s", "momentum", "--isolation", "process", "--store", _temp.File("nokey.db"), "--encryption-key");
            Assert.Equal(2, missing.ExitCode);
            Assert.Contains(CliRunner.KeyVariable, missing.Stderr);
            Assert.False(File.Exists(_temp.File("nokey.db")));

            var secret = CliRunner.NewKey();
            foreach (var args in new[]
            {
                new[] { "deploy", "-s", "momentum", "--encryption-key", secret },
                new[] { "deploy", "-s", "momentum", "--encryption-key=" + secret },
                new[] { "benchmark", "--encryption-key", secret },
            })
            {
                var r = CliRunner.Run(args);
                Assert.Equal(2, r.ExitCode);
                Assert.Contains("--encryption-key takes no value", r.Stderr);
                Assert.DoesNotContain(secret, r.All);
            }

            var invalid = CliRunner.Run(CliRunner.WithKey("not-a-key"), "deploy", "-s", "momentum", "--isolation", "process",
                "--store", _temp.File("invalid.db"), "--encryption-key");
            Assert.Equal(2, invalid.ExitCode);
            Assert.Contains("not valid base64", invalid.Stderr);
            Assert.DoesNotContain("not-a-key", invalid.All);
        }
    }
}
