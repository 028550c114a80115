using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>5. Backtest kernel bars/s on one thread (a quick Stopwatch figure; BenchmarkDotNet gives the careful one).</summary>
    internal static class KernelScenario
    {
        public static readonly Dictionary<string, Dictionary<string, object?>> Parameters = new Dictionary<string, Dictionary<string, object?>>
        {
            ["momentum"] = new Dictionary<string, object?> { ["lookback"] = 20, ["threshold"] = 0.001 },
            ["mean-reversion"] = new Dictionary<string, object?> { ["lookback"] = 20 },
        };

        public static readonly RunOptions Options = new RunOptions { IncludeTrades = false, EquityPoints = 100 };

        /// <summary>Parameters of the one-year daily benchmark: the defaults a swarm agent starts from.</summary>
        public static readonly Dictionary<string, Dictionary<string, object?>> DailyParameters = new Dictionary<string, Dictionary<string, object?>>
        {
            ["momentum"] = new Dictionary<string, object?> { ["lookback"] = 20, ["threshold"] = 0.01 },
            ["mean-reversion"] = new Dictionary<string, object?> { ["lookback"] = 20, ["entryZ"] = 1.5 },
        };

        /// <summary>What the runner returns when the coordinator sets no options: trades and 100 equity points.</summary>
        public static readonly RunOptions DailyOptions = new RunOptions();

        /// <summary>The last 252 bars of the bundled SPY history.</summary>
        public static PriceSeries OneYearOfSpy()
        {
            var spy = CsvPriceReader.ReadFile(System.IO.Path.Combine(NeuralTrader.Swarm.Core.Coordination.BundledData.Directory, "SPY.csv"));
            return spy.Slice(spy.Dates[spy.Count - 252], null);
        }

        public static void Run(ResultsFile results, int bars, int repeats)
        {
            var series = Synthetic.MinuteBars(bars);
            foreach (var (type, parameters) in Parameters)
            {
                StrategyCatalog.Run(type, series, parameters, Options); // warm-up and tiering
                StrategyCatalog.Run(type, series, parameters, Options);
                var rates = new List<double>();
                for (int i = 0; i < repeats; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    StrategyCatalog.Run(type, series, parameters, Options);
                    rates.Add(bars / (Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000) / 1e6);
                }
                double best = rates.Max();
                results.Add(new Metric { Scenario = "5. kernel", Name = $"{type}, {bars / 1e6:0.#}M minute bars, 1 thread", Value = best, Unit = "M bars/s", Target = ">= 50 M bars/s", Met = best >= 50, Note = $"best of {repeats}; median {Stats.Percentile(rates, 0.5):0.0}" });
            }
        }
    }
}
