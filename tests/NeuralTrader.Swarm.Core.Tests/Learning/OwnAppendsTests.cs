using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    /// <summary>
    /// The learning index takes a store's own appends from memory instead of decrypting them back; what it learns must
    /// be exactly what an instance that decrypts every row learns (real SQLite file, AES-256-GCM).
    /// </summary>
    public sealed class OwnAppendsTests
    {
        private static readonly ParameterSpace Space = new ParameterSpace(new[]
        {
            new ParameterDimension("lookback", ParameterKind.Integer, 5, 60, 20),
            new ParameterDimension("threshold", ParameterKind.Number, 0, 0.05, 0),
        });

        [Fact]
        public void An_instance_that_appended_learns_what_a_fresh_instance_reads_back()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            var query = new Dictionary<string, double> { ["lookback"] = 25, ["threshold"] = 0.02 };
            string statsBefore, patternsBefore;
            Prediction before;
            using (var writer = dir.Open(key))
            {
                writer.Model().Predict("momentum", "SPY", query, Space); // the index is in use from here on
                for (int batch = 0; batch < 4; batch++)
                {
                    writer.AppendMany(Enumerable.Range(batch * 30, 30).Select(i => Samples.Make(i,
                        symbol: i % 3 == 0 ? "QQQ" : "SPY",
                        status: i % 7 == 0 ? ExecutionStatus.Failed : ExecutionStatus.Succeeded,
                        trend: i % 2 == 0 ? "up" : "down",
                        prediction: i % 4 == 0 ? new Prediction { ExpectedScore = 0.4, Confidence = 0.3, Observations = i } : null)).ToList());
                    writer.Model().Predict("momentum", "SPY", query, Space);
                }
                // Ids already stored are skipped, and must not linger as if they were new.
                Assert.Equal(0, writer.AppendMany(Enumerable.Range(0, 30).Select(i => Samples.Make(i, symbol: i % 3 == 0 ? "QQQ" : "SPY")).ToList()));

                before = writer.Model().Predict("momentum", "SPY", query, Space);
                statsBefore = JsonSerializer.Serialize(writer.Model().GetStats());
                patternsBefore = JsonSerializer.Serialize(writer.Model().GetPatterns().OrderBy(p => p.Id).ToList());
            }

            using var reader = dir.Open(key);
            var after = reader.Model().Predict("momentum", "SPY", query, Space);
            Assert.Equal(before.ExpectedScore, after.ExpectedScore, 12);
            Assert.Equal(before.Confidence, after.Confidence, 12);
            Assert.Equal(before.Observations, after.Observations);
            Assert.Equal(statsBefore, JsonSerializer.Serialize(reader.Model().GetStats()));
            Assert.Equal(patternsBefore, JsonSerializer.Serialize(reader.Model().GetPatterns().OrderBy(p => p.Id).ToList()));
        }
    }
}
