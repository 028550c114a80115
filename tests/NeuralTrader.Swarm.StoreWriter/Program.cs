using System;
using System.Collections.Generic;
using System.Globalization;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.StoreWriter
{
    /// <summary>
    /// Usage: StoreWriter --path FILE --writer NAME --count N [--batch B] [--key symmetric|hqc-public]
    /// The key (base64) is read from the first stdin line when --key is given. Prints "committed N" after each commit.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            string? path = null, writer = "w", keyKind = null;
            int count = 100, batch = 1;
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--path": path = args[i + 1]; break;
                    case "--writer": writer = args[i + 1]; break;
                    case "--count": count = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--batch": batch = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                    case "--key": keyKind = args[i + 1]; break;
                    default: Console.Error.WriteLine("unknown argument " + args[i]); return 2;
                }
            }

            StoreKey? key = null;
            if (keyKind != null)
            {
                var line = Console.In.ReadLine() ?? string.Empty;
                key = keyKind == "hqc-public" ? HqcPublicKey.FromBase64(line.Trim()) : SymmetricKey.FromBase64(line.Trim());
            }

            try
            {
                using (var store = TrajectoryStore.Open(new StoreOptions { Path = path, Key = key, BusyTimeout = TimeSpan.FromSeconds(60) }))
                {
                    Console.Out.WriteLine("ready");
                    Console.Out.Flush();
                    var committed = 0;
                    while (committed < count)
                    {
                        var items = new List<Trajectory>();
                        for (var j = 0; j < batch && committed + j < count; j++)
                        {
                            items.Add(Make(writer, committed + j));
                        }

                        store.AppendMany(items);
                        committed += items.Count;
                        Console.Out.WriteLine("committed " + committed.ToString(CultureInfo.InvariantCulture));
                        Console.Out.Flush();
                    }
                }

                return 0;
            }
            catch (StoreException ex)
            {
                Console.Error.WriteLine(ex.ErrorId + ": " + ex.Message);
                return 1;
            }
        }

        private static Trajectory Make(string writer, int i)
        {
            var started = DateTimeOffset.UtcNow;
            var score = (i % 10) / 10.0;
            return new Trajectory
            {
                Id = writer + "-" + i.ToString(CultureInfo.InvariantCulture),
                StartedAt = started,
                CompletedAt = started.AddMilliseconds(5 + (i % 7)),
                Task = "momentum on SPY from writer " + writer,
                StrategyName = "momentum-" + writer,
                StrategyType = "momentum",
                Symbol = "SPY",
                Parameters = new Dictionary<string, double> { ["lookback"] = 10 + (i % 30), ["threshold"] = 0.01 * (i % 5) },
                Context = new MarketContext { Trend = "up", Volatility = "normal", TrendReturn = 0.1, AnnualizedVolatility = 0.18, Bars = 250 },
                Operations = new List<OperationStep>
                {
                    new OperationStep { Name = "create-sandbox", DurationMs = 3 },
                    new OperationStep { Name = "run", DurationMs = 10 },
                },
                Outcome = new Outcome { Status = ExecutionStatus.Succeeded, Success = true, Score = score, Critique = "writer test" },
                SwarmSize = 4,
            };
        }
    }
}
