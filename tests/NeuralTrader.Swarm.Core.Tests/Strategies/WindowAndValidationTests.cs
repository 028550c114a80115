using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Runner.Hosting;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    /// <summary>
    /// start/end windows (warm-up before, no trade before, nothing after) and validation segments, on the
    /// bundled SPY and QQQ data, checked against hand computations from the raw closes.
    /// </summary>
    public class WindowAndValidationTests
    {
        private static readonly PriceSeries Data = Spy;

        private static string Day(PriceSeries s, int i) => s.Dates[i].ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        private static int IndexOf(PriceSeries s, string date) => Array.IndexOf(s.Dates, DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture));

        [Theory]
        [InlineData("momentum")]
        [InlineData("mean-reversion")]
        [InlineData("neural-forecast")]
        public void WindowWarmsUpOnEarlierBarsButTradesOnlyInside(string strategy)
        {
            var window = P(("start", "2020-03-02"), ("end", "2021-06-30"));
            BacktestResult w = StrategyCatalog.Run(strategy, Data, window, new RunOptions { EquityPoints = 0 });
            BacktestResult full = StrategyCatalog.Run(strategy, Data, null, new RunOptions { EquityPoints = 0 });
            int from = IndexOf(Data, "2020-03-02");
            int last = IndexOf(Data, "2021-06-30");

            Assert.Equal("2020-03-02", w.Metrics.StartDate);
            Assert.Equal("2021-06-30", w.Metrics.EndDate);
            Assert.Equal(last - from + 1, w.Metrics.Bars);
            Assert.True(w.Trades.Count > 0, strategy + " should trade in the window");

            // Nothing is filled on or before the window's first bar: the first fill is at the second bar's open.
            string second = Day(Data, from + 1);
            Assert.All(w.Trades, t => Assert.True(string.CompareOrdinal(t.EntryDate, second) >= 0, t.EntryDate));
            Assert.All(w.Trades, t => Assert.True(t.ExitDate is null || string.CompareOrdinal(t.ExitDate, "2021-06-30") <= 0, t.ExitDate));

            // The indicators warmed up on the same bars as the full run's: from the third bar on, every fill
            // date in the window is a fill date of the full run and vice versa.
            string third = Day(Data, from + 2);
            Assert.Equal(FillDates(full, third, "2021-06-30"), FillDates(w, third, "2021-06-30"));
        }

        [Fact]
        public void BarsAfterTheEndCannotLeakIn()
        {
            // Replace every bar after the window with unrelated prices: the result is identical.
            int end = IndexOf(Data, "2019-12-31");
            double[] open = (double[])Data.Open.Clone();
            double[] close = (double[])Data.Close.Clone();
            var random = new Random(5);
            for (int i = end + 1; i < Data.Count; i++)
            {
                open[i] = 100 + (random.NextDouble() * 300);
                close[i] = 100 + (random.NextDouble() * 300);
            }

            var altered = new PriceSeries("SPY", Data.Dates, open, open.Zip(close, Math.Max).Select(x => x * 1.01).ToArray(),
                open.Zip(close, Math.Min).Select(x => x * 0.99).ToArray(), close, Data.Volume);
            foreach (string strategy in StrategyCatalog.Names)
            {
                var window = P(("start", "2018-01-01"), ("end", "2019-12-31"));
                var options = new RunOptions { EquityPoints = 600, Validation = new ValidationOptions { WalkForward = 3 } };
                BacktestResult a = StrategyCatalog.Run(strategy, Data, window, options);
                BacktestResult b = StrategyCatalog.Run(strategy, altered, window, options);
                foreach (BacktestMetrics m in new[] { a, b }.SelectMany(x => x.Segments!.Select(s => s.Metrics).Append(x.Metrics)))
                {
                    m.ComputeMs = 0;
                }

                Assert.Equal(JsonSerializer.Serialize(a), JsonSerializer.Serialize(b));
            }
        }

        [Fact]
        public void WindowMetricsMatchAHandComputationFromTheCloses()
        {
            BacktestResult r = StrategyCatalog.Run("momentum", Data, P(("start", "2022-01-01"), ("end", "2022-12-31"), ("lookback", 30)),
                new RunOptions { EquityPoints = 10000 });
            int from = IndexOf(Data, "2022-01-03");
            int to = IndexOf(Data, "2022-12-30") + 1;
            double[] closes = Data.Close.Skip(from).Take(to - from).ToArray();
            double[] equity = r.Equity.Select(p => p.Equity).ToArray();
            Assert.Equal(closes.Length, equity.Length);
            Assert.Equal(100000, equity[0]);

            double years = (new DateTime(2022, 12, 30) - new DateTime(2022, 1, 3)).TotalDays / 365.25;
            Assert.Equal(Math.Pow(equity[^1] / 100000, 1 / years) - 1, r.Metrics.AnnualizedReturn, 12);
            Assert.Equal(Sharpe(equity), r.Metrics.Sharpe, 9);

            // Buy-and-hold on the same window: 2022 was a falling year for SPY.
            Assert.Equal(closes[^1] / closes[0] - 1, r.Metrics.BuyAndHold.Return, 12);
            Assert.True(r.Metrics.BuyAndHold.Return < -0.15, "SPY lost about 18% in 2022 (adjusted closes)");
            Assert.Equal(Math.Pow(closes[^1] / closes[0], 1 / years) - 1, r.Metrics.BuyAndHold.AnnualizedReturn, 12);
            Assert.Equal(Sharpe(closes), r.Metrics.BuyAndHold.Sharpe, 9);
            double peak = closes[0], worst = 0;
            foreach (double c in closes)
            {
                peak = Math.Max(peak, c);
                worst = Math.Max(worst, (peak - c) / peak);
            }

            Assert.Equal(worst, r.Metrics.BuyAndHold.MaxDrawdown, 12);

            // Round trips and fills: every closed trip is two fills, an open one is one.
            Assert.Equal(r.Trades.Count, r.Metrics.Trades);
            Assert.Equal(r.Trades.Count(t => t.ExitDate != null) * 2 + r.Trades.Count(t => t.ExitDate is null), r.Metrics.Fills);
        }

        [Theory]
        [InlineData("momentum")]
        [InlineData("mean-reversion")]
        public void SplitSegmentsAreTheWindowsTheyName(string strategy)
        {
            PriceSeries qqq = new PriceLibrary(null, DataDirectory).Get("QQQ");
            var window = P(("start", "2017-01-01"), ("end", "2024-12-31"));
            BacktestResult r = StrategyCatalog.Run(strategy, qqq, window, new RunOptions { Validation = new ValidationOptions { Split = 0.3 } });
            Assert.NotNull(r.Segments);
            Assert.Equal(new[] { "in-sample", "out-of-sample" }, r.Segments!.Select(s => s.Name));
            Assert.Equal(new[] { "in", "out" }, r.Segments.Select(s => s.Sample));
            int bars = r.Metrics.Bars;
            int outBars = (int)Math.Round(bars * 0.3, MidpointRounding.AwayFromZero);
            Assert.Equal(0, r.Segments[0].FirstBar);
            Assert.Equal(bars - outBars, r.Segments[1].FirstBar);
            Assert.Equal(bars - outBars, r.Segments[0].Metrics.Bars);
            Assert.Equal(outBars, r.Segments[1].Metrics.Bars);
            Assert.Null(r.Segments[0].Fold);

            // Each segment is exactly the run of its own start/end (fresh cash, warm-up on the bars before it).
            foreach (BacktestSegment segment in r.Segments)
            {
                BacktestResult alone = StrategyCatalog.Run(strategy, qqq, P(("start", segment.Metrics.StartDate), ("end", segment.Metrics.EndDate)), new RunOptions { EquityPoints = 0 });
                Assert.Equal(alone.Metrics.FinalEquity, segment.Metrics.FinalEquity);
                Assert.Equal(alone.Metrics.Sharpe, segment.Metrics.Sharpe);
                Assert.Equal(alone.Metrics.Fills, segment.Metrics.Fills);
                Assert.Equal(alone.Metrics.BuyAndHold.Return, segment.Metrics.BuyAndHold.Return);
            }

            // The out-of-sample segment ends where the window does and starts right after the in-sample one.
            Assert.Equal(r.Metrics.EndDate, r.Segments[1].Metrics.EndDate);
            Assert.Equal(r.Metrics.StartDate, r.Segments[0].Metrics.StartDate);
            int inLast = IndexOf(qqq, r.Segments[0].Metrics.EndDate);
            Assert.Equal(Day(qqq, inLast + 1), r.Segments[1].Metrics.StartDate);
        }

        [Theory]
        [InlineData("anchored")]
        [InlineData("rolling")]
        public void WalkForwardFoldsTileTheWindow(string mode)
        {
            BacktestResult r = StrategyCatalog.Run("momentum", Data, null, new RunOptions { Validation = new ValidationOptions { WalkForward = 4, Mode = mode } });
            int bars = r.Metrics.Bars;
            Assert.Equal(8, r.Segments!.Count);
            for (int k = 1; k <= 4; k++)
            {
                BacktestSegment inSample = r.Segments[2 * (k - 1)];
                BacktestSegment outSample = r.Segments[(2 * (k - 1)) + 1];
                int blockStart = k * bars / 5, blockEnd = (k + 1) * bars / 5;
                Assert.Equal(("fold-" + k + "-in", "in", k), (inSample.Name, inSample.Sample, inSample.Fold!.Value));
                Assert.Equal(("fold-" + k + "-out", "out", k), (outSample.Name, outSample.Sample, outSample.Fold!.Value));
                Assert.Equal(blockStart, outSample.FirstBar);
                Assert.Equal(blockEnd - blockStart, outSample.Metrics.Bars);
                Assert.Equal(mode == "anchored" ? 0 : (k - 1) * bars / 5, inSample.FirstBar);
                Assert.Equal(blockStart - inSample.FirstBar, inSample.Metrics.Bars);
            }

            Assert.Equal(r.Metrics.EndDate, r.Segments[^1].Metrics.EndDate);
        }

        [Theory]
        [InlineData(0.3, 2, null, "either split or walkForward, not both")]
        [InlineData(1.0, null, null, "validation.split is the out-of-sample share and must be between 0 and 1 (exclusive), got 1")]
        [InlineData(0.0, null, null, "must be between 0 and 1 (exclusive), got 0")]
        [InlineData(null, 0, null, "validation.walkForward must be between 1 and 50 folds, got 0")]
        [InlineData(null, 3, "sideways", "validation.mode must be anchored or rolling, got 'sideways'")]
        [InlineData(0.3, null, "rolling", "validation.mode applies to walk-forward only")]
        [InlineData(null, 50, null, "cuts 40 bars into 51 blocks of fewer than 2 bars")]
        [InlineData(0.01, null, null, "leaves 40 in-sample and 0 out-of-sample bars")]
        public void BadValidationIsRejectedNamingTheField(double? split, int? folds, string? mode, string message)
        {
            PriceSeries tail = Data.Slice(new DateTime(2024, 1, 1), null);
            PriceSeries short40 = tail.Slice(null, tail.Dates[39]);
            var options = new RunOptions { Validation = new ValidationOptions { Split = split, WalkForward = folds, Mode = mode } };
            StrategyException e = Assert.Throws<StrategyException>(() => StrategyCatalog.Run("momentum", short40, P(("lookback", 5)), options));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, e.Code);
            Assert.Contains(message, e.Message);
            Assert.StartsWith("Run option validation", e.Message);
            Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("momentum", P(("lookback", 5)), short40, options));
        }

        [Fact]
        public void TheRunnerProtocolCarriesValidationAndSegments()
        {
            var handler = new RunnerRequestHandler("test");
            string data = JsonSerializer.Serialize(Data.ToPriceData(), ProtocolJsonContext.Default.PriceData);
            string line = "{\"id\":\"v\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data
                + ",\"parameters\":{\"start\":\"2019-01-01\"},\"options\":{\"includeTrades\":false,\"equityPoints\":0,\"validation\":{\"walkForward\":2,\"mode\":\"rolling\"}}}";
            string text = Encoding.UTF8.GetString(handler.Handle(Encoding.UTF8.GetBytes(line), out _).ToArray());
            using JsonDocument doc = JsonDocument.Parse(text);
            JsonElement result = doc.RootElement.GetProperty("result");
            JsonElement segments = result.GetProperty("segments");
            Assert.Equal(4, segments.GetArrayLength());
            Assert.Equal("fold-2-out", segments[3].GetProperty("name").GetString());
            Assert.Equal("out", segments[3].GetProperty("sample").GetString());
            Assert.Equal(2, segments[3].GetProperty("fold").GetInt32());
            JsonElement metrics = result.GetProperty("metrics");
            foreach (string field in new[] { "startDate", "endDate", "bars", "interval", "barsPerYear", "finalEquity", "totalReturn", "annualizedReturn", "volatility", "sharpe", "sortino", "maxDrawdown", "exposure", "trades", "fills", "winRate", "buyAndHold", "computeMs" })
            {
                Assert.True(metrics.TryGetProperty(field, out _), "metrics." + field + " is missing");
            }

            Assert.False(metrics.TryGetProperty("tradeCount", out _));
            Assert.True(metrics.GetProperty("buyAndHold").TryGetProperty("maxDrawdown", out _));

            // Without validation there are no segments in the response at all.
            string plain = Encoding.UTF8.GetString(handler.Handle(Encoding.UTF8.GetBytes("{\"id\":\"p\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + "}"), out _).ToArray());
            Assert.DoesNotContain("\"segments\"", plain);

            string bad = Encoding.UTF8.GetString(handler.Handle(Encoding.UTF8.GetBytes("{\"id\":\"b\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"options\":{\"validation\":{\"split\":2}}}"), out _).ToArray());
            Assert.Contains("\"code\":\"invalid_parameter\"", bad);
            Assert.Contains("validation.split", bad);
        }

        private static List<string> FillDates(BacktestResult r, string from, string to)
        {
            var dates = new List<string>();
            foreach (TradeRecord t in r.Trades)
            {
                dates.Add(t.EntryDate);
                if (t.ExitDate != null)
                {
                    dates.Add(t.ExitDate);
                }
            }

            return dates.Where(d => string.CompareOrdinal(d, from) >= 0 && string.CompareOrdinal(d, to) <= 0).OrderBy(d => d, StringComparer.Ordinal).ToList();
        }

        private static double Sharpe(double[] levels)
        {
            double[] r = levels.Skip(1).Select((x, i) => x / levels[i] - 1).ToArray();
            double mean = r.Average();
            double sd = Math.Sqrt(r.Sum(x => (x - mean) * (x - mean)) / (r.Length - 1));
            return mean / sd * Math.Sqrt(252);
        }
    }
}
