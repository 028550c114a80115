using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public class NeuralForecastTests
    {
        [Theory]
        [InlineData(1)]
        [InlineData(2)]
        [InlineData(3)]
        public void LearnsStrongAutocorrelation(int seed)
        {
            // r_t = 0.6 r_{t-1} + e_t: the best possible sign forecast is right 0.5 + asin(0.6)/pi = 70% of the time.
            PriceSeries series = FromReturns(Ar1Returns(1500, 0.6, 0.01, seed));
            BacktestResult r = StrategyCatalog.Run("neural-forecast", series, P(("seed", seed)), new RunOptions { IncludeTrades = false, EquityPoints = 0 });
            Assert.NotNull(r.Metrics.DirectionalAccuracy);
            Assert.True(r.Metrics.DirectionalAccuracy > 0.60, "accuracy " + r.Metrics.DirectionalAccuracy);
        }

        [Theory]
        [InlineData(4)]
        [InlineData(5)]
        [InlineData(6)]
        public void StaysNearHalfOnARandomWalk(int seed)
        {
            PriceSeries series = FromReturns(Ar1Returns(1500, 0.0, 0.01, seed));
            BacktestResult r = StrategyCatalog.Run("neural-forecast", series, P(("seed", seed)), new RunOptions { IncludeTrades = false, EquityPoints = 0 });
            Assert.InRange(r.Metrics.DirectionalAccuracy!.Value, 0.4, 0.6);
        }

        [Fact]
        public void DeterministicForASeed()
        {
            PriceSeries series = FromReturns(Ar1Returns(600, 0.3, 0.01, 9));
            BacktestResult a = StrategyCatalog.Run("neural-forecast", series, P(("seed", 17)));
            BacktestResult b = StrategyCatalog.Run("neural-forecast", series, P(("seed", 17)));
            Assert.Equal(a.Metrics.FinalEquity, b.Metrics.FinalEquity);
            Assert.Equal(a.Metrics.DirectionalAccuracy, b.Metrics.DirectionalAccuracy);
            Assert.Equal(a.Trades.Select(t => t.EntryDate + t.ExitDate), b.Trades.Select(t => t.EntryDate + t.ExitDate));
            Assert.Equal(a.Equity.Select(p => p.Equity), b.Equity.Select(p => p.Equity));
            Assert.Equal(a.Signal, b.Signal);
            Assert.True(a.Metrics.Fills > 0);

            // A different seed starts from different weights: the forecasts (hence accuracy or equity) differ.
            BacktestResult c = StrategyCatalog.Run("neural-forecast", series, P(("seed", 18)));
            Assert.True(c.Metrics.DirectionalAccuracy != a.Metrics.DirectionalAccuracy || c.Metrics.FinalEquity != a.Metrics.FinalEquity);
        }

        [Fact]
        public void NoDecisionBeforeTheWarmUp()
        {
            // First decision bar: max(lags, 10) + 1 + min(trainWindow, 60) = 10 + 1 + 60 = 71, so the first fill is at bar 72 at the earliest.
            PriceSeries series = FromReturns(Ar1Returns(300, 0.6, 0.01, 3));
            BacktestResult r = StrategyCatalog.Run("neural-forecast", series, null);
            Assert.NotEmpty(r.Trades);
            Assert.True(string.CompareOrdinal(r.Trades[0].EntryDate, series.Dates[72].ToString("yyyy-MM-dd")) >= 0);
        }
    }
}
