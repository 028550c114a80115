using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Reads Yahoo-style CSV files of daily or intraday bars: a header naming <c>Date, Open, High, Low, Close, Volume</c>
    /// (the time column may also be called <c>Datetime</c>, <c>Timestamp</c> or <c>Time</c>; values are
    /// yyyy-MM-dd dates or ISO timestamps with an optional offset)
    /// (an <c>Adj Close</c>/<c>AdjClose</c> column and other extra columns are allowed and ignored) in any
    /// order, case-insensitive, values in invariant culture. Every problem is reported as a
    /// <see cref="MarketDataException"/> naming the file, the line and the problem.
    /// </summary>
    public static class CsvPriceReader
    {
        private enum Column
        {
            Date,
            Open,
            High,
            Low,
            Close,
            Volume,
        }

        private static readonly string[] ColumnNames = { "Date", "Open", "High", "Low", "Close", "Volume" };

        // Intraday exports name the time column differently (yfinance: Datetime).
        private static readonly string[] DateAliases = { "Date", "Datetime", "Timestamp", "Time" };

        /// <summary>Reads a CSV file.</summary>
        /// <param name="path">The file.</param>
        /// <param name="symbol">Symbol of the series; defaults to the file name's symbol (<see cref="SymbolFromPath"/>).</param>
        /// <exception cref="MarketDataException">The file is missing, unreadable or invalid.</exception>
        public static PriceSeries ReadFile(string path, string? symbol = null)
        {
            if (path is null)
            {
                throw new ArgumentNullException(nameof(path));
            }

            symbol ??= SymbolFromPath(path);
            StreamReader reader;
            try
            {
                reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException || ex is NotSupportedException)
            {
                throw new MarketDataException(path, "cannot be read: " + ex.Message, ex);
            }

            using (reader)
            {
                try
                {
                    return Read(reader, path, symbol);
                }
                catch (IOException ex)
                {
                    throw new MarketDataException(path, "cannot be read: " + ex.Message, ex);
                }
            }
        }

        /// <summary>
        /// The symbol a file stands for: its name without extension, upper-cased, and without an interval
        /// suffix (<c>SPY.5min.csv</c> is SPY).
        /// </summary>
        public static string SymbolFromPath(string path) => ParseFileName(path).Symbol;

        /// <summary>
        /// The symbol and interval a file name declares: <c>SYMBOL.csv</c> is daily (interval null),
        /// <c>SYMBOL.&lt;interval&gt;.csv</c> names one of <see cref="BarIntervals.Names"/>. Any other dotted name
        /// (<c>BRK.B.csv</c>) is a daily symbol.
        /// </summary>
        public static (string Symbol, string? Interval) ParseFileName(string path)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            int dot = name.LastIndexOf('.');
            if (dot > 0 && BarIntervals.TryParse(name.Substring(dot + 1), out int minutes))
            {
                return (name.Substring(0, dot).ToUpperInvariant(), BarIntervals.Name(minutes));
            }

            return (name.ToUpperInvariant(), null);
        }

        /// <summary>Reads CSV text.</summary>
        /// <param name="reader">The text.</param>
        /// <param name="sourceName">File name used in error messages.</param>
        /// <param name="symbol">Symbol of the series.</param>
        /// <exception cref="MarketDataException">The text is not valid price data.</exception>
        public static PriceSeries Read(TextReader reader, string sourceName, string symbol)
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            int lineNumber = 0;
            string? header;
            do
            {
                header = reader.ReadLine();
                lineNumber++;
            }
            while (header != null && header.Trim().Length == 0);

            if (header is null)
            {
                throw new MarketDataException(sourceName, 1, "the file is empty; a header line Date,Open,High,Low,Close,Volume is required");
            }

            if (header[0] == '\uFEFF')
            {
                header = header.Substring(1);
            }

            string[] headerFields = SplitFields(header);
            int columnCount = headerFields.Length;
            var map = new int[ColumnNames.Length];
            for (int c = 0; c < map.Length; c++)
            {
                map[c] = -1;
            }

            for (int i = 0; i < headerFields.Length; i++)
            {
                string name = headerFields[i];

                for (int c = 0; c < ColumnNames.Length; c++)
                {
                    bool matches = c == (int)Column.Date
                        ? Array.Exists(DateAliases, a => string.Equals(name, a, StringComparison.OrdinalIgnoreCase))
                        : string.Equals(name, ColumnNames[c], StringComparison.OrdinalIgnoreCase);
                    if (matches)
                    {
                        if (map[c] >= 0)
                        {
                            throw new MarketDataException(sourceName, lineNumber, "the header names column '" + ColumnNames[c] + "' twice");
                        }

                        map[c] = i;
                    }
                }
            }

            for (int c = 0; c < ColumnNames.Length; c++)
            {
                if (map[c] < 0)
                {
                    if (c == (int)Column.Date && IsNumber(headerFields[0]))
                    {
                        throw new MarketDataException(sourceName, lineNumber, "a header line is required (Date,Open,High,Low,Close[,Adj Close],Volume)");
                    }

                    throw new MarketDataException(sourceName, lineNumber, "the header has no '" + ColumnNames[c] + "' column (found: " + MarketDataException.Excerpt(string.Join(",", headerFields)) + ")");
                }
            }

            var dates = new List<DateTime>(4096);
            var offsets = new List<TimeSpan>(4096);
            int firstWithOffset = 0, firstWithoutOffset = 0; // line numbers; offsets must be all or none on intraday data
            bool intraday = false;
            var open = new List<double>(4096);
            var high = new List<double>(4096);
            var low = new List<double>(4096);
            var close = new List<double>(4096);
            var volume = new List<double>(4096);
            var values = new double[ColumnNames.Length];
            var raw = new string[ColumnNames.Length];
            string? line;
            while ((line = reader.ReadLine()) != null)
            {
                lineNumber++;
                if (line.Trim().Length == 0)
                {
                    continue;
                }

                string[] fields = SplitFields(line);
                if (fields.Length != columnCount)
                {
                    throw new MarketDataException(sourceName, lineNumber, "expected " + columnCount.ToString(CultureInfo.InvariantCulture) + " columns as in the header, found " + fields.Length.ToString(CultureInfo.InvariantCulture));
                }

                for (int c = 0; c < ColumnNames.Length; c++)
                {
                    string text = fields[map[c]].Trim();
                    raw[c] = text;
                    if (text.Length == 0 || string.Equals(text, "null", StringComparison.OrdinalIgnoreCase) || string.Equals(text, "NaN", StringComparison.OrdinalIgnoreCase) || text == "-")
                    {
                        throw new MarketDataException(sourceName, lineNumber, "missing " + ColumnNames[c] + " value");
                    }

                    // double.TryParse accepts trailing NUL characters ("1\0" would read as 1), so they are refused first.
                    if (text.IndexOf('\0') >= 0)
                    {
                        throw new MarketDataException(sourceName, lineNumber, ColumnNames[c] + " '" + MarketDataException.Excerpt(text.Replace("\0", "\\0")) + "' contains a NUL character");
                    }

                    if (c == (int)Column.Date)
                    {
                        continue;
                    }

                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]) || double.IsNaN(values[c]) || double.IsInfinity(values[c]))
                    {
                        throw new MarketDataException(sourceName, lineNumber, ColumnNames[c] + " '" + MarketDataException.Excerpt(text) + "' is not a number");
                    }
                }

                if (!BarTimestamps.TryParseTimestamp(raw[(int)Column.Date], out DateTime date, out TimeSpan? offset))
                {
                    throw new MarketDataException(sourceName, lineNumber, "Date '" + MarketDataException.Excerpt(raw[(int)Column.Date]) + "' is not a valid date (expected yyyy-MM-dd, or yyyy-MM-dd HH:mm[:ss] with an optional offset such as -05:00 or Z)");
                }

                if (dates.Count > 0)
                {
                    DateTime previous = dates[dates.Count - 1];
                    if (date == previous)
                    {
                        throw new MarketDataException(sourceName, lineNumber, "Date " + BarTimestamps.FormatStamp(date) + " is a duplicate of the previous row");
                    }

                    if (date < previous)
                    {
                        throw new MarketDataException(sourceName, lineNumber, "Date " + BarTimestamps.FormatStamp(date) + " is before the previous row's " + BarTimestamps.FormatStamp(previous) + "; dates must be in ascending order (local clock time as written)");
                    }
                }

                if (offset.HasValue && firstWithOffset == 0)
                {
                    firstWithOffset = lineNumber;
                }
                else if (!offset.HasValue && firstWithoutOffset == 0)
                {
                    firstWithoutOffset = lineNumber;
                }

                intraday |= date.TimeOfDay != TimeSpan.Zero;
                offsets.Add(offset ?? TimeSpan.Zero);

                for (int c = (int)Column.Open; c <= (int)Column.Close; c++)
                {
                    if (!(values[c] > 0))
                    {
                        throw new MarketDataException(sourceName, lineNumber, ColumnNames[c] + " " + MarketDataException.Excerpt(raw[c]) + " is not a positive price");
                    }
                }

                if (values[(int)Column.High] < values[(int)Column.Low])
                {
                    throw new MarketDataException(sourceName, lineNumber, "High " + MarketDataException.Excerpt(raw[(int)Column.High]) + " is below Low " + MarketDataException.Excerpt(raw[(int)Column.Low]));
                }

                if (values[(int)Column.Volume] < 0)
                {
                    throw new MarketDataException(sourceName, lineNumber, "Volume " + MarketDataException.Excerpt(raw[(int)Column.Volume]) + " is negative");
                }

                dates.Add(date);
                open.Add(values[(int)Column.Open]);
                high.Add(values[(int)Column.High]);
                low.Add(values[(int)Column.Low]);
                close.Add(values[(int)Column.Close]);
                volume.Add(values[(int)Column.Volume]);
            }

            if (dates.Count == 0)
            {
                throw new MarketDataException(sourceName, lineNumber, "no data rows after the header");
            }

            if (intraday && firstWithOffset > 0 && firstWithoutOffset > 0)
            {
                throw new MarketDataException(sourceName, Math.Max(firstWithOffset, firstWithoutOffset), "the timestamp " + (firstWithOffset > firstWithoutOffset ? "has" : "lacks")
                    + " a UTC offset unlike the rows before it; give every intraday row an offset or none");
            }

            return new PriceSeries(symbol, dates.ToArray(), firstWithOffset > 0 ? offsets.ToArray() : null, open.ToArray(), high.ToArray(), low.ToArray(), close.ToArray(), volume.ToArray());
        }

        private static bool IsNumber(string text) => double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

        private static string[] SplitFields(string line)
        {
            // Yahoo files do not quote; strip plain surrounding quotes if a tool added them.
            string[] fields = line.Split(',');
            for (int i = 0; i < fields.Length; i++)
            {
                string f = fields[i].Trim();
                if (f.Length >= 2 && f[0] == '"' && f[f.Length - 1] == '"')
                {
                    f = f.Substring(1, f.Length - 2);
                }

                fields[i] = f;
            }

            return fields;
        }
    }
}
