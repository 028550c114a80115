using System;
using System.Collections.Generic;
using System.Globalization;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>Deterministic synthetic inputs: minute bars (a random walk) and trajectories.</summary>
    internal static class Synthetic
    {
        public static PriceSeries MinuteBars(int count, int seed = 42)
        {
            var rnd = new Random(seed);
            var dates = new DateTime[count];
            var open = new double[count];
            var high = new double[count];
            var low = new double[count];
            var close = new double[count];
            var volume = new double[count];
            // PriceSeries takes dates without a time of day, so the bars are numbered by day from year 1;
            // the returns are minute-sized (0.1% steps), which is what the kernels see.
            var t = new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            double price = 100;
            for (int i = 0; i < count; i++)
            {
                dates[i] = t.AddDays(i);
                double o = price;
                price *= 1 + (rnd.NextDouble() - 0.5) * 0.002;
                open[i] = o;
                close[i] = price;
                high[i] = Math.Max(o, price) * 1.0005;
                low[i] = Math.Min(o, price) * 0.9995;
                volume[i] = 1000 + rnd.Next(1000);
            }
            return new PriceSeries("SYN", dates, open, high, low, close, volume);
        }

        public static readonly string[] Strategies = { "momentum", "mean-reversion", "neural-forecast" };
        public static readonly string[] Symbols = { "SPY", "QQQ", "IWM", "TSLA" };

        public static Trajectory Trajectory(string writer, int i, string? strategy = null, string? symbol = null)
        {
            var started = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(i);
            return new Trajectory
            {
                Id = writer + "-" + i.ToString(CultureInfo.InvariantCulture),
                StartedAt = started,
                CompletedAt = started.AddMilliseconds(5 + (i % 7)),
                Task = "momentum on SPY",
                StrategyName = strategy ?? Strategies[i % Strategies.Length],
                StrategyType = strategy ?? Strategies[i % Strategies.Length],
                Symbol = symbol ?? Symbols[(i / 3) % Symbols.Length],
                Parameters = new Dictionary<string, double> { ["lookback"] = 5 + (i * 7919 % 60), ["threshold"] = 0.005 * (i % 9), ["positionSize"] = 1 },
                Context = new NeuralTrader.Swarm.Core.Store.MarketContext { Trend = "up", Volatility = "normal", TrendReturn = 0.1, AnnualizedVolatility = 0.18, Bars = 252 },
                Operations = new List<OperationStep>
                {
                    new OperationStep { Name = "create-sandbox", DurationMs = 3 },
                    new OperationStep { Name = "run", DurationMs = 1 },
                },
                Outcome = new Outcome
                {
                    Status = ExecutionStatus.Succeeded, Success = true, Score = ((i * 7919) % 1000) / 1000.0, Critique = "bench",
                    Metrics = new Dictionary<string, double> { ["totalReturn"] = 0.12, ["sharpe"] = 1.1, ["maxDrawdown"] = -0.08, ["trades"] = 14 },
                },
                SwarmSize = 10,
            };
        }
    }
}
