using System;
using System.IO;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public sealed class CsvPriceReaderTests : IDisposable
    {
        private const string Header = "Date,Open,High,Low,Close,Adj Close,Volume";
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nt-csv-" + Guid.NewGuid().ToString("N"));

        public CsvPriceReaderTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        [Fact]
        public void ReadsAnyColumnOrderCaseInsensitiveWithSymbolFromFileName()
        {
            string path = Write("spy.csv",
                "volume,CLOSE,low,High,open,AdjClose,date",
                "1000,101.5,99,102,100,101.5,2020-01-02",
                "2000,103,100.5,104,101,103,2020-01-03");
            PriceSeries s = CsvPriceReader.ReadFile(path);
            Assert.Equal("SPY", s.Symbol);
            Assert.Equal(2, s.Count);
            Assert.Equal(new DateTime(2020, 1, 3), s.Dates[1]);
            Assert.Equal(101, s.Open[1]);
            Assert.Equal(104, s.High[1]);
            Assert.Equal(100.5, s.Low[1]);
            Assert.Equal(103, s.Close[1]);
            Assert.Equal(2000, s.Volume[1]);
            Assert.Equal("XYZ", CsvPriceReader.ReadFile(path, "XYZ").Symbol);
        }

        [Fact]
        public void ByteOrderMarkQuotesAndTimeSuffixesAreTolerated()
        {
            string text = "\uFEFF\"Date\",\"Open\",\"High\",\"Low\",\"Close\",\"Volume\"\r\n2020-01-02 00:00:00-05:00,1,2,0.5,1.5,10\r\n\r\n2020-01-03,1,2,0.5,1.6,1e3\r\n";
            PriceSeries s = CsvPriceReader.Read(new StringReader(text), "q.csv", "Q");
            Assert.Equal(new[] { new DateTime(2020, 1, 2), new DateTime(2020, 1, 3) }, s.Dates);
            Assert.Equal(1000, s.Volume[1]);
        }

        [Fact]
        public void AdjCloseIsOptional()
        {
            PriceSeries s = CsvPriceReader.Read(new StringReader("Date,Open,High,Low,Close,Volume\n2020-01-02,1,2,0.5,1.5,10\n"), "x.csv", "X");
            Assert.Equal(1.5, s.Close[0]);
        }

        [Theory]
        [InlineData("2020-01-03,101,104,100.5,103,103,x2000", 3, "Volume 'x2000' is not a number")]
        [InlineData("2020-01-03,101,100,102.0,103,103,2000", 3, "High 100 is below Low 102.0")]
        [InlineData("2020-01-03,-101,104,100.5,103,103,2000", 3, "Open -101 is not a positive price")]
        [InlineData("2020-01-03,101,104,100.5,0,103,2000", 3, "Close 0 is not a positive price")]
        [InlineData("2020-01-03,101,104,,103,103,2000", 3, "missing Low value")]
        [InlineData("2020-01-03,101,104,null,103,103,2000", 3, "missing Low value")]
        [InlineData("2020-01-03,101,104,100.5,103,2000", 3, "expected 7 columns as in the header, found 6")]
        [InlineData("2020-13-45,101,104,100.5,103,103,2000", 3, "Date '2020-13-45' is not a valid date")]
        [InlineData("2020-01-02,101,104,100.5,103,103,2000", 3, "Date 2020-01-02 is a duplicate")]
        [InlineData("2019-12-31,101,104,100.5,103,103,2000", 3, "Date 2019-12-31 is before the previous row's 2020-01-02")]
        [InlineData("2020-01-03,101,104,100.5,NaN,103,2000", 3, "missing Close value")]
        [InlineData("2020-01-03,101,104,100.5,103,103,-5", 3, "Volume -5 is negative")]
        public void EachProblemNamesFileLineAndProblem(string badRow, int line, string problem)
        {
            string path = Write("SPY.csv", Header, "2020-01-02,100,102,99,101.5,101.5,1000", badRow, "2020-01-06,101,104,100.5,103,103,2000");
            MarketDataException ex = Assert.Throws<MarketDataException>(() => CsvPriceReader.ReadFile(path));
            Assert.Equal(line, ex.LineNumber);
            Assert.Equal(path, ex.Source);
            Assert.StartsWith(problem, ex.Problem);
            Assert.StartsWith("SPY.csv line " + line + ": " + problem, ex.Message);
        }

        [Fact]
        public void HeaderProblems()
        {
            MarketDataException noHeader = Assert.Throws<MarketDataException>(() =>
                CsvPriceReader.Read(new StringReader("2020-01-02,100,102,99,101.5,1000\n"), "a.csv", "A"));
            Assert.Equal(1, noHeader.LineNumber);
            Assert.Contains("header", noHeader.Message);

            MarketDataException missing = Assert.Throws<MarketDataException>(() =>
                CsvPriceReader.Read(new StringReader("Date,Open,High,Close,Volume\n2020-01-02,100,102,101.5,1000\n"), "b.csv", "B"));
            Assert.Equal("b.csv line 1: the header has no 'Low' column (found: Date,Open,High,Close,Volume)", missing.Message);

            MarketDataException empty = Assert.Throws<MarketDataException>(() => CsvPriceReader.Read(new StringReader(""), "c.csv", "C"));
            Assert.StartsWith("c.csv line 1: the file is empty", empty.Message);

            MarketDataException noRows = Assert.Throws<MarketDataException>(() => CsvPriceReader.Read(new StringReader(Header + "\n"), "d.csv", "D"));
            Assert.Contains("no data rows", noRows.Message);

            MarketDataException twice = Assert.Throws<MarketDataException>(() =>
                CsvPriceReader.Read(new StringReader("Date,Open,High,Low,Close,Volume,close\n"), "e.csv", "E"));
            Assert.Contains("'Close' twice", twice.Message);
        }

        [Fact]
        public void MissingFileIsAMarketDataException()
        {
            string path = Path.Combine(_dir, "NOPE.csv");
            MarketDataException ex = Assert.Throws<MarketDataException>(() => CsvPriceReader.ReadFile(path));
            Assert.StartsWith("NOPE.csv: cannot be read", ex.Message);
        }

        [Fact]
        public void BundledFilesAreValidAndShareOneCalendar()
        {
            foreach (string symbol in new[] { "SPY", "QQQ", "IWM", "TSLA" })
            {
                PriceSeries s = CsvPriceReader.ReadFile(Path.Combine(TestSeries.DataDirectory, symbol + ".csv"));
                Assert.Equal(symbol, s.Symbol);
                Assert.Equal(2600, s.Count);
                Assert.Equal(new DateTime(2015, 11, 23), s.StartDate);
                Assert.Equal(new DateTime(2026, 3, 27), s.EndDate);
            }

            Assert.Equal(175.666794, TestSeries.Spy.Close[0]);
        }

        private string Write(string name, params string[] lines)
        {
            string path = Path.Combine(_dir, name);
            File.WriteAllText(path, string.Join("\n", lines) + "\n");
            return path;
        }
    }
}
