using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// What a deployment runs on and with: the market data (the user's, then the bundled) and the strategy catalogue's
    /// checks, as the errors users see (UnknownSymbol, UnknownStrategyType, InvalidParameter, InvalidMarketData).
    /// </summary>
    internal sealed class DeploymentInputs
    {
        private readonly PriceLibrary _prices;

        private DeploymentInputs(PriceLibrary prices) => _prices = prices;

        /// <summary>Symbols with market data (user data first, then bundled).</summary>
        public IReadOnlyList<string> Symbols => _prices.Symbols;

        /// <summary>The bar interval a deployment's parameters ask for (null for the daily file, or when unreadable: validation reports that).</summary>
        private static string? IntervalOf(IDictionary<string, object?> parameters)
        {
            if (!parameters.TryGetValue("interval", out var value) || value == null)
                return null;
            var text = value is System.Text.Json.JsonElement e
                ? (e.ValueKind == System.Text.Json.JsonValueKind.String ? e.GetString() : e.GetRawText())
                : Convert.ToString(value, CultureInfo.InvariantCulture);
            if (BarIntervals.TryParse(text, out var minutes))
                return BarIntervals.Name(minutes);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && BarIntervals.IsKnown(number)
                ? BarIntervals.Name((int)number) : null;
        }

        /// <summary>The user's data (file or folder) before the bundled data; InvalidMarketData naming the path when unusable.</summary>
        public static DeploymentInputs Open(string? dataPath)
        {
            if (dataPath != null && dataPath.Trim().Length == 0)
            {
                throw new SwarmException(SwarmErrorIds.InvalidMarketData, SwarmErrorKind.InvalidArgument,
                    "The market data path is empty: leave it out to use the bundled data, or name a CSV file or folder.");
            }

            try
            {
                return new DeploymentInputs(new PriceLibrary(dataPath, BundledData.Directory));
            }
            catch (MarketDataException e)
            {
                // A missing file or a folder without CSV files: checked before any work starts, naming the path.
                throw new SwarmException(SwarmErrorIds.InvalidMarketData, SwarmErrorKind.InvalidArgument,
                    $"The market data path '{e.Source ?? dataPath}' cannot be used: {e.Problem}.", dataPath, e);
            }
        }

        /// <summary>The series of a symbol (daily unless <paramref name="interval"/>); UnknownSymbol naming it otherwise.</summary>
        public PriceSeries Series(string symbol, string? interval = null)
        {
            try
            {
                return _prices.Get(symbol, interval);
            }
            catch (MarketDataException e)
            {
                throw new SwarmException(SwarmErrorIds.UnknownSymbol, SwarmErrorKind.InvalidData, e.Message, symbol, e);
            }
        }

        /// <summary>The catalogue's name of a built-in type; UnknownStrategyType naming the strategy otherwise.</summary>
        public static string BuiltInType(string type, string name)
        {
            try
            {
                return StrategyCatalog.Get(type).Name;
            }
            catch (StrategyException e)
            {
                throw new SwarmException(SwarmErrorIds.UnknownStrategyType, SwarmErrorKind.InvalidArgument,
                    $"Strategy '{name}': {e.Message} Use {{image}} for a custom strategy image.", name, e);
            }
        }

        /// <summary>The catalogue's checks of parameters alone (no symbol yet); InvalidParameter naming the strategy.</summary>
        public static void Validate(string type, IDictionary<string, object?> parameters, string name, int barCount)
        {
            try
            {
                StrategyCatalog.Validate(type, parameters, barCount);
            }
            catch (StrategyException e)
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    $"Strategy '{name}': {e.Message}", name, e);
            }
        }

        /// <summary>
        /// The series the parameters ask for, after the catalogue's checks of the parameters against it;
        /// UnknownSymbol or InvalidParameter naming the value otherwise.
        /// </summary>
        public PriceSeries Validate(string type, IDictionary<string, object?> parameters, string name, string symbol, RunOptions? options)
        {
            var series = Series(symbol, IntervalOf(parameters));
            try
            {
                StrategyCatalog.Validate(type, parameters, series, options);
            }
            catch (StrategyException e)
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    $"Strategy '{name}': {e.Message}", name, e);
            }
            return series;
        }

        /// <summary>The series for a custom image: the symbol's data when there is some, else null (the image may bring its own).</summary>
        public PriceSeries? SeriesIfAny(string symbol, IDictionary<string, object?> parameters) =>
            _prices.Symbols.Contains(symbol, StringComparer.OrdinalIgnoreCase) ? Series(symbol, IntervalOf(parameters)) : null;
    }
}
