using System;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public class MomentumTests
    {
        // Fixture (lookback 2, threshold 0.05, 10 shares, cash 1000):
        //  t  open  close  m_t = C_t / C_{t-2} - 1        decision    fill (next open)
        //  0  100   100    -                               flat
        //  1  100   102    -                               flat
        //  2  103   110    110/100 - 1 = +0.100 > 0.05     long        buy 10 @ 111 (t3)
        //  3  111   112    112/102 - 1 = +0.098            long
        //  4  112   104    104/110 - 1 = -0.0545 < -0.05   flat        sell 10 @ 105 (t5)
        //  5  105   100    100/112 - 1 = -0.107            flat
        //  6  100   106    106/104 - 1 = +0.019 (inside)   keep flat
        //  7  107   112    112/100 - 1 = +0.120            long -> live signal Buy, not filled
        private static readonly double[] Open = { 100, 100, 103, 111, 112, 105, 100, 107 };
        private static readonly double[] Close = { 100, 102, 110, 112, 104, 100, 106, 112 };

        private static BacktestResult RunFixture(params (string, object?)[] extra)
        {
            var parameters = P(("lookback", 2), ("threshold", 0.05), ("positionSize", 10), ("initialCash", 1000)).Concat(P(extra)).ToList();
            return StrategyCatalog.Run("momentum", FromOpenClose(Open, Close), parameters, new RunOptions { EquityPoints = 100 });
        }

        [Fact]
        public void HandComputedTradesEquityAndMetrics()
        {
            BacktestResult r = RunFixture();

            // Cash: 1000 - 10*111 = -110 after the buy; -110 + 10*105 = 940 after the sell.
            // Equity (cash + shares * close): 1000, 1000, 1000, -110+1120=1010, -110+1040=930, 940, 940, 940.
            double[] expectedEquity = { 1000, 1000, 1000, 1010, 930, 940, 940, 940 };
            Assert.Equal(expectedEquity.Length, r.Equity.Count);
            for (int i = 0; i < expectedEquity.Length; i++)
            {
                Assert.Equal(expectedEquity[i], r.Equity[i].Equity, 9);
            }

            TradeRecord trade = Assert.Single(r.Trades);
            Assert.Equal("Long", trade.Side);
            Assert.Equal("2020-01-04", trade.EntryDate);
            Assert.Equal(111, trade.EntryPrice, 9);
            Assert.Equal("2020-01-06", trade.ExitDate);
            Assert.Equal(105, trade.ExitPrice!.Value, 9);
            Assert.Equal(-60, trade.Pnl!.Value, 9); // 10 * (105 - 111)

            BacktestMetrics m = r.Metrics;
            Assert.Equal(8, m.Bars);
            Assert.Equal(-0.06, m.TotalReturn, 12);                 // 940 / 1000 - 1
            Assert.Equal(2, m.Fills);                               // one buy fill, one sell fill
            Assert.Equal(1, m.Trades);                              // one round trip
            Assert.Equal(0, m.WinRate);                             // the only round trip lost
            Assert.Equal(0.25, m.Exposure, 12);                     // long at the closes of t3 and t4: 2 / 8
            Assert.Equal(80.0 / 1010.0, m.MaxDrawdown, 12);         // peak 1010 (t3) to 930 (t4)
            Assert.Equal("2020-01-04", m.MaxDrawdownPeakDate);
            Assert.Equal("2020-01-05", m.MaxDrawdownTroughDate);
            Assert.Equal(0.12, m.BuyAndHold.Return, 12);            // 112 / 100 - 1
            Assert.Equal(12.0 / 112, m.BuyAndHold.MaxDrawdown, 12); // close 112 (t3) to 100 (t5)
            // Calendar annualisation: 2020-01-01 to 2020-01-08 is 7 days.
            Assert.Equal(Math.Pow(0.94, 365.25 / 7) - 1, m.AnnualizedReturn, 12);
            Assert.Equal(Math.Pow(1.12, 365.25 / 7) - 1, m.BuyAndHold.AnnualizedReturn, 9);
            Assert.Equal("1d", m.Interval);
            Assert.Equal(252, m.BarsPerYear);
            Assert.Equal(940, m.FinalEquity, 9);
            Assert.Equal("2020-01-01", m.StartDate);
            Assert.Equal("2020-01-08", m.EndDate);

            // Daily returns: 0, 0, 0.01, 930/1010-1, 940/930-1, 0, 0; Sharpe = mean / sample sd * sqrt(252).
            double[] returns = { 0, 0, 0.01, (930.0 / 1010) - 1, (940.0 / 930) - 1, 0, 0 };
            double mean = returns.Average();
            double sd = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / (returns.Length - 1));
            Assert.Equal(mean / sd * Math.Sqrt(252), m.Sharpe, 10);
            Assert.Equal(sd * Math.Sqrt(252), m.Volatility, 10);

            // Sortino: the downside deviation is sqrt(sum of squared negative returns / all 7 returns).
            double down = (930.0 / 1010) - 1;
            Assert.Equal(mean / Math.Sqrt(down * down / 7) * Math.Sqrt(252), m.Sortino, 10);

            // Buy-and-hold's Sharpe from the closes' own returns.
            double[] hold = Enumerable.Range(1, 7).Select(t => (Close[t] / Close[t - 1]) - 1).ToArray();
            double holdMean = hold.Average();
            double holdSd = Math.Sqrt(hold.Sum(x => (x - holdMean) * (x - holdMean)) / 6);
            Assert.Equal(holdMean / holdSd * Math.Sqrt(252), m.BuyAndHold.Sharpe, 10);

            Assert.Equal("Buy", r.Signal);                          // decision on the last bar, not filled
            Assert.Equal(0, r.Position);
            Assert.Null(m.DirectionalAccuracy);
        }

        [Fact]
        public void DefaultSizingInvestsAllEquityInFractionalShares()
        {
            var parameters = P(("lookback", 2), ("threshold", 0.05), ("initialCash", 1000));
            BacktestResult r = StrategyCatalog.Run("momentum", FromOpenClose(Open, Close), parameters, new RunOptions { EquityPoints = 100 });

            // Buy 1000 / 111 shares at t3's open (cash 0); sell them at 105 (cash 1000 * 105 / 111).
            TradeRecord trade = Assert.Single(r.Trades);
            Assert.Equal(1000.0 / 111, trade.Quantity, 12);
            Assert.Equal(1000.0 / 111 * (105 - 111), trade.Pnl!.Value, 9);
            Assert.Equal(1000.0 / 111 * 112, r.Equity[3].Equity, 9);
            Assert.Equal(1000.0 * 105 / 111, r.Metrics.FinalEquity, 9);
            Assert.Equal((105.0 / 111) - 1, r.Metrics.TotalReturn, 12);
            Assert.Equal(1.0, r.Parameters["allocation"]);
            Assert.False(r.Parameters.ContainsKey("positionSize"));

            // Half the equity: 500 / 111 shares, 500 kept in cash.
            BacktestResult half = StrategyCatalog.Run("momentum", FromOpenClose(Open, Close), P(("lookback", 2), ("threshold", 0.05), ("initialCash", 1000), ("allocation", 0.5)));
            Assert.Equal(500 + (500.0 * 105 / 111), half.Metrics.FinalEquity, 9);

            // A commission comes out of the allocation: (1000 - 1) / 111 shares, cash 0 after the entry.
            BacktestResult costs = StrategyCatalog.Run("momentum", FromOpenClose(Open, Close), P(("lookback", 2), ("threshold", 0.05), ("initialCash", 1000), ("commissionPerTrade", 1)));
            Assert.Equal(999.0 / 111, costs.Trades[0].Quantity, 12);
            Assert.Equal((999.0 * 105 / 111) - 1, costs.Metrics.FinalEquity, 9);
        }

        [Fact]
        public void PositionSizeAndAllocationTogetherAreRejected()
        {
            StrategyException e = Assert.Throws<StrategyException>(() =>
                StrategyCatalog.Run("momentum", FromOpenClose(Open, Close), P(("lookback", 2), ("positionSize", 10), ("allocation", 0.5))));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, e.Code);
            Assert.Contains("'positionSize' and 'allocation' of momentum are both given", e.Message);
        }

        [Fact]
        public void ShortingReversesAtTheSameOpen()
        {
            BacktestResult r = RunFixture(("allowShort", true));

            // t4's decision is short: at t5's open the long is sold (cash 940) and 10 shares are sold short at 105
            // (cash 940 + 1050 = 1990). Equity t5 = 1990 - 10*100 = 990, t6 = 1990 - 1060 = 930, t7 = 1990 - 1120 = 870.
            Assert.Equal(new[] { 1000.0, 1000, 1000, 1010, 930, 990, 930, 870 }, r.Equity.Select(p => Math.Round(p.Equity, 9)).ToArray());
            Assert.Equal(2, r.Trades.Count);
            Assert.Equal("Short", r.Trades[1].Side);
            Assert.Equal(105, r.Trades[1].EntryPrice, 9);
            Assert.Null(r.Trades[1].ExitDate);                      // still open
            Assert.Equal(3, r.Metrics.Fills);                  // buy, sell, sell short
            Assert.Equal(-1, r.Position);
            Assert.Equal("Buy", r.Signal);                          // long wanted, short held
            Assert.Equal(5.0 / 8, r.Metrics.Exposure, 12);          // long at t3, t4; short at t5, t6, t7
        }

        [Fact]
        public void SlippageAndCommissionMoveFillsAgainstTheTrader()
        {
            BacktestResult r = RunFixture(("slippageBps", 100), ("commissionPerTrade", 1));

            // Buy at 111 * 1.01 = 112.11, cash 1000 - 1121.1 - 1 = -122.1; sell at 105 * 0.99 = 103.95,
            // cash -122.1 + 1039.5 - 1 = 916.4. Round trip P&L 10 * (103.95 - 112.11) - 2 = -83.6.
            TradeRecord trade = Assert.Single(r.Trades);
            Assert.Equal(112.11, trade.EntryPrice, 9);
            Assert.Equal(103.95, trade.ExitPrice!.Value, 9);
            Assert.Equal(-83.6, trade.Pnl!.Value, 9);
            Assert.Equal(916.4, r.Metrics.FinalEquity, 9);
            Assert.Equal(-0.0836, r.Metrics.TotalReturn, 12);
        }

        [Fact]
        public void EquityCurveIsDownsampledWithFirstAndLastPoint()
        {
            PriceSeries spy = Spy;
            BacktestResult r = StrategyCatalog.Run("momentum", spy, null, new RunOptions { EquityPoints = 7, IncludeTrades = false });
            Assert.Equal(7, r.Equity.Count);
            Assert.Equal("2015-11-23", r.Equity[0].Date);
            Assert.Equal("2026-03-27", r.Equity[6].Date);
            Assert.Equal(r.Metrics.FinalEquity, r.Equity[6].Equity);
            Assert.Equal(100000, r.Equity[0].Equity);
            Assert.Equal(r.Equity.Count, r.Equity.Select(p => p.Date).Distinct().Count());
            Assert.Empty(r.Trades);
            Assert.True(r.Metrics.Fills > 0);

            BacktestResult none = StrategyCatalog.Run("momentum", spy, null, new RunOptions { EquityPoints = 0 });
            Assert.Empty(none.Equity);
            Assert.Equal(r.Metrics.FinalEquity, none.Metrics.FinalEquity);
            Assert.Equal(none.Metrics.Fills, none.Trades.Count(t => t.ExitDate != null) * 2 + none.Trades.Count(t => t.ExitDate == null));
            Assert.Equal(none.Metrics.Trades, none.Trades.Count);
            Assert.True(none.Metrics.Fills >= 2 * none.Metrics.Trades - 1 && none.Metrics.Fills <= 2 * none.Metrics.Trades);
        }

        [Fact]
        public void StartAndEndSliceTheWindow()
        {
            BacktestResult r = StrategyCatalog.Run("momentum", Spy, P(("start", "2020-01-01"), ("end", "2020-12-31")));
            Assert.Equal("2020-01-02", r.Metrics.StartDate);
            Assert.Equal("2020-12-31", r.Metrics.EndDate);
            Assert.Equal(253, r.Metrics.Bars);
            Assert.Equal(20200101, r.Parameters["start"]);
            Assert.Equal(20201231, r.Parameters["end"]);
        }
    }
}
