using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// The built-in strategies: their parameter descriptors (defaults and ranges, used for validation,
    /// completion and as the optimiser's search space), validation, and the backtest entry point.
    /// See docs/strategies.md for exact semantics.
    /// </summary>
    public static class StrategyCatalog
    {
        /// <summary>Type name of the momentum strategy.</summary>
        public const string Momentum = "momentum";
        /// <summary>Type name of the mean-reversion strategy.</summary>
        public const string MeanReversion = "mean-reversion";
        /// <summary>Type name of the neural-forecast strategy.</summary>
        public const string NeuralForecast = "neural-forecast";

        /// <summary>The allocation used when neither allocation nor positionSize is given: fully invested.</summary>
        public const double DefaultAllocation = 1.0;

        private static readonly ParameterSpec[] Common =
        {
            new ParameterSpec("allocation", ParameterKinds.Number, null, 0.0001, 1, "Fraction of equity each position is worth at entry, commission included (fractional shares); 1, fully invested, unless positionSize is given."),
            new ParameterSpec("positionSize", ParameterKinds.Number, null, 0.000001, 1e9, "Shares per position (long or short) instead of allocation; give one of the two."),
            new ParameterSpec("initialCash", ParameterKinds.Number, 100000, 1, 1e12, "Starting cash; returns are relative to it."),
            new ParameterSpec("commissionPerTrade", ParameterKinds.Number, 0, 0, 1e6, "Cash charged per fill (entry and exit each count)."),
            new ParameterSpec("slippageBps", ParameterKinds.Number, 0, 0, 1000, "Fill price moved against you by this many basis points of the open."),
            new ParameterSpec("allowShort", ParameterKinds.Boolean, 0, 0, 1, "Go short on sell signals instead of flat."),
            new ParameterSpec("start", ParameterKinds.Date, null, null, null, "First date of the backtest window (yyyy-MM-dd or yyyy-MM-ddTHH:mm, inclusive); earlier bars only warm indicators up."),
            new ParameterSpec("end", ParameterKinds.Date, null, null, null, "Last date of the backtest window (yyyy-MM-dd, the whole day, or yyyy-MM-ddTHH:mm, inclusive)."),
            new ParameterSpec("interval", ParameterKinds.Interval, null, null, null, "Bar interval the data must have: 1min, 5min, 15min, 30min, 1h or 1d (selects SYMBOL.<interval>.csv)."),
        };

        private static readonly Definition[] Definitions =
        {
            new Definition(
                Momentum,
                "Long when the close rose more than threshold over lookback bars; flat (or short) when it fell more than threshold.",
                new[]
                {
                    new ParameterSpec("lookback", ParameterKinds.Integer, 20, 1, 1000, "Bars between the two closes compared."),
                    new ParameterSpec("threshold", ParameterKinds.Number, 0.02, 0, 1, "Return over lookback needed to act (0.02 = 2%)."),
                }),
            new Definition(
                MeanReversion,
                "Long when the close is more than entryZ sample deviations below its lookback mean; exit when z rises above -exitZ (mirrored for shorts).",
                new[]
                {
                    new ParameterSpec("lookback", ParameterKinds.Integer, 20, 2, 1000, "Bars in the moving mean and sample deviation (including the decision bar)."),
                    new ParameterSpec("entryZ", ParameterKinds.Number, 2.0, 0, 10, "z-score beyond which a position is opened."),
                    new ParameterSpec("exitZ", ParameterKinds.Number, 0.5, -10, 10, "A long closes when z > -exitZ, a short when z < exitZ."),
                }),
            new Definition(
                NeuralForecast,
                "A small tanh network trained walk-forward on lagged returns predicts the next return; long above threshold, flat (or short) below -threshold.",
                new[]
                {
                    new ParameterSpec("lags", ParameterKinds.Integer, 5, 1, 20, "Lagged daily returns fed to the network."),
                    new ParameterSpec("hidden", ParameterKinds.Integer, 8, 1, 32, "Hidden tanh units."),
                    new ParameterSpec("trainWindow", ParameterKinds.Integer, 250, 20, 2520, "Most recent samples the network trains on."),
                    new ParameterSpec("retrainEvery", ParameterKinds.Integer, 20, 1, 1000, "Bars between retrainings."),
                    new ParameterSpec("epochs", ParameterKinds.Integer, 20, 1, 200, "Passes over the window per retraining."),
                    new ParameterSpec("learningRate", ParameterKinds.Number, 0.01, 0.00001, 1, "Adam step size."),
                    new ParameterSpec("threshold", ParameterKinds.Number, 0, 0, 0.1, "Predicted return needed to act."),
                    new ParameterSpec("seed", ParameterKinds.Integer, 42, 0, int.MaxValue, "Seed for initial weights and shuffling; same seed, same result."),
                }),
        };

        private static readonly StrategyInfo[] Infos = BuildInfos();

        /// <summary>Every built-in strategy with its parameters (strategy-specific first, then the common ones).</summary>
        public static IReadOnlyList<StrategyInfo> All => Infos;

        /// <summary>Names of the built-in strategies.</summary>
        public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(Definitions, d => d.Name);

        /// <summary>The strategy of a type (case-insensitive).</summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.UnknownStrategy"/> listing the known types.</exception>
        public static StrategyInfo Get(string type) => Infos[IndexOf(type)];

        /// <summary>True when <paramref name="type"/> names a built-in strategy.</summary>
        public static bool Contains(string? type)
        {
            if (type is null)
            {
                return false;
            }

            foreach (Definition d in Definitions)
            {
                if (string.Equals(d.Name, type, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// Validates parameters and returns the full effective set (defaults filled in; booleans as 0/1;
        /// dates as the number yyyyMMdd[HHmmss] and intervals as minutes, only when given).
        /// </summary>
        /// <param name="type">Strategy type.</param>
        /// <param name="parameters">Name/value pairs (names case-insensitive). Values may be numbers, strings, booleans, JsonElement or anything whose invariant string parses.</param>
        /// <param name="barCount">Bars available up to the window's end (warm-up included); lookbacks must be shorter.</param>
        /// <exception cref="StrategyException">Unknown strategy, or code <see cref="RunnerErrorCodes.InvalidParameter"/> naming the parameter and the valid range.</exception>
        public static IReadOnlyDictionary<string, double> Validate(string type, IEnumerable<KeyValuePair<string, object?>>? parameters, int barCount)
        {
            int index = IndexOf(type);
            Dictionary<string, double> values = Parse(Definitions[index], parameters);
            CheckBars(Definitions[index], values, barCount);
            return values;
        }

        /// <summary>
        /// Validates parameters against the data they will run on: the interval, the start/end window (it must
        /// hold bars), the warm-up, and the validation scheme of <paramref name="options"/> (its segments must
        /// fit the window). Returns the effective parameters.
        /// </summary>
        /// <exception cref="StrategyException">Unknown strategy, or code <see cref="RunnerErrorCodes.InvalidParameter"/> naming what was wrong.</exception>
        public static IReadOnlyDictionary<string, double> Validate(string type, IEnumerable<KeyValuePair<string, object?>>? parameters, PriceSeries series, RunOptions? options = null)
        {
            if (series is null)
            {
                throw new ArgumentNullException(nameof(series));
            }

            Definition definition = Definitions[IndexOf(type)];
            Dictionary<string, double> values = Parse(definition, parameters);
            (int from, int to) = Window(definition, values, series);
            ValidationScheme.From(options?.Validation)?.Segments(to - from);
            return values;
        }

        /// <summary>
        /// Backtests a strategy: validates the parameters, cuts the start/end window (earlier bars warm the
        /// indicators up), runs the single-pass backtest and returns metrics, trades, the equity curve, the
        /// live signal and, when <see cref="RunOptions.Validation"/> names a scheme, the in- and
        /// out-of-sample segments.
        /// </summary>
        /// <exception cref="StrategyException">Unknown strategy, invalid parameter or validation scheme.</exception>
        public static BacktestResult Run(string type, PriceSeries series, IEnumerable<KeyValuePair<string, object?>>? parameters, RunOptions? options = null)
        {
            if (series is null)
            {
                throw new ArgumentNullException(nameof(series));
            }

            long started = Stopwatch.GetTimestamp();
            int index = IndexOf(type);
            Definition definition = Definitions[index];
            Dictionary<string, double> values = Parse(definition, parameters);
            (int from, int to) = Window(definition, values, series);
            options ??= new RunOptions();
            ValidationScheme? scheme = ValidationScheme.From(options.Validation);
            IReadOnlyList<ValidationSegment>? segments = scheme?.Segments(to - from);

            // Only the bars up to the window's end exist for the strategy: nothing after it can leak in.
            PriceSeries data = series.Take(0, to);
            var settings = new CommonSettings
            {
                PositionSize = values.TryGetValue("positionSize", out double size) ? size : 0,
                Allocation = values.TryGetValue("allocation", out double allocation) ? allocation : 0,
                InitialCash = values["initialCash"],
                Commission = values["commissionPerTrade"],
                SlippageBps = values["slippageBps"],
                AllowShort = values["allowShort"] != 0,
            };
            var result = new BacktestResult
            {
                Strategy = definition.Name,
                Symbol = data.Symbol,
                Parameters = values,
            };

            Backtest(definition.Name, values, settings, data, from, options, result);
            if (segments != null)
            {
                // Each segment is a backtest of its own (fresh cash), warmed up on every bar before it.
                var quiet = new RunOptions { IncludeTrades = false, EquityPoints = 0 };
                result.Segments = new List<BacktestSegment>(segments.Count);
                foreach (ValidationSegment segment in segments)
                {
                    long segmentStarted = Stopwatch.GetTimestamp();
                    var part = new BacktestResult();
                    Backtest(definition.Name, values, settings, data.Take(0, from + segment.End), from + segment.First, quiet, part);
                    part.Metrics.ComputeMs = (Stopwatch.GetTimestamp() - segmentStarted) * 1000.0 / Stopwatch.Frequency;
                    result.Segments.Add(new BacktestSegment
                    {
                        Name = segment.Name,
                        Sample = segment.Sample,
                        Fold = segment.Fold,
                        FirstBar = segment.First,
                        Metrics = part.Metrics,
                    });
                }
            }

            result.Metrics.ComputeMs = (Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency;
            return result;
        }

        /// <summary>Runs one strategy over bars [from, data.Count) of <paramref name="data"/>, warmed up on the bars before.</summary>
        private static void Backtest(string name, Dictionary<string, double> values, in CommonSettings settings, PriceSeries data, int from, RunOptions options, BacktestResult result)
        {
            switch (name)
            {
                case Momentum:
                {
                    var signal = new MomentumSignal(data.Close, (int)values["lookback"], values["threshold"], settings.AllowShort);
                    Backtester.Run(ref signal, data, from, settings, options, result);
                    break;
                }

                case MeanReversion:
                {
                    var signal = new MeanReversionSignal(data.Close, (int)values["lookback"], values["entryZ"], values["exitZ"], settings.AllowShort);
                    Backtester.Run(ref signal, data, from, settings, options, result);
                    break;
                }

                default:
                {
                    var model = new NeuralForecaster(
                        data.Close,
                        (int)values["lags"],
                        (int)values["hidden"],
                        (int)values["trainWindow"],
                        (int)values["retrainEvery"],
                        (int)values["epochs"],
                        values["learningRate"],
                        values["threshold"],
                        (int)values["seed"],
                        settings.AllowShort);
                    var signal = new NeuralSignal(model);
                    Backtester.Run(ref signal, data, from, settings, options, result);
                    result.Metrics.DirectionalAccuracy = model.DirectionalAccuracy(from);
                    break;
                }
            }
        }

        /// <summary>
        /// The window's bars [from, to) of the series after checking the requested interval against the data's
        /// and the warm-up against the bars up to the window's end.
        /// </summary>
        private static (int From, int To) Window(Definition definition, Dictionary<string, double> values, PriceSeries series)
        {
            if (values.TryGetValue("interval", out double minutes) && (int)minutes != series.IntervalMinutes)
            {
                throw new StrategyException(
                    RunnerErrorCodes.InvalidParameter,
                    "Parameter 'interval' of " + definition.Name + " is " + BarIntervals.Name((int)minutes) + " but the data of " + series.Symbol
                    + " has " + series.Interval + " bars; load " + series.Symbol + "." + BarIntervals.Name((int)minutes) + ".csv or drop 'interval'.");
            }

            DateTime? start = values.TryGetValue("start", out double s) ? ParameterSpec.DateFromNumber(s) : (DateTime?)null;
            DateTime? end = values.TryGetValue("end", out double e) ? ParameterSpec.DateFromNumber(e) : (DateTime?)null;
            (int from, int to) = series.Count == 0 ? (0, 0) : series.Range(start, end);
            CheckBars(definition, values, to);
            return (from, to);
        }

        /// <summary>Bars needed before the strategy can make its first decision (the warm-up), for the given parameters.</summary>
        internal static int FirstDecisionBar(string name, IReadOnlyDictionary<string, double> values)
        {
            switch (name)
            {
                case Momentum:
                    return (int)values["lookback"];
                case MeanReversion:
                    return (int)values["lookback"] - 1;
                default:
                    return NeuralForecaster.FirstDecisionBar((int)values["lags"], (int)values["trainWindow"]);
            }
        }

        private static int IndexOf(string type)
        {
            if (type != null)
            {
                for (int i = 0; i < Definitions.Length; i++)
                {
                    if (string.Equals(Definitions[i].Name, type, StringComparison.OrdinalIgnoreCase))
                    {
                        return i;
                    }
                }
            }

            throw new StrategyException(
                RunnerErrorCodes.UnknownStrategy,
                "Unknown strategy '" + type + "'. Known strategies: " + string.Join(", ", Names) + ".");
        }

        private static Dictionary<string, double> Parse(Definition definition, IEnumerable<KeyValuePair<string, object?>>? parameters)
        {
            // Sized for every parameter: growing from the default capacity rehashed twice per run.
            var values = new Dictionary<string, double>(definition.Parameters.Length, StringComparer.Ordinal);
            if (parameters != null)
            {
                foreach (KeyValuePair<string, object?> pair in parameters)
                {
                    ParameterSpec? spec = definition.Find(pair.Key);
                    if (spec is null)
                    {
                        throw new StrategyException(
                            RunnerErrorCodes.InvalidParameter,
                            "Unknown parameter '" + pair.Key + "' for " + definition.Name + ". Known parameters: " + definition.NameList + ".");
                    }

                    if (values.ContainsKey(spec.Name))
                    {
                        throw spec.Error(definition.Name, "is given more than once");
                    }

                    values.Add(spec.Name, spec.Convert(definition.Name, pair.Value));
                }
            }

            foreach (ParameterSpec spec in definition.Parameters)
            {
                if (!values.ContainsKey(spec.Name) && spec.Default.HasValue)
                {
                    values.Add(spec.Name, spec.Default.Value);
                }
            }

            // Sizing: explicit shares or a fraction of equity, fully invested unless told otherwise.
            bool hasSize = values.ContainsKey("positionSize");
            if (hasSize && values.ContainsKey("allocation"))
            {
                throw new StrategyException(
                    RunnerErrorCodes.InvalidParameter,
                    "Parameters 'positionSize' and 'allocation' of " + definition.Name + " are both given; give one: positionSize is shares per position, allocation a fraction of equity (default 1, fully invested).");
            }

            if (!hasSize && !values.ContainsKey("allocation"))
            {
                values["allocation"] = DefaultAllocation;
            }

            if (values.TryGetValue("start", out double start) && values.TryGetValue("end", out double end) && start > end)
            {
                throw new StrategyException(
                    RunnerErrorCodes.InvalidParameter,
                    "Parameter 'start' (" + DateText(start) + ") of " + definition.Name + " is after 'end' (" + DateText(end) + ").");
            }

            return values;
        }

        private static void CheckBars(Definition definition, Dictionary<string, double> values, int barCount)
        {
            if (barCount < 1)
            {
                throw new StrategyException(RunnerErrorCodes.InvalidData, "The price series has no bars.");
            }

            // barCount counts the bars up to the window's end, warm-up included.
            // Both lookback strategies need lookback < bars (momentum compares Close_t with Close_{t-lookback};
            // mean-reversion would otherwise decide only on the last bar); neural-forecast needs its warm-up.
            int first = definition.Name == NeuralForecast ? FirstDecisionBar(definition.Name, values) : (int)values["lookback"];
            if (first < barCount)
            {
                return;
            }

            string count = barCount.ToString(CultureInfo.InvariantCulture);
            if (definition.Name == NeuralForecast)
            {
                throw new StrategyException(
                    RunnerErrorCodes.InvalidParameter,
                    "Parameters 'lags' and 'trainWindow' of neural-forecast need more than " + first.ToString(CultureInfo.InvariantCulture)
                    + " bars before the first decision (max(lags, 10) + 1 + min(trainWindow, 60)), but the data has " + count + " bars.");
            }

            int lookback = (int)values["lookback"];
            throw new StrategyException(
                RunnerErrorCodes.InvalidParameter,
                "Parameter 'lookback' of " + definition.Name + " is " + lookback.ToString(CultureInfo.InvariantCulture)
                + " but must be less than the number of bars up to the window's end (" + count + "); use a lookback between "
                + ParameterSpec.Num(definition.Find("lookback")!.Min ?? 1) + " and " + (barCount - 1).ToString(CultureInfo.InvariantCulture) + " or more data.");
        }

        private static string DateText(double number) => BarTimestamps.FormatStamp(ParameterSpec.DateFromNumber(number));

        private static StrategyInfo[] BuildInfos()
        {
            var infos = new StrategyInfo[Definitions.Length];
            for (int i = 0; i < infos.Length; i++)
            {
                var info = new StrategyInfo { Name = Definitions[i].Name, Description = Definitions[i].Description };
                foreach (ParameterSpec spec in Definitions[i].Parameters)
                {
                    info.Parameters.Add(spec.ToInfo());
                }

                infos[i] = info;
            }

            return infos;
        }

        private sealed class Definition
        {
            public Definition(string name, string description, ParameterSpec[] own)
            {
                Name = name;
                Description = description;
                Parameters = new ParameterSpec[own.Length + Common.Length];
                own.CopyTo(Parameters, 0);
                Common.CopyTo(Parameters, own.Length);
                var names = new string[Parameters.Length];
                for (int i = 0; i < names.Length; i++)
                {
                    names[i] = Parameters[i].Name;
                }

                NameList = string.Join(", ", names);
            }

            public string Name { get; }

            public string Description { get; }

            public ParameterSpec[] Parameters { get; }

            public string NameList { get; }

            public ParameterSpec? Find(string? name)
            {
                if (name is null)
                {
                    return null;
                }

                foreach (ParameterSpec spec in Parameters)
                {
                    if (string.Equals(spec.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
                    {
                        return spec;
                    }
                }

                return null;
            }
        }
    }
}
