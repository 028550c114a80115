using System;
using System.Globalization;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// OHLCV bars of one symbol in columns, timestamps ascending: daily bars (dates only) or intraday bars
    /// (local clock time as written in the data, with an optional UTC offset per bar). The bar
    /// <see cref="Interval"/> and <see cref="BarsPerYear"/> are detected from the data. Instances are
    /// validated on construction and treated as immutable: callers must not change the arrays afterwards.
    /// </summary>
    public sealed class PriceSeries
    {
        private const int MaxCachedDates = 100000;
        private string?[]? _dateText;

        /// <summary>The backtester's last buy-and-hold figures for this series (an immutable object it owns).</summary>
        internal object? HoldCache;

        /// <summary>
        /// Creates a series and validates it: equal lengths, at least one bar, dates strictly ascending,
        /// finite positive prices, High &gt;= Low, finite non-negative volume.
        /// </summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidData"/> naming the bar and problem.</exception>
        public PriceSeries(string symbol, DateTime[] dates, double[] open, double[] high, double[] low, double[] close, double[] volume)
            : this(symbol, dates, null, open, high, low, close, volume)
        {
        }

        /// <summary>
        /// Creates a series whose timestamps carry UTC offsets (<paramref name="offsets"/>[i] belongs to
        /// <paramref name="dates"/>[i], the local clock time), validating it as the other constructor does.
        /// Offsets are dropped for daily data (every time at midnight).
        /// </summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidData"/> naming the bar and problem.</exception>
        public PriceSeries(string symbol, DateTime[] dates, TimeSpan[]? offsets, double[] open, double[] high, double[] low, double[] close, double[] volume)
        {
            Symbol = symbol ?? "";
            Dates = dates ?? throw Invalid("dates are missing");
            Open = open ?? throw Invalid("open prices are missing");
            High = high ?? throw Invalid("high prices are missing");
            Low = low ?? throw Invalid("low prices are missing");
            Close = close ?? throw Invalid("close prices are missing");
            Volume = volume ?? throw Invalid("volumes are missing");
            if (offsets != null && offsets.Length != dates.Length)
            {
                throw Invalid("offsets has " + offsets.Length.ToString(CultureInfo.InvariantCulture) + " values but there are " + dates.Length.ToString(CultureInfo.InvariantCulture) + " dates");
            }

            Validate();
            IsIntraday = Array.Exists(dates, d => d.TimeOfDay != TimeSpan.Zero);
            Offsets = IsIntraday ? offsets : null;
            (IntervalMinutes, BarsPerYear) = DetectInterval();
        }

        // Used by Slice: the arrays come from an already validated series.
        private PriceSeries(PriceSeries parent, int from, int n)
        {
            Symbol = parent.Symbol;
            Dates = Copy(parent.Dates, from, n);
            Offsets = parent.Offsets is null ? null : Copy(parent.Offsets, from, n);
            Open = Copy(parent.Open, from, n);
            High = Copy(parent.High, from, n);
            Low = Copy(parent.Low, from, n);
            Close = Copy(parent.Close, from, n);
            Volume = Copy(parent.Volume, from, n);
            IsIntraday = parent.IsIntraday;
            IntervalMinutes = parent.IntervalMinutes;
            BarsPerYear = parent.BarsPerYear;
        }

        /// <summary>Symbol the bars belong to (upper case for files read by <see cref="CsvPriceReader"/>).</summary>
        public string Symbol { get; }

        /// <summary>Number of bars.</summary>
        public int Count => Dates.Length;

        /// <summary>Bar timestamps, strictly ascending: dates only for daily bars, the local clock time as written for intraday bars.</summary>
        public DateTime[] Dates { get; }

        /// <summary>UTC offsets of <see cref="Dates"/> when the intraday data carried them; null otherwise.</summary>
        public TimeSpan[]? Offsets { get; }

        /// <summary>True when the bars carry a time of day.</summary>
        public bool IsIntraday { get; }

        /// <summary>Minutes per bar detected from the data (the most common gap within a day; 1440 for daily bars).</summary>
        public int IntervalMinutes { get; }

        /// <summary>The bar interval's name: 1min, 5min, 15min, 30min, 1h, 1d (or Nmin / Nh for others).</summary>
        public string Interval => BarIntervals.Name(IntervalMinutes);

        /// <summary>
        /// Bars per year for annualising: 252 trading days times the bars of a session (the median number of
        /// bars per calendar day in the data; 1 for daily bars).
        /// </summary>
        public double BarsPerYear { get; }

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
        /// The bars whose timestamps lie in [<paramref name="start"/>, <paramref name="end"/>] (both inclusive,
        /// either open-ended when null; an <paramref name="end"/> at midnight includes that whole day). Returns
        /// this instance when nothing is cut.
        /// </summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> when no bar is selected.</exception>
        public PriceSeries Slice(DateTime? start, DateTime? end)
        {
            (int from, int to) = Range(start, end);
            return from == 0 && to == Count ? this : new PriceSeries(this, from, to - from);
        }

        /// <summary>The bars [from, to) selected by start/end as <see cref="Slice"/> selects them.</summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> when no bar is selected.</exception>
        internal (int From, int To) Range(DateTime? start, DateTime? end)
        {
            int from = start.HasValue ? LowerBound(start.Value) : 0;
            int to = !end.HasValue ? Count
                : end.Value.TimeOfDay == TimeSpan.Zero ? LowerBound(end.Value.Date.AddDays(1))
                : LowerBound(end.Value.AddTicks(1));
            if (from >= to)
            {
                throw new StrategyException(
                    RunnerErrorCodes.InvalidParameter,
                    "start/end (" + FormatStamp(start) + " .. " + FormatStamp(end) + ") select no bars of " + Symbol
                    + "; its data covers " + DateText(0) + " .. " + DateText(Count - 1));
            }

            return (from, to);
        }

        /// <summary>The bars [from, to) as a series of their own.</summary>
        internal PriceSeries Take(int from, int to) => from == 0 && to == Count ? this : new PriceSeries(this, from, to - from);

        /// <summary>Calendar days from bar <paramref name="first"/> to bar <paramref name="last"/> (offsets applied when known).</summary>
        internal double DaysBetween(int first, int last) => (Instant(last) - Instant(first)).TotalDays;

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
            var offsets = new TimeSpan[n];
            int withOffset = -1, withoutOffset = -1; // first indexes; offsets must be all or none on intraday data
            bool intraday = false;
            for (int i = 0; i < n; i++)
            {
                string? s = dateText[i];
                if (s is null || !BarTimestamps.TryParseTimestamp(s, out dates[i], out TimeSpan? offset))
                {
                    throw Invalid("data.dates[" + i.ToString(CultureInfo.InvariantCulture) + "] '" + s + "' is not a yyyy-MM-dd date or ISO timestamp");
                }

                if (offset.HasValue && withOffset < 0)
                {
                    withOffset = i;
                }
                else if (!offset.HasValue && withoutOffset < 0)
                {
                    withoutOffset = i;
                }

                intraday |= dates[i].TimeOfDay != TimeSpan.Zero;
                offsets[i] = offset ?? TimeSpan.Zero;
            }

            if (intraday && withOffset >= 0 && withoutOffset >= 0)
            {
                int at = Math.Max(withOffset, withoutOffset);
                throw Invalid("data.dates[" + at.ToString(CultureInfo.InvariantCulture) + "] '" + dateText[at] + "': either every intraday timestamp has a UTC offset or none has");
            }

            return new PriceSeries(data.Symbol ?? "", dates, withOffset >= 0 ? offsets : null, open, high, low, close, volume);
        }

        /// <summary>Converts to protocol price data (dates as yyyy-MM-dd, intraday timestamps as ISO with their offsets; the arrays are shared, not copied).</summary>
        public PriceData ToPriceData()
        {
            var dates = new string[Count];
            for (int i = 0; i < dates.Length; i++)
            {
                dates[i] = DateText(i);
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
            : Symbol + " " + Count.ToString(CultureInfo.InvariantCulture) + " " + Interval + " bars "
              + DateText(0) + " .. " + DateText(Count - 1);

        /// <summary>
        /// Bar i's date as yyyy-MM-dd (intraday: yyyy-MM-ddTHH:mm:ss with the offset when known). Cached per bar for series of up to 100,000 bars, so runs over a
        /// loaded dataset stop formatting dates after the first; longer series format on demand.
        /// </summary>
        internal string DateText(int i)
        {
            if (Dates.Length > MaxCachedDates)
            {
                return FormatBar(i);
            }

            string?[]? cache = _dateText;
            if (cache is null)
            {
                cache = new string?[Dates.Length];
                _dateText = cache; // a benign race: two threads may each fill a cache; both are correct.
            }

            return cache[i] ??= FormatBar(i);
        }

        private string FormatBar(int i) => !IsIntraday ? BarTimestamps.FormatDate(Dates[i]) : BarTimestamps.FormatStamp(Dates[i], Offsets?[i]);

        private static string FormatStamp(DateTime? stamp) => stamp.HasValue ? BarTimestamps.FormatStamp(stamp.Value) : "*";

        private DateTime Instant(int i) => Offsets is null ? Dates[i] : Dates[i] - Offsets[i];

        /// <summary>
        /// The interval: the most common gap between consecutive bars of the same calendar day (the smaller on
        /// a tie), and bars per year: 252 times the median of bars per day. Data with at most one bar a day
        /// is daily.
        /// </summary>
        private (int Minutes, double BarsPerYear) DetectInterval()
        {
            if (!IsIntraday)
            {
                return (BarIntervals.Daily, BarIntervals.TradingDaysPerYear);
            }

            var gaps = new System.Collections.Generic.Dictionary<int, int>();
            var perDay = new System.Collections.Generic.List<int>();
            int run = 1;
            for (int i = 1; i < Dates.Length; i++)
            {
                if (Dates[i].Date != Dates[i - 1].Date)
                {
                    perDay.Add(run);
                    run = 1;
                    continue;
                }

                run++;
                int gap = (int)Math.Round((Instant(i) - Instant(i - 1)).TotalMinutes);
                gaps.TryGetValue(gap, out int seen);
                gaps[gap] = seen + 1;
            }

            perDay.Add(run);
            if (gaps.Count == 0)
            {
                return (BarIntervals.Daily, BarIntervals.TradingDaysPerYear);
            }

            int best = 0;
            int bestCount = 0;
            foreach (var pair in gaps)
            {
                if (pair.Key > 0 && (pair.Value > bestCount || (pair.Value == bestCount && pair.Key < best)))
                {
                    best = pair.Key;
                    bestCount = pair.Value;
                }
            }

            perDay.Sort();
            int middle = perDay.Count / 2;
            double median = perDay.Count % 2 == 1 ? perDay[middle] : (perDay[middle - 1] + perDay[middle]) / 2.0;
            return (Math.Max(best, 1), BarIntervals.TradingDaysPerYear * median);
        }

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
                if (i > 0 && Dates[i] <= Dates[i - 1])
                {
                    throw Invalid("bar " + Bar(i) + ": date " + BarTimestamps.FormatStamp(Dates[i]) + (Dates[i] == Dates[i - 1] ? " is a duplicate" : " is before the previous date " + BarTimestamps.FormatStamp(Dates[i - 1])) + "; dates must ascend");
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

        private string Bar(int i) => i.ToString(CultureInfo.InvariantCulture) + " (" + BarTimestamps.FormatStamp(Dates[i]) + ")";

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

        internal int LowerBound(DateTime date)
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
