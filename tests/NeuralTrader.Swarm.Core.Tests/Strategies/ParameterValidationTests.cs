using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using static NeuralTrader.Swarm.Tests.Strategies.TestSeries;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    public class ParameterValidationTests
    {
        [Fact]
        public void CatalogDescribesEveryStrategyWithDefaultsAndRanges()
        {
            Assert.Equal(new[] { "momentum", "mean-reversion", "neural-forecast" }, StrategyCatalog.All.Select(s => s.Name));
            StrategyInfo momentum = StrategyCatalog.Get("Momentum");
            ParameterInfo lookback = momentum.Parameters.Single(p => p.Name == "lookback");
            Assert.Equal(("integer", 20.0, 1.0), (lookback.Kind, lookback.Default!.Value, lookback.Min!.Value));
            Assert.Equal(0.02, momentum.Parameters.Single(p => p.Name == "threshold").Default);
            foreach (StrategyInfo info in StrategyCatalog.All)
            {
                Assert.False(string.IsNullOrEmpty(info.Description));
                foreach (string common in new[] { "allocation", "positionSize", "initialCash", "commissionPerTrade", "slippageBps", "allowShort", "start", "end", "interval" })
                {
                    Assert.Contains(info.Parameters, p => p.Name == common);
                }

                Assert.All(info.Parameters.Where(p => p.Default.HasValue), p => Assert.True(p.Min <= p.Default && p.Default <= p.Max, info.Name + "." + p.Name));
            }
        }

        [Fact]
        public void UnknownStrategyListsKnownTypes()
        {
            StrategyException ex = Assert.Throws<StrategyException>(() => StrategyCatalog.Get("arbitrage"));
            Assert.Equal(RunnerErrorCodes.UnknownStrategy, ex.Code);
            Assert.Equal("Unknown strategy 'arbitrage'. Known strategies: momentum, mean-reversion, neural-forecast.", ex.Message);
            Assert.Equal(RunnerErrorCodes.UnknownStrategy, Assert.Throws<StrategyException>(() => StrategyCatalog.Run("nope", Spy, null)).Code);
        }

        [Fact]
        public void DefaultsAreFilledIn()
        {
            IReadOnlyDictionary<string, double> v = StrategyCatalog.Validate("mean-reversion", null, 100);
            Assert.Equal(20, v["lookback"]);
            Assert.Equal(2.0, v["entryZ"]);
            Assert.Equal(0.5, v["exitZ"]);
            Assert.Equal(1, v["allocation"]);                 // fully invested unless positionSize is given
            Assert.False(v.ContainsKey("positionSize"));
            Assert.False(v.ContainsKey("interval"));
            Assert.Equal(100000, v["initialCash"]);
            Assert.Equal(0, v["allowShort"]);
            Assert.False(v.ContainsKey("start"));
        }

        public static IEnumerable<object[]> AcceptedValues() => new[]
        {
            new object[] { "lookback", 30, 30.0 },
            new object[] { "lookback", 30L, 30.0 },
            new object[] { "lookback", 30.0m, 30.0 },
            new object[] { "lookback", "30", 30.0 },
            new object[] { "lookback", (short)30, 30.0 },
            new object[] { "lookback", JsonDocument.Parse("30").RootElement, 30.0 },
            new object[] { "lookback", JsonDocument.Parse("\"30\"").RootElement, 30.0 },
            new object[] { "threshold", 0.05f, (double)0.05f },
            new object[] { "threshold", " 0.05 ", 0.05 },
            new object[] { "THRESHOLD", 1e-3, 0.001 },
            new object[] { "allowShort", true, 1.0 },
            new object[] { "allowShort", "false", 0.0 },
            new object[] { "allowShort", 1, 1.0 },
            new object[] { "allowShort", JsonDocument.Parse("true").RootElement, 1.0 },
            new object[] { "start", "2020-01-31", 20200131.0 },
            new object[] { "start", new DateTime(2020, 1, 31), 20200131.0 },
            new object[] { "end", JsonDocument.Parse("\"2021-12-01\"").RootElement, 20211201.0 },
            new object[] { "start", "2020-01-31T09:30", 20200131093000.0 },
            new object[] { "end", "2020-01-31 15:59:30-05:00", 20200131155930.0 },
            new object[] { "interval", "5min", 5.0 },
            new object[] { "interval", "1H", 60.0 },
            new object[] { "interval", JsonDocument.Parse("\"1d\"").RootElement, 1440.0 },
            new object[] { "interval", 15, 15.0 },
            new object[] { "positionSize", 10, 10.0 },
            new object[] { "allocation", 0.25, 0.25 },
        };

        [Theory]
        [MemberData(nameof(AcceptedValues))]
        public void ValuesOfManyTypesAreAccepted(string name, object value, double expected)
        {
            IReadOnlyDictionary<string, double> v = StrategyCatalog.Validate("momentum", P((name, value)), 500);
            string canonical = StrategyCatalog.Get("momentum").Parameters.Single(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)).Name;
            Assert.Equal(expected, v[canonical]);
        }

        public static IEnumerable<object?[]> RejectedValues() => new[]
        {
            new object?[] { "lookback", -5, "Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got -5." },
            new object?[] { "lookback", 0, "Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got 0." },
            new object?[] { "lookback", 2.5, "Parameter 'lookback' of momentum must be a whole number between 1 and 1000, got 2.5." },
            new object?[] { "threshold", "abc", "Parameter 'threshold' of momentum must be a number between 0 and 1, got 'abc'." },
            new object?[] { "threshold", double.NaN, "Parameter 'threshold' of momentum must be a finite number between 0 and 1, got NaN." },
            new object?[] { "threshold", "NaN", "Parameter 'threshold' of momentum must be a finite number between 0 and 1, got 'NaN'." },
            new object?[] { "threshold", double.PositiveInfinity, "Parameter 'threshold' of momentum must be a finite number between 0 and 1, got Infinity." },
            new object?[] { "threshold", true, "Parameter 'threshold' of momentum must be a number between 0 and 1, got boolean true." },
            new object?[] { "threshold", null, "Parameter 'threshold' of momentum has no value." },
            new object?[] { "threshold", JsonDocument.Parse("[1]").RootElement, "Parameter 'threshold' of momentum must be a number between 0 and 1, got JSON array [1]." },
            new object?[] { "allowShort", 2, "Parameter 'allowShort' of momentum must be true/false or 1/0, got 2." },
            new object?[] { "allowShort", "yes", "Parameter 'allowShort' of momentum must be true/false or 1/0, got 'yes'." },
            new object?[] { "start", "31/01/2020x", "Parameter 'start' of momentum must be a yyyy-MM-dd date (or yyyy-MM-ddTHH:mm for intraday data), got '31/01/2020x'." },
            new object?[] { "start", 5, "Parameter 'start' of momentum must be a yyyy-MM-dd date (or yyyy-MM-ddTHH:mm for intraday data), got '5'." },
            new object?[] { "interval", "2min", "Parameter 'interval' of momentum must be one of 1min, 5min, 15min, 30min, 1h, 1d, got '2min'." },
            new object?[] { "allocation", 1.5, "Parameter 'allocation' of momentum is out of range: must be between 0.0001 and 1, got 1.5." },
            new object?[] { "slippageBps", -1, "Parameter 'slippageBps' of momentum is out of range: must be between 0 and 1000, got -1." },
            new object?[] { "positionSize", 0, "Parameter 'positionSize' of momentum is out of range: must be between 1E-06 and 1000000000, got 0." },
            new object?[] { "lookbak", 5, "Unknown parameter 'lookbak' for momentum. Known parameters: lookback, threshold, allocation, positionSize, initialCash, commissionPerTrade, slippageBps, allowShort, start, end, interval." },
        };

        [Theory]
        [MemberData(nameof(RejectedValues))]
        public void BadValuesAreRejectedNamingParameterAndRange(string name, object? value, string message)
        {
            StrategyException ex = Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("momentum", P((name, value)), 500));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, ex.Code);
            Assert.Equal(message, ex.Message);
        }

        [Fact]
        public void LookbackMustBeShorterThanTheData()
        {
            StrategyException ex = Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("momentum", P(("lookback", 30)), 30));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, ex.Code);
            Assert.Equal("Parameter 'lookback' of momentum is 30 but must be less than the number of bars up to the window's end (30); use a lookback between 1 and 29 or more data.", ex.Message);
            Assert.Equal(29, StrategyCatalog.Validate("momentum", P(("lookback", 29)), 30)["lookback"]);

            // Through Run, the bars before the window count (they warm the indicators up): a 20-bar window in
            // 2020 runs with lookback 20, but a window at the start of the data has no bars before it.
            BacktestResult warmed = StrategyCatalog.Run("mean-reversion", Spy, P(("start", "2020-01-01"), ("end", "2020-01-30")));
            Assert.Equal(20, warmed.Metrics.Bars);
            int early = Spy.Slice(null, new DateTime(2015, 12, 15)).Count;
            StrategyException sliced = Assert.Throws<StrategyException>(() =>
                StrategyCatalog.Run("mean-reversion", Spy, P(("start", "2015-01-01"), ("end", "2015-12-15"))));
            Assert.Contains("number of bars up to the window's end (" + early + ")", sliced.Message);

            StrategyException neural = Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("neural-forecast", null, 60));
            Assert.Contains("need more than 71 bars", neural.Message);
        }

        [Fact]
        public void CrossParameterAndDuplicateErrors()
        {
            Assert.Equal(
                "Parameter 'start' (2021-01-01) of momentum is after 'end' (2020-01-01).",
                Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("momentum", P(("start", "2021-01-01"), ("end", "2020-01-01")), 500)).Message);
            Assert.Contains("more than once", Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("momentum", P(("lookback", 5), ("LOOKBACK", 6)), 500)).Message);
            Assert.Contains("Parameter 'entryZ' of mean-reversion", Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("mean-reversion", P(("entryZ", -1)), 500)).Message);
            Assert.Contains("Parameter 'seed' of neural-forecast", Assert.Throws<StrategyException>(() => StrategyCatalog.Validate("neural-forecast", P(("seed", 1.5)), 500)).Message);
        }
    }
}
