using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>A plain store with a few deployments of momentum and mean-reversion, for status, patterns and export.</summary>
    public sealed class LearnedStore : IDisposable
    {
        public LearnedStore()
        {
            Store = Temp.File("learned.db");
            foreach (var (strategy, symbols, task) in new[]
            {
                ("momentum", "SPY,SPY,SPY,QQQ,QQQ,QQQ", "trend following on large caps"),
                ("mean-reversion", "IWM,IWM,IWM", "buy the dip in small caps"),
            })
            {
                var r = CliRunner.Run("deploy", "-s", strategy, "--symbols", symbols, "--max-agents", "2", "--task", task,
                    "--isolation", "process", "--store", Store);
                if (r.ExitCode != 0)
                    throw new InvalidOperationException("Setting up the store failed: " + r);
            }
        }

        public TempFolder Temp { get; } = new TempFolder();

        public string Store { get; }

        public const int Trajectories = 9;

        public void Dispose() => Temp.Dispose();
    }

    public sealed class LearningTests : IClassFixture<LearnedStore>
    {
        private readonly LearnedStore _learned;

        public LearningTests(LearnedStore learned) => _learned = learned;

        [Fact]
        public void Status_WithLearningAndPatterns_ShowsTheStatistics()
        {
            var text = CliRunner.Run("status", "--learning", "--patterns", "--store", _learned.Store);
            Assert.True(text.ExitCode == 0, text.ToString());
            Assert.Contains("Trajectories:  " + LearnedStore.Trajectories, text.Stdout);
            Assert.Contains("Chain:         valid", text.Stdout);
            foreach (var column in new[] { "TotalTrajectories", "AvgSuccessRate", "ImprovementRate", "PredictionsMade", "PredictionAccuracy" })
                Assert.Contains(column, text.Stdout);
            Assert.Contains("mean-reversion", text.Stdout);
            Assert.Contains("Patterns:", text.Stdout);

            var json = CliRunner.Run("status", "--learning", "--patterns", "--store", _learned.Store, "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            using var document = JsonDocument.Parse(json.Stdout);
            var learning = document.RootElement.GetProperty("learning");
            Assert.Equal(LearnedStore.Trajectories, learning.GetProperty("totalTrajectories").GetInt32());
            Assert.Equal(new[] { "mean-reversion", "momentum" },
                learning.GetProperty("byStrategy").EnumerateArray().Select(s => s.GetProperty("strategy").GetString()).ToArray());
            Assert.Equal(JsonValueKind.Array, document.RootElement.GetProperty("patterns").ValueKind);
        }

        [Fact]
        public void Status_OfAMissingStore_DoesNotCreateIt()
        {
            var path = Path.Combine(_learned.Temp.Path, "missing.db");
            var r = CliRunner.Run("status", "--store", path);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("not created yet", r.Stdout);
            Assert.False(File.Exists(path));
        }

        [Fact]
        public void Patterns_Task_NamingStrategyAndSymbol_PrintsASuggestion()
        {
            var r = CliRunner.Run("patterns", "-t", "momentum on SPY", "--store", _learned.Store);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("momentum on SPY (the task names the strategy; the task names the symbol)", r.Stdout);
            foreach (var field in new[] { "Confidence:", "ExpectedSuccessRate:", "RecommendedParameters: ", "Reasoning:" })
                Assert.Contains(field, r.Stdout);
            Assert.Contains("lookback=", r.Stdout);
        }

        [Fact]
        public void Patterns_Task_NamingNothing_UsesTheMostSimilarTrajectories()
        {
            var r = CliRunner.Run("patterns", "-t", "small caps dip", "--store", _learned.Store, "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var document = JsonDocument.Parse(r.Stdout);
            var root = document.RootElement;
            Assert.Equal("mean-reversion", root.GetProperty("strategy").GetString());
            Assert.Equal("IWM", root.GetProperty("symbol").GetString());
            Assert.Contains("similar past trajectories", root.GetProperty("chosenBecause").GetString());
            var suggestion = root.GetProperty("suggestion");
            Assert.Equal(3, suggestion.GetProperty("observations").GetInt32());
            Assert.InRange(suggestion.GetProperty("confidence").GetDouble(), 0, 1);
            Assert.True(suggestion.GetProperty("recommendedParameters").EnumerateObject().Any());
            Assert.False(string.IsNullOrWhiteSpace(suggestion.GetProperty("reasoning").GetString()));
        }

        [Fact]
        public void Patterns_Task_WithNothingToGoOn_IsAUsageError()
        {
            var r = CliRunner.Run("patterns", "-t", "zzz qqqq", "--store", _learned.Store);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("names no strategy", r.Stderr);
        }

        [Fact]
        public void Patterns_List_IsJsonOrATable()
        {
            // Low bars so the few runs here produce patterns.
            var json = CliRunner.Run("patterns", "--store", _learned.Store, "--min-observations", "1", "--min-confidence", "0", "--json");
            Assert.True(json.ExitCode == 0, json.ToString());
            using var document = JsonDocument.Parse(json.Stdout);
            Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
            foreach (var p in document.RootElement.EnumerateArray())
            {
                Assert.InRange(p.GetProperty("confidence").GetDouble(), 0, 1);
                // The original design's field names.
                Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("name").GetString()));
                Assert.True(p.TryGetProperty("operationSequence", out _));
            }

            var filtered = CliRunner.Run("patterns", "--store", _learned.Store, "--strategy", "momentum", "--min-observations", "1", "--min-confidence", "0", "--json");
            using var only = JsonDocument.Parse(filtered.Stdout);
            Assert.All(only.RootElement.EnumerateArray(), p => Assert.Equal("momentum", p.GetProperty("strategy").GetString()));

            var table = CliRunner.Run("patterns", "--store", _learned.Store);
            Assert.True(table.ExitCode == 0, table.ToString());
        }

        [Fact]
        public void Export_WithoutAFileName_WritesATimestampedFileInTheCurrentFolder()
        {
            var folder = Directory.CreateDirectory(Path.Combine(_learned.Temp.Path, "bare-export")).FullName;
            var export = CliRunner.RunIn(folder, null, "export", "--store", _learned.Store);
            Assert.True(export.ExitCode == 0, export.ToString());
            var file = Assert.Single(Directory.GetFiles(folder));
            Assert.Matches(@"^swarm-state-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$", Path.GetFileName(file));
            Assert.Contains(file, export.Stdout);
            using var state = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(LearnedStore.Trajectories, state.RootElement.GetProperty("trajectories").GetArrayLength());
        }

        [Fact]
        public void ExportImport_RoundTrip_IsLossless_AndMergesWithoutDuplicates()
        {
            var file = Path.Combine(_learned.Temp.Path, "state.json");
            var export = CliRunner.Run("export", "-o", file, "--store", _learned.Store, "--json");
            Assert.True(export.ExitCode == 0, export.ToString());
            using (var summary = JsonDocument.Parse(export.Stdout))
                Assert.Equal(LearnedStore.Trajectories, summary.RootElement.GetProperty("trajectories").GetInt32());
            using (var state = JsonDocument.Parse(File.ReadAllText(file)))
                Assert.Equal(LearnedStore.Trajectories, state.RootElement.GetProperty("trajectories").GetArrayLength());

            var copy = Path.Combine(_learned.Temp.Path, "copy.db");
            var first = CliRunner.Run("import", "-i", file, "--store", copy, "--json");
            Assert.True(first.ExitCode == 0, first.ToString());
            using (var result = JsonDocument.Parse(first.Stdout))
            {
                Assert.Equal(LearnedStore.Trajectories, result.RootElement.GetProperty("imported").GetInt32());
                Assert.Equal(0, result.RootElement.GetProperty("skipped").GetInt32());
            }
            var again = CliRunner.Run("import", "-i", file, "--store", copy);
            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Contains($"Imported 0 trajectories ({LearnedStore.Trajectories} already there)", again.Stdout);

            // Exporting the copy gives the same trajectories.
            var file2 = Path.Combine(_learned.Temp.Path, "state2.json");
            Assert.Equal(0, CliRunner.Run("export", "-o", file2, "--store", copy).ExitCode);
            using var a = JsonDocument.Parse(File.ReadAllText(file));
            using var b = JsonDocument.Parse(File.ReadAllText(file2));
            string Ids(JsonDocument d) => string.Join(",", d.RootElement.GetProperty("trajectories").EnumerateArray()
                .Select(t => t.GetProperty("id").GetString()).OrderBy(s => s, StringComparer.Ordinal));
            Assert.Equal(Ids(a), Ids(b));

            var status = CliRunner.Run("status", "--store", copy, "--learning", "--json");
            using var s = JsonDocument.Parse(status.Stdout);
            Assert.Equal(LearnedStore.Trajectories, s.RootElement.GetProperty("trajectories").GetInt64());
            Assert.True(s.RootElement.GetProperty("chainValid").GetBoolean());
        }

        [Fact]
        public void Deploy_AutoOptimize_RecordsWhetherItUsedTheSuggestion()
        {
            var copy = Path.Combine(_learned.Temp.Path, "auto.db");
            File.Copy(_learned.Store, copy);
            var r = CliRunner.Run("deploy", "-s", "momentum", "--symbols", "SPY", "--auto-optimize", "--isolation", "process", "--store", copy, "--json");
            Assert.True(r.ExitCode == 0, r.ToString());
            using var document = JsonDocument.Parse(r.Stdout);
            var result = Assert.Single(document.RootElement.EnumerateArray());
            Assert.Contains(result.GetProperty("usedSuggestion").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
            Assert.False(string.IsNullOrEmpty(result.GetProperty("trajectoryId").GetString()));

            var off = CliRunner.Run("deploy", "-s", "momentum", "--auto-optimize", "--learning", "false", "--isolation", "process");
            Assert.Equal(2, off.ExitCode);
            Assert.Contains("--auto-optimize", off.Stderr);
        }

        [Fact]
        public void Import_OfAMissingFile_IsAUsageError()
        {
            var r = CliRunner.Run("import", "-i", Path.Combine(_learned.Temp.Path, "nope.json"), "--store", _learned.Store);
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("deploy-swarm: There is no export file", r.Stderr);
        }
    }
}
