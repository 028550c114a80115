using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using NeuralTrader.Swarm.Runner.Hosting;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>`jsoncost`: what one backtest's response costs to write and read, by detail, for a batch of 32 (a profiling aid).</summary>
    internal static class JsonCost
    {
        public static int Run()
        {
            var lines = File.ReadAllLines(Path.Combine(BundledData.Directory, "SPY.csv"));
            string dir = Path.Combine(Path.GetTempPath(), "nt-jsoncost-" + Guid.NewGuid().ToString("N").Substring(0, 6));
            Directory.CreateDirectory(dir);
            File.WriteAllLines(Path.Combine(dir, "SPY.csv"), new[] { lines[0] }.Concat(lines.Skip(lines.Length - 252)));
            var series = CsvPriceReader.ReadFile(Path.Combine(dir, "SPY.csv"), "SPY");
            Directory.Delete(dir, true);
            foreach (var options in new RunOptions?[] { null, new RunOptions { IncludeTrades = false, EquityPoints = 0 } })
            {
                var handler = new RunnerRequestHandler("cost");
                handler.AddDataset("SPY", series);
                var requests = Enumerable.Range(0, 32).Select(i => new RunnerRequest { Id = "r" + i, Op = RunnerOps.Run, Strategy = "momentum", Dataset = "SPY", Options = options,
                    Parameters = new Dictionary<string, JsonElement> { ["lookback"] = JsonSerializer.SerializeToElement(5 + i) } }).ToList();
                var batch = new RunnerRequest { Id = "b", Op = RunnerOps.Batch, Requests = requests };
                byte[] line = Array.Empty<byte>();
                for (int k = 0; k < 300; k++) // past tier-0 code
                    JsonSerializer.Deserialize(handler.Serialize(handler.Handle(batch, out _)).Slice(0, 10).ToArray().Length > 0 ? handler.Serialize(handler.Handle(batch, out _)).ToArray().AsSpan()[..^1] : default, ProtocolJsonContext.Default.RunnerResponse);
                long t0 = Stopwatch.GetTimestamp();
                for (int k = 0; k < 200; k++)
                    line = handler.Serialize(handler.Handle(batch, out _)).ToArray();
                double runUs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1000 / (200 * 32);
                t0 = Stopwatch.GetTimestamp();
                for (int k = 0; k < 200; k++)
                    JsonSerializer.Deserialize(line.AsSpan(0, line.Length - 1), ProtocolJsonContext.Default.RunnerResponse);
                double readUs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1000 / (200 * 32);
                Console.WriteLine($"{(options == null ? "default detail" : "no trades, no equity")}: {line.Length / 32} bytes per backtest; run+write {runUs:0.0} us, read {readUs:0.0} us per backtest");
            }
            return 0;
        }
    }
}
