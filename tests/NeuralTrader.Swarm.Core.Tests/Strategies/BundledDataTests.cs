using System;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public class BundledDataTests
    {
        [Theory]
        [InlineData("momentum")]
        [InlineData("mean-reversion")]
        [InlineData("neural-forecast")]
        public void EveryStrategyRunsOnSpy(string strategy)
        {
            PriceSeries spy = new PriceLibrary(null, DataDirectory).Get("SPY");
            BacktestResult r = StrategyCatalog.Run(strategy, spy, null);
            BacktestMetrics m = r.Metrics;
            Assert.Equal(strategy, r.Strategy);
            Assert.Equal("SPY", r.Symbol);
            Assert.Equal(2600, m.Bars);
            Assert.Equal("2015-11-23", m.StartDate);
            Assert.Equal("2026-03-27", m.EndDate);
            Assert.Equal(634.09 / 175.666794 - 1, m.BuyAndHold.Return, 3);
            Assert.True(m.Fills > 0, "no trades");
            Assert.Equal(m.Fills, r.Trades.Count(t => t.ExitDate != null) * 2 + r.Trades.Count(t => t.ExitDate == null));
            Assert.InRange(m.WinRate, 0, 1);
            Assert.InRange(m.Exposure, 0.01, 1);
            Assert.InRange(m.MaxDrawdown, 0, 1);
            Assert.True(double.IsFinite(m.Sharpe) && m.Sharpe != 0);
            Assert.Equal(m.FinalEquity / 100000 - 1, m.TotalReturn, 12);
            Assert.Contains(r.Signal, new[] { "Buy", "Sell", "Hold" });
            Assert.Contains(r.Position, new[] { 0, 1 });
            Assert.Equal(100, r.Equity.Count);
            Assert.True(m.ComputeMs > 0);
            Assert.Equal(strategy == "neural-forecast", m.DirectionalAccuracy.HasValue);

            // Closed trades' P&L adds up to the change in equity once the open trade is marked to market.
            double closedPnl = r.Trades.Where(t => t.Pnl.HasValue).Sum(t => t.Pnl!.Value);
            TradeRecord? open = r.Trades.SingleOrDefault(t => t.ExitDate == null);
            double openPnl = open is null ? 0 : (spy.Close[^1] - open.EntryPrice) * open.Quantity * (open.Side == "Long" ? 1 : -1);
            Assert.Equal(m.FinalEquity - 100000, closedPnl + openPnl, 6);
        }
    }
}
