using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    /// <summary>
    /// The optimised kernels (blocked, vectorised, single pass) against a straightforward reference that
    /// follows docs/strategies.md literally: per-bar windows re-summed, the whole equity curve materialised,
    /// metrics from textbook two-pass formulas. Long random series cross the kernel's internal block edges.
    /// Every case runs with both sizings (the default allocation of equity and explicit positionSize shares)
    /// and once more on a window that starts a third of the way in (warm-up on the bars before it).
    /// </summary>
    public class KernelReferenceTests
    {
        public static IEnumerable<object[]> Cases()
        {
            // strategy, bars, seed, lookback, threshold or entryZ, exitZ, allowShort, commission, slippage, equityPoints
            yield return new object[] { "momentum", 5003, 1, 20, 0.001, 0.0, false, 0.0, 0.0, 100 };
            yield return new object[] { "momentum", 5003, 2, 7, 0.002, 0.0, true, 1.5, 3.0, 37 };
            yield return new object[] { "momentum", 1537, 3, 300, 0.0, 0.0, true, 0.0, 10.0, 2000 };
            yield return new object[] { "momentum", 252, 4, 20, 0.02, 0.0, false, 0.0, 0.0, 100 };
            yield return new object[] { "momentum", 513, 5, 1, 0.0005, 0.0, true, 2.0, 1.0, 1 };
            yield return new object[] { "mean-reversion", 5003, 6, 20, 2.0, 0.5, false, 0.0, 0.0, 100 };
            yield return new object[] { "mean-reversion", 5003, 7, 15, 1.5, 0.25, true, 1.0, 5.0, 0 };
            yield return new object[] { "mean-reversion", 3000, 8, 2, 0.5, -0.2, true, 0.0, 0.0, 3000 };
            yield return new object[] { "mean-reversion", 2600, 9, 1000, 0.1, 0.0, true, 0.0, 0.0, 50 };
            yield return new object[] { "mean-reversion", 252, 10, 20, 1.0, 0.5, false, 0.0, 0.0, 100 };
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void RandomWalkMatchesReference(string strategy, int bars, int seed, int lookback, double a, double b, bool allowShort, double commission, double slippage, int points)
        {
            PriceSeries series = RandomWalk(bars, seed);
            AssertMatches(strategy, series, lookback, a, b, allowShort, commission, slippage, points, positionSize: null, from: 0);
            AssertMatches(strategy, series, lookback, a, b, allowShort, commission, slippage, points, positionSize: 10, from: 0);
            int from = Math.Max(bars / 3, lookback / 2);
            AssertMatches(strategy, series, lookback, a, b, allowShort, commission, slippage, points, positionSize: null, from: from);
        }

        [Theory]
        [InlineData("momentum", 20, 0.02, 0.0, false)]
        [InlineData("momentum", 60, 0.0, 0.0, true)]
        [InlineData("mean-reversion", 20, 2.0, 0.5, false)]
        [InlineData("mean-reversion", 10, 1.0, 0.0, true)]
        public void SpyMatchesReference(string strategy, int lookback, double a, double b, bool allowShort)
        {
            AssertMatches(strategy, Spy, lookback, a, b, allowShort, 1.0, 2.0, 100, positionSize: null, from: 0);
            AssertMatches(strategy, Spy, lookback, a, b, allowShort, 1.0, 2.0, 100, positionSize: 10, from: 0);
            AssertMatches(strategy, Spy, lookback, a, b, allowShort, 1.0, 2.0, 100, positionSize: null, from: Spy.Count - 504);
        }

        [Fact]
        public void FlatSeriesNeverTradesAndHasZeroSharpe()
        {
            var flat = Enumerable.Repeat(50.0, 2000).ToArray();
            foreach (string strategy in new[] { "momentum", "mean-reversion" })
            {
                BacktestResult r = StrategyCatalog.Run(strategy, FromOpenClose(flat, flat), null);
                Assert.Equal(0, r.Metrics.Fills);
                Assert.Equal(0, r.Metrics.Sharpe);
                Assert.Equal(0, r.Metrics.BuyAndHold.Sharpe);
                Assert.Equal(0, r.Metrics.MaxDrawdown);
                Assert.Equal("Hold", r.Signal);
            }
        }

        private static void AssertMatches(string strategy, PriceSeries series, int lookback, double a, double b, bool allowShort, double commission, double slippage, int points, double? positionSize, int from)
        {
            var parameters = new List<(string, object?)> { ("lookback", lookback), ("allowShort", allowShort), ("commissionPerTrade", commission), ("slippageBps", slippage) };
            if (strategy == "momentum")
            {
                parameters.Add(("threshold", a));
            }
            else
            {
                parameters.Add(("entryZ", a));
                parameters.Add(("exitZ", b));
            }

            if (positionSize.HasValue)
            {
                parameters.Add(("positionSize", positionSize.Value));
            }

            if (from > 0)
            {
                parameters.Add(("start", series.Dates[from].ToString("yyyy-MM-dd")));
            }

            BacktestResult actual = StrategyCatalog.Run(strategy, series, P(parameters.ToArray()), new RunOptions { IncludeTrades = true, EquityPoints = points });
            int[] targets = strategy == "momentum"
                ? MomentumTargets(series.Close, lookback, a, allowShort)
                : MeanReversionTargets(series.Close, lookback, a, b, allowShort);
            Reference expected = Backtest(series, targets, from, positionSize ?? 0, 1.0, 100000, commission, slippage, points);

            Assert.True(expected.Fills > 4, "the fixture should trade: " + expected.Fills);
            BacktestMetrics m = actual.Metrics;
            Assert.Equal(expected.Fills, m.Fills);
            Assert.Equal(expected.Trades.Count, m.Trades);
            Assert.Equal(expected.Position, actual.Position);
            Assert.Equal(expected.Signal, actual.Signal);
            Assert.Equal(series.Count - from, m.Bars);
            Assert.Equal(series.Dates[from].ToString("yyyy-MM-dd"), m.StartDate);
            Assert.Equal("1d", m.Interval);
            Assert.Equal(252, m.BarsPerYear);
            Close(expected.FinalEquity, m.FinalEquity);
            Close(expected.FinalEquity / 100000 - 1, m.TotalReturn);
            Close(expected.AnnualizedReturn, m.AnnualizedReturn);
            Close(expected.Volatility, m.Volatility);
            Close(expected.Sharpe, m.Sharpe);
            Close(expected.Sortino, m.Sortino);
            Close(expected.MaxDrawdown, m.MaxDrawdown);
            Assert.Equal(expected.PeakDate, m.MaxDrawdownPeakDate);
            Assert.Equal(expected.TroughDate, m.MaxDrawdownTroughDate);
            Close(expected.WinRate, m.WinRate);
            Close(expected.Exposure, m.Exposure);
            Close(expected.BuyAndHoldSharpe, m.BuyAndHold.Sharpe);
            Close(expected.BuyAndHoldReturn, m.BuyAndHold.Return);
            Close(expected.BuyAndHoldAnnualized, m.BuyAndHold.AnnualizedReturn);
            Close(expected.BuyAndHoldDrawdown, m.BuyAndHold.MaxDrawdown);

            Assert.Equal(expected.Equity.Count, actual.Equity.Count);
            for (int i = 0; i < expected.Equity.Count; i++)
            {
                Assert.Equal(expected.Equity[i].Date, actual.Equity[i].Date);
                Close(expected.Equity[i].Equity, actual.Equity[i].Equity);
            }

            Assert.Equal(expected.Trades.Count, actual.Trades.Count);
            for (int i = 0; i < expected.Trades.Count; i++)
            {
                TradeRecord e = expected.Trades[i], t = actual.Trades[i];
                Assert.Equal(e.Side, t.Side);
                Close(e.Quantity, t.Quantity);
                Assert.Equal(e.EntryDate, t.EntryDate);
                Close(e.EntryPrice, t.EntryPrice);
                Assert.Equal(e.ExitDate, t.ExitDate);
                Assert.Equal(e.ExitPrice.HasValue, t.ExitPrice.HasValue);
                Assert.Equal(e.Pnl.HasValue, t.Pnl.HasValue);
                if (e.Pnl.HasValue)
                {
                    Close(e.ExitPrice!.Value, t.ExitPrice!.Value);
                    Close(e.Pnl.Value, t.Pnl!.Value);
                }
            }
        }

        private static void Close(double expected, double actual)
        {
            double tolerance = 1e-9 * Math.Max(1.0, Math.Abs(expected));
            Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R}");
        }

        private static PriceSeries RandomWalk(int n, int seed)
        {
            var random = new Random(seed);
            var returns = new double[n];
            for (int i = 0; i < n; i++)
            {
                returns[i] = (random.NextDouble() - 0.5) * 0.02;
            }

            return FromReturns(returns, start: 50 + seed);
        }

        // Decision after bar t's close, from docs/strategies.md.
        private static int[] MomentumTargets(double[] close, int lookback, double threshold, bool allowShort)
        {
            var targets = new int[close.Length];
            int target = 0;
            for (int t = 0; t < close.Length; t++)
            {
                if (t >= lookback)
                {
                    double m = close[t] / close[t - lookback] - 1;
                    target = m > threshold ? 1 : m < -threshold ? (allowShort ? -1 : 0) : target;
                }

                targets[t] = target;
            }

            return targets;
        }

        private static int[] MeanReversionTargets(double[] close, int lookback, double entryZ, double exitZ, bool allowShort)
        {
            var targets = new int[close.Length];
            int target = 0;
            for (int t = 0; t < close.Length; t++)
            {
                if (t >= lookback - 1)
                {
                    double mean = 0;
                    for (int i = t - lookback + 1; i <= t; i++)
                    {
                        mean += close[i];
                    }

                    mean /= lookback;
                    double ss = 0;
                    for (int i = t - lookback + 1; i <= t; i++)
                    {
                        ss += (close[i] - mean) * (close[i] - mean);
                    }

                    double sd = Math.Sqrt(ss / (lookback - 1));
                    if (sd > 1e-12 * mean)
                    {
                        double z = (close[t] - mean) / sd;
                        if ((target > 0 && z > -exitZ) || (target < 0 && z < exitZ))
                        {
                            target = 0;
                        }

                        if (target == 0)
                        {
                            target = z < -entryZ ? 1 : allowShort && z > entryZ ? -1 : 0;
                        }
                    }
                }

                targets[t] = target;
            }

            return targets;
        }

        private sealed class Reference
        {
            public int Fills;
            public int Position;
            public string Signal = "";
            public double FinalEquity;
            public double AnnualizedReturn;
            public double Volatility;
            public double Sharpe;
            public double Sortino;
            public double BuyAndHoldSharpe;
            public double BuyAndHoldReturn;
            public double BuyAndHoldAnnualized;
            public double BuyAndHoldDrawdown;
            public double MaxDrawdown;
            public string? PeakDate;
            public string? TroughDate;
            public double WinRate;
            public double Exposure;
            public List<EquityPoint> Equity = new List<EquityPoint>();
            public List<TradeRecord> Trades = new List<TradeRecord>();
        }

        // Bars [from, n) traded; targets decided on every bar (the warm-up's too), the first fill at from + 1.
        // size > 0: shares per position; otherwise allocation x cash (flat at an entry) less the commission.
        private static Reference Backtest(PriceSeries s, int[] targets, int from, double size, double allocation, double initialCash, double commission, double slippageBps, int points)
        {
            int n = s.Count - from;
            var r = new Reference();
            var equity = new double[n];
            double cash = initialCash, slip = slippageBps / 10000, shares = 0;
            int position = 0, wins = 0, closed = 0, exposed = 0;
            TradeRecord? open = null;
            for (int k = 0; k < n; k++)
            {
                int t = from + k;
                int wanted = k == 0 ? 0 : targets[t - 1];
                if (wanted != position)
                {
                    string date = s.Dates[t].ToString("yyyy-MM-dd");
                    if (position != 0)
                    {
                        double exit = s.Open[t] * (position > 0 ? 1 - slip : 1 + slip);
                        cash += shares * exit - commission;
                        double pnl = shares * (exit - open!.EntryPrice) - 2 * commission;
                        open.ExitDate = date;
                        open.ExitPrice = exit;
                        open.Pnl = pnl;
                        closed++;
                        wins += pnl > 0 ? 1 : 0;
                        r.Fills++;
                        shares = 0;
                    }

                    if (wanted != 0)
                    {
                        double entry = s.Open[t] * (wanted > 0 ? 1 + slip : 1 - slip);
                        double quantity = size > 0 ? size : Math.Max(0, allocation * cash - commission) / entry;
                        shares = wanted * quantity;
                        cash -= shares * entry + commission;
                        open = new TradeRecord { Side = wanted > 0 ? "Long" : "Short", Quantity = quantity, EntryDate = date, EntryPrice = entry };
                        r.Trades.Add(open);
                        r.Fills++;
                    }

                    position = wanted;
                }

                equity[k] = cash + shares * s.Close[t];
                exposed += position != 0 ? 1 : 0;
            }

            double years = (s.Dates[s.Count - 1] - s.Dates[from]).TotalDays / 365.25;
            double[] closes = s.Close.Skip(from).ToArray();
            r.Position = position;
            int last = targets[s.Count - 1];
            r.Signal = last > position ? "Buy" : last < position ? "Sell" : "Hold";
            r.FinalEquity = equity[n - 1];
            r.AnnualizedReturn = Math.Pow(r.FinalEquity / initialCash, 1 / years) - 1;
            r.Exposure = (double)exposed / n;
            r.WinRate = closed > 0 ? (double)wins / closed : 0;
            (r.Sharpe, r.Sortino, r.Volatility) = RatiosOf(equity);
            r.BuyAndHoldSharpe = RatiosOf(closes).Sharpe;
            r.BuyAndHoldReturn = closes[n - 1] / closes[0] - 1;
            r.BuyAndHoldAnnualized = Math.Pow(closes[n - 1] / closes[0], 1 / years) - 1;
            r.BuyAndHoldDrawdown = DrawdownOf(closes, closes[0]).Max;
            int peakBar, troughBar;
            (r.MaxDrawdown, peakBar, troughBar) = DrawdownOf(equity, initialCash);
            r.PeakDate = r.MaxDrawdown > 0 ? s.Dates[from + peakBar].ToString("yyyy-MM-dd") : null;
            r.TroughDate = r.MaxDrawdown > 0 ? s.Dates[from + troughBar].ToString("yyyy-MM-dd") : null;

            // Equity points: the first and last bar always (so at least 2), at most every bar.
            int p = points <= 0 ? 0 : n == 1 ? 1 : Math.Min(Math.Max(points, 2), n);
            for (int k = 0; k < p; k++)
            {
                int bar = p == 1 ? n - 1 : (int)((long)k * (n - 1) / (p - 1));
                r.Equity.Add(new EquityPoint { Date = s.Dates[from + bar].ToString("yyyy-MM-dd"), Equity = equity[bar] });
            }

            return r;
        }

        // The deepest fall; its peak is the last bar at the peak level before the trough (the start level counts as bar 0).
        private static (double Max, int Peak, int Trough) DrawdownOf(double[] levels, double start)
        {
            double peak = start, max = 0;
            int peakBar = 0, bestPeak = 0, bestTrough = 0;
            for (int t = 0; t < levels.Length; t++)
            {
                if (levels[t] >= peak)
                {
                    peak = levels[t];
                    peakBar = t;
                }

                double fall = (peak - levels[t]) / peak;
                if (fall > max)
                {
                    (max, bestPeak, bestTrough) = (fall, peakBar, t);
                }
            }

            return (max, bestPeak, bestTrough);
        }

        private static (double Sharpe, double Sortino, double Volatility) RatiosOf(double[] levels)
        {
            var returns = new double[levels.Length - 1];
            for (int t = 1; t < levels.Length; t++)
            {
                returns[t - 1] = levels[t] / levels[t - 1] - 1;
            }

            double mean = returns.Average();
            double sd = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / (returns.Length - 1));
            double downside = Math.Sqrt(returns.Sum(x => Math.Min(x, 0) * Math.Min(x, 0)) / returns.Length);
            return (sd > 1e-15 ? mean / sd * Math.Sqrt(252) : 0, downside > 1e-15 ? mean / downside * Math.Sqrt(252) : 0, sd * Math.Sqrt(252));
        }
    }
}
