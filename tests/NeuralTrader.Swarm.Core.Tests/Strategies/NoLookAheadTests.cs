using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    /// <summary>
    /// Changing bars after t never changes anything up to t: equity marked at bars 0..t, fills dated
    /// 0..t, and the decision at t (seen as the live signal of the prefix ending at t, and as the fill at t+1).
    /// </summary>
    public class NoLookAheadTests
    {
        public static IEnumerable<object[]> Cases() => new[]
        {
            new object[] { "momentum", new (string, object?)[] { ("lookback", 5), ("threshold", 0.01), ("allowShort", true) } },
            new object[] { "mean-reversion", new (string, object?)[] { ("lookback", 6), ("entryZ", 1.0), ("exitZ", 0.2), ("allowShort", true) } },
            new object[] { "neural-forecast", new (string, object?)[] { ("lags", 3), ("hidden", 4), ("trainWindow", 40), ("retrainEvery", 7), ("epochs", 5), ("allowShort", true) } },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void BarsAfterTNeverChangeResultsUpToT(string strategy, (string, object?)[] parameters)
        {
            int n = 160;
            double[] returns = Ar1Returns(n, 0.3, 0.02, seed: 11);
            PriceSeries original = FromReturns(returns);
            var options = new RunOptions { EquityPoints = n, IncludeTrades = true };
            BacktestResult full = StrategyCatalog.Run(strategy, original, P(parameters), options);
            Assert.True(full.Metrics.Fills >= 4, strategy + " should trade on the fixture, traded " + full.Metrics.Fills);

            var random = new Random(99);
            for (int t = 60; t < n - 1; t += 9)
            {
                // Replace every bar after t with unrelated prices.
                double[] open = (double[])original.Open.Clone();
                double[] close = (double[])original.Close.Clone();
                for (int i = t + 1; i < n; i++)
                {
                    open[i] = 50 + (random.NextDouble() * 100);
                    close[i] = 50 + (random.NextDouble() * 100);
                }

                BacktestResult altered = StrategyCatalog.Run(strategy, FromOpenClose(open, close, "SYN"), P(parameters), options);
                PriceSeries prefixSeries = original.Slice(null, original.Dates[t]);
                BacktestResult prefix = StrategyCatalog.Run(strategy, prefixSeries, P(parameters), options);

                string cutoff = original.Dates[t].ToString("yyyy-MM-dd");
                for (int i = 0; i <= t; i++)
                {
                    Assert.Equal(full.Equity[i].Equity, altered.Equity[i].Equity);
                    Assert.Equal(full.Equity[i].Equity, prefix.Equity[i].Equity);
                }

                Assert.Equal(Fills(full, cutoff), Fills(altered, cutoff));
                Assert.Equal(Fills(full, cutoff), Fills(prefix, cutoff));

                // The decision at t is the prefix's live signal; in the full run it is filled at t+1's open.
                string next = original.Dates[t + 1].ToString("yyyy-MM-dd");
                bool filledNext = full.Trades.Any(tr => tr.EntryDate == next || tr.ExitDate == next);
                Assert.Equal(prefix.Signal != "Hold", filledNext);
                Assert.Equal(prefix.Signal != "Hold", altered.Trades.Any(tr => tr.EntryDate == next || tr.ExitDate == next));
            }
        }

        private static string Fills(BacktestResult r, string cutoff)
        {
            var fills = new List<string>();
            foreach (TradeRecord t in r.Trades)
            {
                if (string.CompareOrdinal(t.EntryDate, cutoff) <= 0)
                {
                    fills.Add("in " + t.Side + " " + t.EntryDate + " " + t.EntryPrice.ToString("R"));
                }

                if (t.ExitDate != null && string.CompareOrdinal(t.ExitDate, cutoff) <= 0)
                {
                    fills.Add("out " + t.ExitDate + " " + t.ExitPrice!.Value.ToString("R"));
                }
            }

            return string.Join("; ", fills);
        }
    }
}
