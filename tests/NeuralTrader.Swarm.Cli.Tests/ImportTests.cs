using System.IO;
using System.Linq;

namespace NeuralTrader.Swarm.Cli.Tests
{
    public sealed class ImportTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public ImportTests(TempFolder temp) => _temp = temp;

        [Fact]
        public void A_bad_export_is_refused_before_the_store_is_opened_and_leaves_no_store_behind()
        {
            // A real export with its last record removed: every link holds, only the declared head shows the loss.
            var source = _temp.File("source.db");
            Assert.Equal(0, CliRunner.Run("deploy", "-s", "momentum", "-a", "2", "--symbols", "SPY", "--isolation", "process", "--store", source).ExitCode);
            var export = _temp.File("state.json");
            Assert.Equal(0, CliRunner.Run("export", "-o", export, "--store", source).ExitCode);
            var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(export))!;
            var records = document["trajectories"]!.AsArray();
            records.RemoveAt(records.Count - 1);
            File.WriteAllText(export, document.ToJsonString());

            var target = Path.Combine(_temp.Path, "fresh", "swarm.db");
            var r = CliRunner.Run("import", "-i", export, "--store", target);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("removed from its end", r.Stderr);
            Assert.False(Directory.Exists(Path.GetDirectoryName(target)) && Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(target)!).Any(), "the failed import left a store behind");
        }
    }
}
