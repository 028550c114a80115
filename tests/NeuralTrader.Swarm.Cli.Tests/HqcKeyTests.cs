using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Cli.Tests
{
    public sealed class HqcKeyTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public HqcKeyTests(TempFolder temp) => _temp = temp;

        [Fact]
        public void PublicKeyWriters_AndKeyFileReaders_ShareAnEncryptedStore()
        {
            const string passphrase = "correct horse battery staple";
            var pair = HqcKeyPair.Generate();
            var keyFile = _temp.File("swarm.key");
            File.WriteAllText(keyFile, pair.ExportProtected(passphrase));
            var publicKey = pair.PublicKey.ExportBase64();
            var store = _temp.File("hqc.db");
            var outputs = new List<CliResult>();

            // A writer with only the public key appends encrypted trajectories.
            var writer = CliRunner.Run(new Dictionary<string, string?> { ["NEURALTRADER_PUBLIC_KEY"] = publicKey },
                "deploy", "-s", "momentum", "--symbols", "SPY", "--isolation", "process", "--store", store, "--encryption-key");
            outputs.Add(writer);
            Assert.True(writer.ExitCode == 0, writer.ToString());

            var reader = new Dictionary<string, string?> { ["NEURALTRADER_KEY_FILE"] = keyFile, ["NEURALTRADER_KEY_PASSPHRASE"] = passphrase };
            var status = CliRunner.Run(reader, "status", "--learning", "--store", store, "--json");
            outputs.Add(status);
            Assert.True(status.ExitCode == 0, status.ToString());
            using (var document = JsonDocument.Parse(status.Stdout))
            {
                Assert.True(document.RootElement.GetProperty("encrypted").GetBoolean());
                Assert.True(document.RootElement.GetProperty("payloadsReadable").GetBoolean());
                Assert.Equal(1, document.RootElement.GetProperty("learning").GetProperty("totalTrajectories").GetInt32());
            }

            var suggestion = CliRunner.Run(reader, "patterns", "-t", "momentum on SPY", "--store", store);
            outputs.Add(suggestion);
            Assert.True(suggestion.ExitCode == 0, suggestion.ToString());
            Assert.Contains("Observations:          1", suggestion.Stdout);

            var wrong = CliRunner.Run(new Dictionary<string, string?> { ["NEURALTRADER_KEY_FILE"] = keyFile, ["NEURALTRADER_KEY_PASSPHRASE"] = "wrong" },
                "patterns", "-t", "momentum on SPY", "--store", store);
            outputs.Add(wrong);
            Assert.Equal(2, wrong.ExitCode);

            foreach (var output in outputs)
            {
                Assert.DoesNotContain(passphrase, output.All);
                Assert.DoesNotContain(publicKey, output.All);
            }
        }
    }
}
