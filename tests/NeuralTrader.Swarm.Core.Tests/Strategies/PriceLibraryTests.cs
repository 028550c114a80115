using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public sealed class PriceLibraryTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nt-lib-" + Guid.NewGuid().ToString("N"));

        public PriceLibraryTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void BundledSymbolsResolveAndUnknownListsAvailable()
        {
            var library = new PriceLibrary(null, TestSeries.DataDirectory);
            Assert.Equal(new[] { "IWM", "QQQ", "SPY", "TSLA" }, library.Symbols);
            Assert.Equal(2600, library.Get("spy").Count);
            Assert.Same(library.Get("SPY"), library.Get("spy"));   // cached

            MarketDataException ex = Assert.Throws<MarketDataException>(() => library.Get("XYZ"));
            Assert.Equal("No market data for symbol 'XYZ'. Available: IWM, QQQ, SPY, TSLA", ex.Message);
            Assert.Null(ex.Source);
            Assert.Equal(0, ex.LineNumber);
        }

        [Fact]
        public void UserFolderWinsOverBundledData()
        {
            File.WriteAllText(Path.Combine(_dir, "SPY.csv"), "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,10\n2020-01-03,1,2,0.5,1.7,10\n");
            File.WriteAllText(Path.Combine(_dir, "abc.csv"), "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,10\n");
            File.WriteAllText(Path.Combine(_dir, "notes.txt"), "ignored");
            var library = new PriceLibrary(_dir, TestSeries.DataDirectory);
            Assert.Equal(new[] { "ABC", "IWM", "QQQ", "SPY", "TSLA" }, library.Symbols);
            Assert.Equal(2, library.Get("SPY").Count);
            Assert.Equal(1, library.Get("abc").Count);
            Assert.Equal(2600, library.Get("QQQ").Count);
        }

        [Fact]
        public void UserFileIsOneSymbolAndBadFilesReportLine()
        {
            string file = Path.Combine(_dir, "tsla.csv");
            File.WriteAllText(file, "Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,10\n2020-01-03,1,0.4,0.5,1.5,10\n");
            var library = new PriceLibrary(file, TestSeries.DataDirectory);
            MarketDataException ex = Assert.Throws<MarketDataException>(() => library.Get("TSLA"));
            Assert.Equal("tsla.csv line 3: High 0.4 is below Low 0.5", ex.Message);

            Assert.Throws<MarketDataException>(() => new PriceLibrary(Path.Combine(_dir, "missing"), TestSeries.DataDirectory));
            var none = new PriceLibrary(null, Path.Combine(_dir, "no-bundle"));
            Assert.Equal("No market data for symbol 'SPY'. Available: (none)", Assert.Throws<MarketDataException>(() => none.Get("SPY")).Message);
        }

        [Fact]
        public void ConcurrentGetsReadOnce()
        {
            var library = new PriceLibrary(null, TestSeries.DataDirectory);
            PriceSeries[] results = new PriceSeries[16];
            Parallel.For(0, results.Length, i => results[i] = library.Get(i % 2 == 0 ? "IWM" : "iwm"));
            Assert.All(results, r => Assert.Same(results[0], r));
        }

        [Fact]
        public void PriceDataRoundTripsAndValidates()
        {
            PriceSeries spy = TestSeries.Spy.Slice(new DateTime(2024, 1, 1), new DateTime(2024, 1, 31));
            PriceData data = spy.ToPriceData();
            Assert.Equal("2024-01-02", data.Dates![0]);
            PriceSeries back = PriceSeries.FromPriceData(data);
            Assert.Equal(spy.Dates, back.Dates);
            Assert.Equal(spy.Close, back.Close);

            data.High![3] = data.Low![3] - 1;
            StrategyException ex = Assert.Throws<StrategyException>(() => PriceSeries.FromPriceData(data));
            Assert.Equal(RunnerErrorCodes.InvalidData, ex.Code);
            Assert.Contains("bar 3 (2024-01-05): high", ex.Message);

            PriceData shortData = spy.ToPriceData();
            shortData.Volume = shortData.Volume!.Take(3).ToArray();
            Assert.Contains("volume has 3 values", Assert.Throws<StrategyException>(() => PriceSeries.FromPriceData(shortData)).Message);

            PriceData badDate = spy.ToPriceData();
            badDate.Dates![1] = "January";
            Assert.Contains("data.dates[1] 'January'", Assert.Throws<StrategyException>(() => PriceSeries.FromPriceData(badDate)).Message);

            PriceData unordered = spy.ToPriceData();
            (unordered.Dates![1], unordered.Dates[2]) = (unordered.Dates[2], unordered.Dates[1]);
            Assert.Contains("dates must ascend", Assert.Throws<StrategyException>(() => PriceSeries.FromPriceData(unordered)).Message);
        }

        [Fact]
        public void SliceSelectsInclusiveDatesAndRejectsEmptyWindows()
        {
            PriceSeries spy = TestSeries.Spy;
            Assert.Same(spy, spy.Slice(null, null));
            PriceSeries window = spy.Slice(new DateTime(2020, 3, 2), new DateTime(2020, 3, 6));
            Assert.Equal(5, window.Count);
            Assert.Equal(new DateTime(2020, 3, 2), window.StartDate);
            StrategyException ex = Assert.Throws<StrategyException>(() => spy.Slice(new DateTime(2030, 1, 1), null));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, ex.Code);
            Assert.Contains("2015-11-23 .. 2026-03-27", ex.Message);
        }

        [Fact]
        public void MarketContextClassifiesTrendAndVolatility()
        {
            var library = new PriceLibrary(null, TestSeries.DataDirectory);
            var spy = MarketRegimes.Classify(library.Get("SPY").Close);
            Assert.Equal("up", spy.Trend);                        // ~13% a year over 2015-2026
            Assert.Equal("normal", spy.Volatility);               // ~18% annualised
            Assert.Equal(634.09 / 175.67 - 1, spy.TrendReturn, 2);
            Assert.InRange(spy.AnnualizedVolatility, 0.12, 0.25);

            Assert.Equal("high", MarketRegimes.Classify(library.Get("TSLA").Close).Volatility);

            var crash = MarketRegimes.Classify(library.Get("SPY").Slice(new DateTime(2020, 2, 19), new DateTime(2020, 3, 23)).Close);
            Assert.Equal("down", crash.Trend);
            Assert.Equal("high", crash.Volatility);

            // A constant-ratio series: every log return equal -> volatility 0 (low); 1%/day -> up.
            PriceSeries steady = TestSeries.FromReturns(Enumerable.Repeat(0.0, 50).ToArray());
            var flat = MarketRegimes.Classify(steady.Close);
            Assert.Equal("sideways", flat.Trend);
            Assert.Equal("low", flat.Volatility);
        }
    }
}
