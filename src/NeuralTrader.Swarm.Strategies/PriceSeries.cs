using System;
using System.Globalization;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Daily OHLCV bars of one symbol in columns, dates ascending. Instances are validated on
    /// construction and treated as immutable: callers must not change the arrays afterwards.
    /// </summary>
    public sealed class PriceSeries
    {
        internal const string DateFormat = "yyyy-MM-dd";
        private const int MaxCachedDates = 100000;
        private string?[]? _dateText;

        /// <summary>
        /// Creates a series and validates it: equal lengths, at least one bar, dates strictly ascending,
        /// finite positive prices, High &gt;= Low, finite non-negative volume.
        /// </summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidData"/> naming the bar and problem.</exception>
        public PriceSeries(string symbol, DateTime[] dates, double[] open, double[] high, double[] low, double[] close, double[] volume)
        {
            Symbol = symbol ?? "";
            Dates = dates ?? throw Invalid("dates are missing");
            Open = open ?? throw Invalid("open prices are missing");
            High = high ?? throw Invalid("high prices are missing");
            Low = low ?? throw Invalid("low prices are missing");
            Close = close ?? throw Invalid("close prices are missing");
            Volume = volume ?? throw Invalid("volumes are missing");
            Validate();
        }

        // Used by Slice: the arrays come from an already validated series.
        private PriceSeries(string symbol, DateTime[] dates, double[] open, double[] high, double[] low, double[] close, double[] volume, bool trusted)
        {
            _ = trusted;
            Symbol = symbol;
            Dates = dates;
            Open = open;
            High = high;
            Low = low;
            Close = close;
            Volume = volume;
        }

        /// <summary>Symbol the bars belong to (upper case for files read by <see cref="CsvPriceReader"/>).</summary>
        public string Symbol { get; }

        /// <summary>Number of bars.</summary>
        public int Count => Dates.Length;

        /// <summary>Bar dates (date part only), strictly ascending.</summary>
        public DateTime[] Dates { get; }

        /// <summary>Opening prices.</summary>
        public double[] Open { get; }

        /// <summary>High prices.</summary>
        public double[] High { get; }

        /// <summary>Low prices.</summary>
        public double[] Low { get; }

        /// <summary>Closing prices.</summary>
        public double[] Close { get; }

        /// <summary>Volumes.</summary>
        public double[] Volume { get; }

        /// <summary>First bar's date.</summary>
        public DateTime StartDate => Dates[0];

        /// <summary>Last bar's date.</summary>
        public DateTime EndDate => Dates[Dates.Length - 1];

        /// <summary>
        /// The bars whose dates lie in [<paramref name="start"/>, <paramref name="end"/>] (both inclusive,
        /// either open-ended when null). Returns this instance when nothing is cut.
        /// </summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> when no bar is selected.</exception>
        public PriceSeries Slice(DateTime? start, DateTime? end)
        {
            int from = 0;
            int to = Count; // exclusive
            if (start.HasValue)
            {
                from = LowerBound(start.Value.Date);
            }

            if (end.HasValue)
            {
                to = LowerBound(end.Value.Date.AddDays(1));
            }

            if (from >= to)
            {
                throw new StrategyException(
                    RunnerErrorCodes.InvalidParameter,
                    "start/end (" + FormatDate(start) + " .. " + FormatDate(end) + ") select no bars of " + Symbol
                    + "; its data covers " + Dates[0].ToString(DateFormat, CultureInfo.InvariantCulture)
                    + " .. " + EndDate.ToString(DateFormat, CultureInfo.InvariantCulture));
            }

            if (from == 0 && to == Count)
            {
                return this;
            }

            int n = to - from;
            return new PriceSeries(
                Symbol,
                Copy(Dates, from, n),
                Copy(Open, from, n),
                Copy(High, from, n),
                Copy(Low, from, n),
                Copy(Close, from, n),
                Copy(Volume, from, n),
                trusted: true);
        }

        /// <summary>Builds a series from protocol price data, validating it.</summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidData"/> naming the field, bar and problem.</exception>
        public static PriceSeries FromPriceData(PriceData data)
        {
            if (data is null)
            {
                throw Invalid("price data is missing");
            }

            string[] dateText = data.Dates ?? throw Invalid("data.dates is missing");
            int n = dateText.Length;
            double[] open = Require(data.Open, "open", n);
            double[] high = Require(data.High, "high", n);
            double[] low = Require(data.Low, "low", n);
            double[] close = Require(data.Close, "close", n);
            double[] volume = Require(data.Volume, "volume", n);
            var dates = new DateTime[n];
            for (int i = 0; i < n; i++)
            {
                string? s = dateText[i];
                if (s is null || !TryParseDate(s, out dates[i]))
                {
                    throw Invalid("data.dates[" + i.ToString(CultureInfo.InvariantCulture) + "] '" + s + "' is not a yyyy-MM-dd date");
                }
            }

            return new PriceSeries(data.Symbol ?? "", dates, open, high, low, close, volume);
        }

        /// <summary>Converts to protocol price data (dates as yyyy-MM-dd; the arrays are shared, not copied).</summary>
        public PriceData ToPriceData()
        {
            var dates = new string[Count];
            for (int i = 0; i < dates.Length; i++)
            {
                dates[i] = Dates[i].ToString(DateFormat, CultureInfo.InvariantCulture);
            }

            return new PriceData
            {
                Symbol = Symbol,
                Dates = dates,
                Open = Open,
                High = High,
                Low = Low,
                Close = Close,
                Volume = Volume,
            };
        }

        /// <inheritdoc />
        public override string ToString() => Count == 0
            ? Symbol + " (empty)"
            : Symbol + " " + Count.ToString(CultureInfo.InvariantCulture) + " bars "
              + StartDate.ToString(DateFormat, CultureInfo.InvariantCulture) + " .. " + EndDate.ToString(DateFormat, CultureInfo.InvariantCulture);

        internal static bool TryParseDate(string s, out DateTime date)
        {
            // The protocol and bundled files use yyyy-MM-dd; a time or offset suffix (as some yfinance
            // exports write, e.g. "2020-01-02 00:00:00-05:00") is ignored, the calendar date is kept.
            if (s.Length >= 10 && s[4] == '-' && s[7] == '-' && (s.Length == 10 || s[10] == ' ' || s[10] == 'T'))
            {
                return DateTime.TryParseExact(s.Substring(0, 10), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
            }

            if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out date))
            {
                date = date.Date;
                return true;
            }

            return false;
        }

        internal static string FormatDate(DateTime date)
        {
            // Hand-rolled yyyy-MM-dd: several times faster than a format string, and trades and equity
            // points format dates on every run.
            int y = date.Year, m = date.Month, d = date.Day;
            var c = new char[10];
            c[0] = (char)('0' + (y / 1000));
            c[1] = (char)('0' + (y / 100 % 10));
            c[2] = (char)('0' + (y / 10 % 10));
            c[3] = (char)('0' + (y % 10));
            c[4] = '-';
            c[5] = (char)('0' + (m / 10));
            c[6] = (char)('0' + (m % 10));
            c[7] = '-';
            c[8] = (char)('0' + (d / 10));
            c[9] = (char)('0' + (d % 10));
            return new string(c);
        }

        /// <summary>
        /// Bar i's date as yyyy-MM-dd. Cached per bar for series of up to 100,000 bars, so runs over a
        /// loaded dataset stop formatting dates after the first; longer series format on demand.
        /// </summary>
        internal string DateText(int i)
        {
            if (Dates.Length > MaxCachedDates)
            {
                return FormatDate(Dates[i]);
            }

            string?[]? cache = _dateText;
            if (cache is null)
            {
                cache = new string?[Dates.Length];
                _dateText = cache; // a benign race: two threads may each fill a cache; both are correct.
            }

            return cache[i] ??= FormatDate(Dates[i]);
        }

        private static string FormatDate(DateTime? date) => date.HasValue ? FormatDate(date.Value) : "*";

        private void Validate()
        {
            int n = Dates.Length;
            if (n == 0)
            {
                throw Invalid("the series has no bars");
            }

            CheckLength(Open, "open", n);
            CheckLength(High, "high", n);
            CheckLength(Low, "low", n);
            CheckLength(Close, "close", n);
            CheckLength(Volume, "volume", n);
            for (int i = 0; i < n; i++)
            {
                if (Dates[i].TimeOfDay != TimeSpan.Zero)
                {
                    throw Invalid("bar " + Bar(i) + ": date " + Dates[i].ToString("o", CultureInfo.InvariantCulture) + " has a time of day; daily bars carry dates only");
                }

                if (i > 0 && Dates[i] <= Dates[i - 1])
                {
                    throw Invalid("bar " + Bar(i) + ": date " + FormatDate(Dates[i]) + (Dates[i] == Dates[i - 1] ? " is a duplicate" : " is before the previous date " + FormatDate(Dates[i - 1])) + "; dates must ascend");
                }

                CheckPrice(Open[i], "open", i);
                CheckPrice(High[i], "high", i);
                CheckPrice(Low[i], "low", i);
                CheckPrice(Close[i], "close", i);
                if (High[i] < Low[i])
                {
                    throw Invalid("bar " + Bar(i) + ": high " + Num(High[i]) + " is below low " + Num(Low[i]));
                }

                double v = Volume[i];
                if (double.IsNaN(v) || double.IsInfinity(v) || v < 0)
                {
                    throw Invalid("bar " + Bar(i) + ": volume " + Num(v) + " is not a finite non-negative number");
                }
            }
        }

        private string Bar(int i) => i.ToString(CultureInfo.InvariantCulture) + " (" + FormatDate(Dates[i]) + ")";

        private void CheckPrice(double value, string field, int i)
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw Invalid("bar " + Bar(i) + ": " + field + " " + Num(value) + " is not a finite positive price");
            }
        }

        private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        private static void CheckLength(double[] values, string field, int n)
        {
            if (values.Length != n)
            {
                throw Invalid(field + " has " + values.Length.ToString(CultureInfo.InvariantCulture) + " values but there are " + n.ToString(CultureInfo.InvariantCulture) + " dates");
            }
        }

        private static double[] Require(double[]? values, string field, int n)
        {
            if (values is null)
            {
                throw Invalid("data." + field + " is missing");
            }

            CheckLength(values, "data." + field, n);
            return values;
        }

        private int LowerBound(DateTime date)
        {
            int index = Array.BinarySearch(Dates, date);
            return index >= 0 ? index : ~index;
        }

        private static T[] Copy<T>(T[] source, int from, int n)
        {
            var result = new T[n];
            Array.Copy(source, from, result, 0, n);
            return result;
        }

        private static StrategyException Invalid(string message) => new StrategyException(RunnerErrorCodes.InvalidData, "invalid price data: " + message);
    }
}
