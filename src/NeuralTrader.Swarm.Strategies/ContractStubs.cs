// TEMPORARY: the public surface of the strategies library, so Core compiles while the library is written
// on its own branch. Replaced wholesale when that branch merges.
using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Protocol;
#pragma warning disable CS1591
namespace NeuralTrader.Swarm.Strategies
{
    public sealed class PriceSeries
    {
        public string Symbol { get; set; } = "";
        public int Count => Dates.Length;
        public DateTime[] Dates { get; set; } = Array.Empty<DateTime>();
        public double[] Open { get; set; } = Array.Empty<double>();
        public double[] High { get; set; } = Array.Empty<double>();
        public double[] Low { get; set; } = Array.Empty<double>();
        public double[] Close { get; set; } = Array.Empty<double>();
        public double[] Volume { get; set; } = Array.Empty<double>();
        public PriceSeries Slice(DateTime? start, DateTime? end) => throw new NotImplementedException();
        public static PriceSeries FromPriceData(PriceData data) => throw new NotImplementedException();
        public PriceData ToPriceData() => throw new NotImplementedException();
    }
    public sealed class MarketDataException : Exception { public MarketDataException(string m) : base(m) { } }
    public sealed class StrategyException : Exception { public StrategyException(string code, string m) : base(m) { Code = code; } public string Code { get; } }
    public sealed class PriceLibrary
    {
        public PriceLibrary(string? userPath, string bundledDirectory) { }
        public PriceSeries Get(string symbol) => throw new NotImplementedException();
        public IReadOnlyList<string> Symbols => throw new NotImplementedException();
    }
    public sealed class MarketRegime { public string Trend { get; set; } = ""; public string Volatility { get; set; } = ""; public double AnnualizedVolatility { get; set; } public double TrendReturn { get; set; } }
    public static class MarketContext { public static MarketRegime Describe(PriceSeries s) => throw new NotImplementedException(); }
    public static class StrategyCatalog
    {
        public static IReadOnlyList<StrategyInfo> All => throw new NotImplementedException();
        public static StrategyInfo Get(string type) => throw new NotImplementedException();
        public static IReadOnlyDictionary<string, double> Validate(string type, IEnumerable<KeyValuePair<string, object?>> parameters, int barCount) => throw new NotImplementedException();
        public static BacktestResult Run(string type, PriceSeries series, IEnumerable<KeyValuePair<string, object?>> parameters, RunOptions? options = null) => throw new NotImplementedException();
    }
}
