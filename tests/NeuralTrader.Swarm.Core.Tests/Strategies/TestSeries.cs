using System;
using System.Collections.Generic;
using System.IO;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    /// <summary>Builders for small fixture series and access to the bundled data.</summary>
    internal static class TestSeries
    {
        public static readonly DateTime FirstDate = new DateTime(2020, 1, 1);

        /// <summary>Bars with the given opens and closes; high/low bracket them; one calendar day apart.</summary>
        public static PriceSeries FromOpenClose(double[] open, double[] close, string symbol = "TEST")
        {
            int n = close.Length;
            var dates = new DateTime[n];
            var high = new double[n];
            var low = new double[n];
            var volume = new double[n];
            for (int i = 0; i < n; i++)
            {
                dates[i] = FirstDate.AddDays(i);
                high[i] = Math.Max(open[i], close[i]) * 1.01;
                low[i] = Math.Min(open[i], close[i]) * 0.99;
                volume[i] = 1000;
            }

            return new PriceSeries(symbol, dates, (double[])open.Clone(), high, low, (double[])close.Clone(), volume);
        }

        /// <summary>Prices from a return sequence: close_t = close_{t-1} (1 + r_t), open_t = close_{t-1}.</summary>
        public static PriceSeries FromReturns(double[] returns, double start = 100, string symbol = "SYN")
        {
            int n = returns.Length;
            var open = new double[n];
            var close = new double[n];
            double previous = start;
            for (int i = 0; i < n; i++)
            {
                open[i] = previous;
                close[i] = previous * (1 + returns[i]);
                previous = close[i];
            }

            return FromOpenClose(open, close, symbol);
        }

        /// <summary>Returns r_t = phi r_{t-1} + e_t with Gaussian e of the given deviation (seeded).</summary>
        public static double[] Ar1Returns(int n, double phi, double sigma, int seed)
        {
            var random = new Random(seed);
            var r = new double[n];
            double previous = 0;
            for (int i = 0; i < n; i++)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                double z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                r[i] = (phi * previous) + (sigma * z);
                previous = r[i];
            }

            return r;
        }

        public static IEnumerable<KeyValuePair<string, object?>> P(params (string Name, object? Value)[] pairs)
        {
            foreach ((string name, object? value) in pairs)
            {
                yield return new KeyValuePair<string, object?>(name, value);
            }
        }

        public static string DataDirectory
        {
            get
            {
                string? dir = AppContext.BaseDirectory;
                while (dir != null)
                {
                    string candidate = Path.Combine(dir, "module", "data");
                    if (File.Exists(Path.Combine(candidate, "SPY.csv")))
                    {
                        return candidate;
                    }

                    dir = Path.GetDirectoryName(dir);
                }

                throw new InvalidOperationException("module/data not found above " + AppContext.BaseDirectory);
            }
        }

        public static PriceSeries Spy => CsvPriceReader.ReadFile(Path.Combine(DataDirectory, "SPY.csv"));
    }
}
