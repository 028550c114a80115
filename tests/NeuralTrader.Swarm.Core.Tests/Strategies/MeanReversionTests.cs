using System;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public class MeanReversionTests
    {
        [Fact]
        public void HandComputedLongRoundTrip()
        {
            // lookback 3, entryZ 1, exitZ 0; z over the 3 closes ending at t, sample sd (n - 1 = 2).
            //  t  open  close  window        mean    sd      z        decision
            //  0  10    10     -                                      flat
            //  1  10    10     -                                      flat
            //  2  10    10     10,10,10      10      0       -        keep (no z)
            //  3  10    7      10,10,7       9       1.732   -1.155   long (z < -1)      -> buy @ 7 (t4 open)
            //  4  7     8      10,7,8        8.333   1.528   -0.218   keep (not > 0)
            //  5  8     9      7,8,9         8       1       +1       flat (z > -0)      -> sell @ 9.5 (t6 open)
            //  6  9.5   9      8,9,9         8.667   0.577   +0.577   keep flat
            double[] open = { 10, 10, 10, 10, 7, 8, 9.5 };
            double[] close = { 10, 10, 10, 7, 8, 9, 9 };
            BacktestResult r = StrategyCatalog.Run(
                "mean-reversion",
                FromOpenClose(open, close),
                P(("lookback", 3), ("entryZ", 1.0), ("exitZ", 0.0), ("positionSize", 10), ("initialCash", 1000)));

            TradeRecord trade = Assert.Single(r.Trades);
            Assert.Equal("2020-01-05", trade.EntryDate);
            Assert.Equal(7, trade.EntryPrice, 12);
            Assert.Equal("2020-01-07", trade.ExitDate);
            Assert.Equal(9.5, trade.ExitPrice!.Value, 12);
            Assert.Equal(25, trade.Pnl!.Value, 9);                  // 10 * (9.5 - 7)

            // Equity: 1000 x4; t4: 1000 - 70 + 80 = 1010; t5: 930 + 90 = 1020; t6: 930 + 95 = 1025.
            Assert.Equal(new[] { 1000.0, 1000, 1000, 1000, 1010, 1020, 1025 }, r.Equity.Select(p => Math.Round(p.Equity, 9)).ToArray());
            Assert.Equal(0.025, r.Metrics.TotalReturn, 12);
            Assert.Equal(1.0, r.Metrics.WinRate);
            Assert.Equal(2, r.Metrics.Fills);
            Assert.Equal(2.0 / 7, r.Metrics.Exposure, 12);
            Assert.Equal(0, r.Metrics.MaxDrawdown);
            Assert.Equal("Hold", r.Signal);
        }

        [Fact]
        public void HandComputedShortRoundTrip()
        {
            //  t  open  close  window          mean     sd      z        decision
            //  2  10    10     10,10,10        10       0       -        keep
            //  3  10    13     10,10,13        11       1.732   +1.155   short (z > 1, allowShort)  -> sell @ 13 (t4)
            //  4  13    12     10,13,12        11.667   1.528   +0.218   keep (not < 0)
            //  5  12    11.5   13,12,11.5      12.167   0.764   -0.873   cover (z < 0); not < -1 so no long -> buy @ 11 (t6)
            //  6  11    11.2   12,11.5,11.2    11.567   0.404   -0.907   keep flat
            double[] open = { 10, 10, 10, 10, 13, 12, 11 };
            double[] close = { 10, 10, 10, 13, 12, 11.5, 11.2 };
            BacktestResult r = StrategyCatalog.Run(
                "mean-reversion",
                FromOpenClose(open, close),
                P(("lookback", 3), ("entryZ", 1.0), ("exitZ", 0.0), ("allowShort", 1), ("positionSize", 10), ("initialCash", 1000)));

            TradeRecord trade = Assert.Single(r.Trades);
            Assert.Equal("Short", trade.Side);
            Assert.Equal(13, trade.EntryPrice, 12);
            Assert.Equal(11, trade.ExitPrice!.Value, 12);
            Assert.Equal(20, trade.Pnl!.Value, 9);                  // 10 * (13 - 11)
            Assert.Equal(1020, r.Metrics.FinalEquity, 9);
            Assert.Equal("Hold", r.Signal);
            Assert.Equal(0, r.Position);

            // Without allowShort the same data never trades.
            BacktestResult longOnly = StrategyCatalog.Run(
                "mean-reversion",
                FromOpenClose(open, close),
                P(("lookback", 3), ("entryZ", 1.0), ("exitZ", 0.0)));
            Assert.Empty(longOnly.Trades);
            Assert.Equal(0, longOnly.Metrics.Fills);
            Assert.Equal(0, longOnly.Metrics.Sharpe);                // flat equity: sd 0 -> Sharpe 0
            Assert.Equal(0, longOnly.Metrics.TotalReturn);
        }

        [Fact]
        public void RollingStatisticsMatchDirectComputationOverLongSeries()
        {
            // A long series with a large price level (cancellation-prone) still gives the same decisions as a
            // direct two-pass z-score per bar: compare the trades with a reference implementation.
            var random = new Random(7);
            int n = 5000;
            var returns = new double[n];
            for (int i = 0; i < n; i++)
            {
                returns[i] = (random.NextDouble() - 0.5) * 0.02;
            }

            PriceSeries series = FromReturns(returns, start: 1e6);
            int lookback = 15;
            double entry = 1.5, exit = 0.25;
            BacktestResult r = StrategyCatalog.Run("mean-reversion", series, P(("lookback", lookback), ("entryZ", entry), ("exitZ", exit), ("allowShort", true)));

            // Reference: naive per-bar mean and sample sd, same rules.
            int target = 0;
            var targets = new int[n];
            for (int t = 0; t < n; t++)
            {
                if (t >= lookback - 1)
                {
                    double mean = 0;
                    for (int i = t - lookback + 1; i <= t; i++)
                    {
                        mean += series.Close[i];
                    }

                    mean /= lookback;
                    double ss = 0;
                    for (int i = t - lookback + 1; i <= t; i++)
                    {
                        ss += (series.Close[i] - mean) * (series.Close[i] - mean);
                    }

                    double z = (series.Close[t] - mean) / Math.Sqrt(ss / (lookback - 1));
                    if (target > 0 && z > -exit)
                    {
                        target = 0;
                    }
                    else if (target < 0 && z < exit)
                    {
                        target = 0;
                    }

                    if (target == 0)
                    {
                        target = z < -entry ? 1 : z > entry ? -1 : 0;
                    }
                }

                targets[t] = target;
            }

            // Position held at bar t (after the fill at t's open) is the decision of bar t - 1.
            int fills = 0;
            int held = 0;
            for (int t = 1; t < n; t++)
            {
                int next = targets[t - 1];
                if (next != held)
                {
                    fills += (held != 0 ? 1 : 0) + (next != 0 ? 1 : 0);
                    held = next;
                }
            }

            Assert.True(fills > 50, "the fixture should trade: " + fills);
            Assert.Equal(fills, r.Metrics.Fills);
            Assert.Equal(targets[n - 2], r.Position);
        }
    }
}
