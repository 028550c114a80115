using System;
using System.IO;
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
    /// Intraday bars: timestamps with time of day and offset, the interval and bars per year detected from the
    /// data, files by interval, and annualisation by the real bar interval. The files are written by the
    /// documented rule of <see cref="IntradayFiles"/> (no licensed intraday sample can be bundled).
    /// </summary>
    public sealed class IntradayTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "nt-intraday-" + Guid.NewGuid().ToString("N"));

        public IntradayTests() => Directory.CreateDirectory(_folder);

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        [Fact]
        public void FiveMinuteBarsKeepTimeAndOffsetAcrossDaylightSaving()
        {
            // 2025-03-05 .. 2025-03-10: the US clocks change on Sunday 2025-03-09.
            string path = IntradayFiles.Write(_folder, "SPY.5min.csv", 5, sessions: 4);
            PriceSeries s = CsvPriceReader.ReadFile(path);
            Assert.Equal("SPY", s.Symbol);
            Assert.True(s.IsIntraday);
            Assert.Equal(4 * 78, s.Count);
            Assert.Equal("5min", s.Interval);
            Assert.Equal(5, s.IntervalMinutes);
            Assert.Equal(252 * 78, s.BarsPerYear);
            Assert.Equal(new DateTime(2025, 3, 5, 9, 30, 0), s.Dates[0]);
            Assert.Equal(new DateTime(2025, 3, 10, 15, 55, 0), s.Dates[^1]);
            Assert.Equal(TimeSpan.FromHours(-5), s.Offsets![0]);
            Assert.Equal(TimeSpan.FromHours(-4), s.Offsets[^1]);

            PriceData data = s.ToPriceData();
            Assert.Equal("2025-03-05T09:30:00-05:00", data.Dates![0]);
            Assert.Equal("2025-03-10T15:55:00-04:00", data.Dates[^1]);
            PriceSeries back = PriceSeries.FromPriceData(data);
            Assert.Equal(s.Dates, back.Dates);
            Assert.Equal(s.Offsets, back.Offsets);
            Assert.Equal("5min", back.Interval);
        }

        [Theory]
        [InlineData(1, "1min", 390)]
        [InlineData(15, "15min", 26)]
        [InlineData(30, "30min", 13)]
        [InlineData(60, "1h", 6)]
        public void IntervalAndSessionComeFromTheData(int minutes, string interval, int perSession)
        {
            Assert.Equal(perSession, IntradayFiles.BarsPerSession(minutes));
            PriceSeries s = CsvPriceReader.ReadFile(IntradayFiles.Write(_folder, "X." + interval + ".csv", minutes, sessions: 3, offsets: false));
            Assert.Equal(interval, s.Interval);
            Assert.Equal(252.0 * perSession, s.BarsPerYear);
            Assert.Null(s.Offsets);
            Assert.Equal(3 * perSession, s.Count);
        }

        [Fact]
        public void DailyFilesStayDaily()
        {
            Assert.Equal("1d", Spy.Interval);
            Assert.Equal(252, Spy.BarsPerYear);
            Assert.False(Spy.IsIntraday);
            Assert.Null(Spy.Offsets);

            // A daily export with midnight timestamps and offsets (yfinance) is still daily.
            PriceSeries s = CsvPriceReader.Read(new StringReader("Date,Open,High,Low,Close,Volume\n2020-01-02 00:00:00-05:00,1,2,0.5,1.5,10\n2020-01-03 00:00:00-05:00,1,2,0.5,1.6,10\n"), "d.csv", "D");
            Assert.Equal("1d", s.Interval);
            Assert.Equal("2020-01-02", s.ToPriceData().Dates![0]);
        }

        [Fact]
        public void BadIntradayRowsAreNamed()
        {
            string header = "Datetime,Open,High,Low,Close,Volume\n";
            MarketDataException dup = Assert.Throws<MarketDataException>(() => CsvPriceReader.Read(new StringReader(header
                + "2025-01-02 09:30:00,1,1,1,1,1\n2025-01-02 09:31:00,1,1,1,1,1\n2025-01-02 09:31:00,1,1,1,1,1\n"), "m.csv", "M"));
            Assert.Equal("m.csv line 4: Date 2025-01-02T09:31:00 is a duplicate of the previous row", dup.Message);

            MarketDataException mixed = Assert.Throws<MarketDataException>(() => CsvPriceReader.Read(new StringReader(header
                + "2025-01-02 09:30:00-05:00,1,1,1,1,1\n2025-01-02 09:31:00,1,1,1,1,1\n"), "m.csv", "M"));
            Assert.Contains("line 3: the timestamp lacks a UTC offset unlike the rows before it", mixed.Message);

            MarketDataException badTime = Assert.Throws<MarketDataException>(() => CsvPriceReader.Read(new StringReader(header
                + "2025-01-02 25:30:00,1,1,1,1,1\n"), "m.csv", "M"));
            Assert.Contains("Date '2025-01-02 25:30:00' is not a valid date", badTime.Message);

            // ISO 'T' and 'Z' work as well as a space and an offset.
            PriceSeries z = CsvPriceReader.Read(new StringReader(header + "2025-01-02T14:30:00Z,1,1,1,1,1\n2025-01-02T14:31:00Z,1,1,1,1,1\n"), "z.csv", "Z");
            Assert.Equal(TimeSpan.Zero, z.Offsets![1]);
            Assert.Equal("2025-01-02T14:31:00Z", z.ToPriceData().Dates![1]);
            Assert.Equal("1min", z.Interval);
        }

        [Fact]
        public void TheLibraryFindsFilesByInterval()
        {
            IntradayFiles.Write(_folder, "SPY.5min.csv", 5, sessions: 2);
            IntradayFiles.Write(_folder, "SPY.1min.csv", 1, sessions: 1);
            IntradayFiles.Write(_folder, "QQQ.1min.csv", 5, sessions: 1);   // mislabelled: 5-minute bars
            IntradayFiles.Write(_folder, "ABC.15min.csv", 15, sessions: 2); // intraday only
            var library = new PriceLibrary(_folder, DataDirectory);

            Assert.Equal(2600, library.Get("SPY").Count);                  // daily from the bundled SPY.csv
            Assert.Equal("5min", library.Get("spy", "5min").Interval);
            Assert.Equal("1min", library.Get("SPY", "1MIN").Interval);
            Assert.Same(library.Get("SPY", "5min"), library.Get("SPY", "5min"));
            Assert.Equal(new[] { "1min", "5min", "1d" }, library.IntervalsOf("SPY"));
            Assert.Equal(1, library.Symbols.Count(s => s == "SPY"));
            Assert.Equal("15min", library.Get("ABC").Interval);             // its only file

            MarketDataException missing = Assert.Throws<MarketDataException>(() => library.Get("SPY", "1h"));
            Assert.Contains("No '1h' market data for symbol 'SPY'. Its intervals: 1min, 5min, 1d", missing.Message);
            MarketDataException wrong = Assert.Throws<MarketDataException>(() => library.Get("QQQ", "1min"));
            Assert.Contains("QQQ.1min.csv", wrong.Message);
            Assert.Contains("the file name declares 1min bars but the data has 5min bars", wrong.Message);
            Assert.Equal("1d", library.Get("QQQ", "1d").Interval);          // the bundled daily file is still there
        }

        [Fact]
        public void SharpeIsAnnualisedByTheRealBarInterval()
        {
            PriceSeries s = CsvPriceReader.ReadFile(IntradayFiles.Write(_folder, "SPY.5min.csv", 5, sessions: 10, seed: 8));
            BacktestResult r = StrategyCatalog.Run("momentum", s, P(("interval", "5min"), ("lookback", 6), ("threshold", 0.001)), new RunOptions { EquityPoints = s.Count });
            BacktestMetrics m = r.Metrics;
            Assert.Equal("5min", m.Interval);
            Assert.Equal(252 * 78, m.BarsPerYear);
            Assert.Equal(5, r.Parameters["interval"]);
            Assert.True(m.Trades > 3, "the fixture should trade");
            Assert.Equal("2025-03-05T09:30:00-05:00", m.StartDate);
            Assert.Equal("2025-03-18T15:55:00-04:00", m.EndDate);
            Assert.StartsWith("2025-03-", r.Trades[0].EntryDate);
            Assert.Contains("T", r.Trades[0].EntryDate);

            double[] equity = r.Equity.Select(p => p.Equity).ToArray();
            double[] returns = equity.Skip(1).Select((e, i) => e / equity[i] - 1).ToArray();
            double mean = returns.Average();
            double sd = Math.Sqrt(returns.Sum(x => (x - mean) * (x - mean)) / (returns.Length - 1));
            Assert.Equal(mean / sd * Math.Sqrt(252 * 78), m.Sharpe, 9);
            Assert.Equal(sd * Math.Sqrt(252 * 78), m.Volatility, 9);

            // Calendar annualisation over the real elapsed time: 14:30Z on 03-05 to 19:55Z on 03-18.
            double days = (new DateTime(2025, 3, 18, 19, 55, 0) - new DateTime(2025, 3, 5, 14, 30, 0)).TotalDays;
            Assert.Equal(Math.Pow(1 + m.TotalReturn, 365.25 / days) - 1, m.AnnualizedReturn, 9);
        }

        [Fact]
        public void TheIntervalParameterIsCheckedAgainstTheData()
        {
            PriceSeries s = CsvPriceReader.ReadFile(IntradayFiles.Write(_folder, "SPY.5min.csv", 5, sessions: 2));
            StrategyException e = Assert.Throws<StrategyException>(() => StrategyCatalog.Run("momentum", s, P(("interval", "1d"))));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, e.Code);
            Assert.Equal("Parameter 'interval' of momentum is 1d but the data of SPY has 5min bars; load SPY.1d.csv or drop 'interval'.", e.Message);
            Assert.Throws<StrategyException>(() => StrategyCatalog.Run("momentum", Spy, P(("interval", "1min"))));
            Assert.Equal(1440, StrategyCatalog.Run("momentum", Spy, P(("interval", "1d"))).Parameters["interval"]);
        }

        [Fact]
        public void WindowsCutAtTimesOfDay()
        {
            PriceSeries s = CsvPriceReader.ReadFile(IntradayFiles.Write(_folder, "SPY.5min.csv", 5, sessions: 3));
            BacktestResult r = StrategyCatalog.Run("momentum", s, P(("start", "2025-03-06T10:00"), ("end", "2025-03-07T12:00"), ("lookback", 12)));
            Assert.Equal("2025-03-06T10:00:00-05:00", r.Metrics.StartDate);
            Assert.Equal("2025-03-07T12:00:00-05:00", r.Metrics.EndDate);
            Assert.Equal(72 + 31, r.Metrics.Bars);                         // 10:00..15:55 and 09:30..12:00
            Assert.Equal(20250306100000, r.Parameters["start"]);

            // A date without a time takes the whole day.
            BacktestResult day = StrategyCatalog.Run("momentum", s, P(("start", "2025-03-06"), ("end", "2025-03-06"), ("lookback", 12)));
            Assert.Equal(78, day.Metrics.Bars);
            Assert.Equal("2025-03-06T15:55:00-05:00", day.Metrics.EndDate);
        }

        [Fact]
        public void TheRunnerLoadsAndRunsIntradayData()
        {
            PriceSeries s = CsvPriceReader.ReadFile(IntradayFiles.Write(_folder, "SPY.5min.csv", 5, sessions: 3));
            var handler = new RunnerRequestHandler("test");
            string data = JsonSerializer.Serialize(s.ToPriceData(), ProtocolJsonContext.Default.PriceData);
            string load = Encoding.UTF8.GetString(handler.Handle(Encoding.UTF8.GetBytes("{\"id\":\"l\",\"op\":\"load\",\"dataset\":\"SPY.5min\",\"data\":" + data + "}"), out _).ToArray());
            Assert.Contains("\"bars\":234", load);
            string run = Encoding.UTF8.GetString(handler.Handle(Encoding.UTF8.GetBytes(
                "{\"id\":\"r\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"SPY.5min\",\"parameters\":{\"interval\":\"5min\",\"lookback\":6,\"start\":\"2025-03-06T09:30\"},\"options\":{\"validation\":{\"split\":0.5}}}"), out _).ToArray());
            using JsonDocument doc = JsonDocument.Parse(run);
            JsonElement metrics = doc.RootElement.GetProperty("result").GetProperty("metrics");
            Assert.Equal("5min", metrics.GetProperty("interval").GetString());
            Assert.Equal(252 * 78, metrics.GetProperty("barsPerYear").GetDouble());
            Assert.Equal("2025-03-06T09:30:00-05:00", metrics.GetProperty("startDate").GetString());
            Assert.Equal(156, metrics.GetProperty("bars").GetInt32());
            Assert.Equal(2, doc.RootElement.GetProperty("result").GetProperty("segments").GetArrayLength());
        }
    }
}
