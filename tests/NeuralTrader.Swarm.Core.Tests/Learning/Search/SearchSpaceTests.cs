using System;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Tests.Learning.Search
{
    public sealed class SearchSpaceTests
    {
        [Theory]
        [InlineData("momentum")]
        [InlineData("mean-reversion")]
        [InlineData("neural-forecast")]
        public void DefaultSpacesLieWithinTheCatalogueAndKeepItsDefaults(string strategy)
        {
            var info = StrategyCatalog.Get(strategy);
            var space = SearchSpace.For(strategy);
            foreach (var d in space.Dimensions)
            {
                var p = info.Parameters.Single(x => x.Name == d.Name);
                Assert.True(d.Min >= p.Min && d.Max <= p.Max, d.Name + " range " + d.Min + ".." + d.Max + " leaves the catalogue's " + p.Min + ".." + p.Max);
                Assert.True(d.Max > d.Min, d.Name);
                Assert.Equal(p.Default, d.Default);
            }

            // Money management, costs, dates and the network's seed are the user's choice, never searched.
            foreach (var name in new[] { "positionSize", "initialCash", "commissionPerTrade", "slippageBps", "allowShort", "start", "end", "seed" })
            {
                Assert.False(space.Contains(name), name);
            }
        }

        [Theory]
        [InlineData("momentum")]
        [InlineData("mean-reversion")]
        [InlineData("neural-forecast")]
        public void FullSpaceIsTheCatalogueRange(string strategy)
        {
            var info = StrategyCatalog.Get(strategy);
            var full = SearchSpace.Full(strategy);
            Assert.Equal(SearchSpace.For(strategy).Dimensions.Select(d => d.Name), full.Dimensions.Select(d => d.Name));
            foreach (var d in full.Dimensions)
            {
                var p = info.Parameters.Single(x => x.Name == d.Name);
                Assert.Equal(p.Min, d.Min);
                Assert.Equal(p.Max, d.Max);
            }
        }

        [Fact]
        public void ValuesSnapToTheResolutionAndStayInRange()
        {
            var space = SearchSpace.For("momentum");
            var threshold = space.Dimensions[space.IndexOf("threshold")];
            var lookback = space.Dimensions[space.IndexOf("lookback")];
            Assert.Equal(0.012, threshold.Snap(0.01234));
            Assert.Equal(0.1, threshold.Snap(3));
            Assert.Equal(0, threshold.Snap(-1));
            Assert.Equal(42, lookback.Snap(41.6));
            Assert.Equal(5, lookback.FromUnit(-0.5));
            Assert.Equal(250, lookback.FromUnit(1));

            // Log scale: equal ratios are equal distances.
            Assert.Equal(lookback.ToUnit(10) - lookback.ToUnit(5), lookback.ToUnit(250) - lookback.ToUnit(125), 12);
            Assert.True(space.IsOnBound(new System.Collections.Generic.Dictionary<string, double> { ["lookback"] = 250, ["threshold"] = 0.05 }));
            Assert.False(space.IsOnBound(new System.Collections.Generic.Dictionary<string, double> { ["lookback"] = 249, ["threshold"] = 0.05 }));
            Assert.Equal(
                space.KeyOf(new System.Collections.Generic.Dictionary<string, double> { ["lookback"] = 20, ["threshold"] = 0.0201 }),
                space.KeyOf(new System.Collections.Generic.Dictionary<string, double> { ["LOOKBACK"] = 20.2, ["threshold"] = 0.02, ["positionSize"] = 7 }));
        }

        [Fact]
        public void WideningReplacesOneRangeAndUnknownNamesAreNamed()
        {
            var wide = SearchSpace.For("momentum").WithRange("lookback", 2, 600);
            Assert.Equal(600, wide.Dimensions[wide.IndexOf("lookback")].Max);
            Assert.Equal(0.1, wide.Dimensions[wide.IndexOf("threshold")].Max);
            var e = Assert.Throws<ArgumentException>(() => wide.WithRange("lookbak", 1, 2));
            Assert.Contains("'lookbak'", e.Message);
        }

        [Fact]
        public void InvalidDimensionsAreRejectedWithTheirName()
        {
            Assert.Contains("'rate'", Assert.Throws<ArgumentException>(() => new SearchDimension("rate", ParameterKind.Number, 0, 1, 0.5, SearchScale.Log)).Message);
            Assert.Contains("'x'", Assert.Throws<ArgumentException>(() => new SearchDimension("x", ParameterKind.Number, 2, 1, 1)).Message);
            Assert.Contains("'start'", Assert.Throws<ArgumentException>(() => new SearchDimension("start", ParameterKind.Date, 0, 1, 0)).Message);
            Assert.Throws<ArgumentException>(() => new SearchSpace(new[] { new SearchDimension("a", ParameterKind.Number, 0, 1, 0), new SearchDimension("A", ParameterKind.Number, 0, 1, 0) }));
        }
    }
}
