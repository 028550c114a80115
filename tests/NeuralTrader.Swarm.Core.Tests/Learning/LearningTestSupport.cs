using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    /// <summary>A temporary directory holding store files; deleted on dispose.</summary>
    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nts-learning-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public string Db => File("swarm.db");

        public TrajectoryStore Open(StoreKey? key = null, int seed = 1)
        {
            var store = TrajectoryStore.Open(new StoreOptions { Path = Db, Key = key });
            StoreModels.Attach(store, seed);
            return store;
        }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The learning model of a store opened by a test (one per store, as a coordinator keeps one).</summary>
    internal static class StoreModels
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TrajectoryStore, LearningModel> Models =
            new System.Runtime.CompilerServices.ConditionalWeakTable<TrajectoryStore, LearningModel>();

        public static void Attach(TrajectoryStore store, int seed) => Models.Add(store, new LearningModel(store, seed));

        public static LearningModel Model(this TrajectoryStore store) => Models.GetValue(store, s => new LearningModel(s));
    }

    internal static class Samples
    {
        private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 1, 5, 14, 30, 0, TimeSpan.Zero);

        public static Trajectory Make(
            int i,
            string strategy = "momentum",
            string symbol = "SPY",
            double? score = null,
            Dictionary<string, double>? parameters = null,
            ExecutionStatus status = ExecutionStatus.Succeeded,
            int swarmSize = 4,
            string? task = null,
            string trend = "up",
            Prediction? prediction = null)
        {
            var s = score ?? ((i % 10) / 10.0);
            return new Trajectory
            {
                Id = "t-" + strategy + "-" + symbol + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                StartedAt = Start.AddMinutes(i),
                CompletedAt = Start.AddMinutes(i).AddMilliseconds(1200 + (i % 50)),
                Task = task ?? ("backtest " + strategy + " on " + symbol),
                StrategyName = strategy,
                StrategyType = "momentum",
                Symbol = symbol,
                Parameters = parameters ?? new Dictionary<string, double> { ["lookback"] = 10 + (i % 30), ["threshold"] = 0.01 * (i % 5) },
                Context = new MarketContext { Trend = trend, Volatility = "normal", TrendReturn = 0.12, AnnualizedVolatility = 0.17, Bars = 252 },
                Operations = new List<OperationStep>
                {
                    new OperationStep { Name = "resolve-image", DurationMs = 1 },
                    new OperationStep { Name = "create-sandbox", DurationMs = 40 },
                    new OperationStep { Name = "load-data", DurationMs = 5 },
                    new OperationStep { Name = "run", DurationMs = 900, Ok = status == ExecutionStatus.Succeeded },
                    new OperationStep { Name = "collect", DurationMs = 2 },
                    new OperationStep { Name = "cleanup", DurationMs = 8 },
                },
                Prediction = prediction,
                Outcome = new Outcome
                {
                    Status = status,
                    Success = status == ExecutionStatus.Succeeded,
                    Score = status == ExecutionStatus.Succeeded ? s : 0,
                    Metrics = new Dictionary<string, double> { ["totalReturn"] = 0.1, ["sharpe"] = 1.1, ["maxDrawdown"] = 0.08 },
                    Critique = "secret critique " + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                SwarmSize = swarmSize,
            };
        }

        public static IReadOnlyList<Trajectory> Many(int count, int offset = 0) => Enumerable.Range(offset, count).Select(i => Make(i)).ToList();
    }

    internal static class Sqlite3
    {
        /// <summary>Runs the sqlite3 command-line tool against a database (the way a tamperer would).</summary>
        public static string Run(string db, string sql)
        {
            var psi = new ProcessStartInfo("sqlite3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(db);
            psi.ArgumentList.Add(sql);
            using var process = Process.Start(psi)!;
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("sqlite3 failed: " + error);
            }

            return output.Trim();
        }
    }
}
