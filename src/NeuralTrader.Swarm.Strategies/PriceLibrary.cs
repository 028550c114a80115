using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Resolves symbols to price series: the user's CSV file or folder first, then the bundled data. Daily
    /// bars live in <c>&lt;SYMBOL&gt;.csv</c>, intraday bars in <c>&lt;SYMBOL&gt;.&lt;interval&gt;.csv</c>
    /// (<c>SPY.5min.csv</c>; intervals as in <see cref="BarIntervals.Names"/>). Files are found when the library
    /// is created and read on first use; each series is read once, checked against the interval its name
    /// declares, and cached. Thread-safe.
    /// </summary>
    public sealed class PriceLibrary
    {
        // symbol -> interval name ("1d" for SYMBOL.csv) -> file
        private readonly Dictionary<string, Dictionary<string, string>> _files = new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, Lazy<PriceSeries>> _cache = new ConcurrentDictionary<string, Lazy<PriceSeries>>(StringComparer.OrdinalIgnoreCase);
        private readonly string[] _symbols;

        /// <summary>Creates the library.</summary>
        /// <param name="userPath">A CSV file (its symbol and interval come from the file name) or a folder of them; null for none. User data wins over bundled data.</param>
        /// <param name="bundledDirectory">Folder of bundled CSV files (the module's <c>data</c> folder); a missing folder means no bundled data.</param>
        /// <exception cref="MarketDataException"><paramref name="userPath"/> does not exist or holds no CSV file.</exception>
        public PriceLibrary(string? userPath, string bundledDirectory)
        {
            if (!string.IsNullOrEmpty(bundledDirectory) && Directory.Exists(bundledDirectory))
            {
                AddFolder(bundledDirectory);
            }

            if (!string.IsNullOrEmpty(userPath))
            {
                string full = Path.GetFullPath(userPath);
                if (File.Exists(full))
                {
                    Add(full);
                }
                else if (Directory.Exists(full))
                {
                    if (AddFolder(full) == 0)
                    {
                        throw new MarketDataException(full, 0, "the folder holds no <SYMBOL>.csv or <SYMBOL>.<interval>.csv file");
                    }
                }
                else
                {
                    throw new MarketDataException(full, 0, "no such file or folder");
                }
            }

            _symbols = _files.Keys.Select(k => k.ToUpperInvariant()).ToArray();
            Array.Sort(_symbols, StringComparer.Ordinal);
        }

        /// <summary>Every symbol with data (any interval), sorted.</summary>
        public IReadOnlyList<string> Symbols => _symbols;

        /// <summary>True when data exists for <paramref name="symbol"/> (case-insensitive), at any interval.</summary>
        public bool Contains(string symbol) => symbol != null && _files.ContainsKey(symbol);

        /// <summary>The intervals <paramref name="symbol"/> has files for (1d for SYMBOL.csv), shortest first.</summary>
        public IReadOnlyList<string> IntervalsOf(string symbol)
        {
            if (symbol is null || !_files.TryGetValue(symbol, out Dictionary<string, string>? byInterval))
            {
                return Array.Empty<string>();
            }

            return byInterval.Keys.OrderBy(k => BarIntervals.TryParse(k, out int m) ? m : int.MaxValue).ToArray();
        }

        /// <summary>The file that holds <paramref name="symbol"/> at <paramref name="interval"/> (daily when null), or null.</summary>
        public string? GetPath(string symbol, string? interval = null) => TryResolve(symbol, interval, out string? path, out _) ? path : null;

        /// <summary>
        /// The series for a symbol (case-insensitive) at an interval (1min, 5min, 15min, 30min, 1h, 1d), read
        /// once and cached. Without an interval: the daily file, or the symbol's only file when it has one.
        /// </summary>
        /// <exception cref="MarketDataException">
        /// Unknown symbol (the message lists the available ones), no file at that interval (the message lists
        /// the symbol's intervals), a file whose bars are not the interval its name declares, or an invalid file.
        /// </exception>
        public PriceSeries Get(string symbol, string? interval = null)
        {
            if (string.IsNullOrWhiteSpace(symbol) || !_files.ContainsKey(symbol))
            {
                throw new MarketDataException(
                    "No market data for symbol '" + symbol + "'. Available: "
                    + (_symbols.Length == 0 ? "(none)" : string.Join(", ", _symbols)));
            }

            if (!TryResolve(symbol, interval, out string? path, out string name))
            {
                throw new MarketDataException(
                    "No " + (interval is null ? "daily" : "'" + interval + "'") + " market data for symbol '" + symbol.ToUpperInvariant() + "'. Its intervals: "
                    + string.Join(", ", IntervalsOf(symbol)) + (interval is null ? "; name one." : " (files SYMBOL.csv for daily, SYMBOL.<interval>.csv for " + string.Join(", ", BarIntervals.Names) + ")."));
            }

            string key = symbol.ToUpperInvariant() + "." + name;
            Lazy<PriceSeries> lazy = _cache.GetOrAdd(key, _ => new Lazy<PriceSeries>(() => Read(path!, symbol.ToUpperInvariant(), name), LazyThreadSafetyMode.ExecutionAndPublication));
            return lazy.Value;
        }

        private static PriceSeries Read(string path, string symbol, string interval)
        {
            PriceSeries series = CsvPriceReader.ReadFile(path, symbol);
            if (!string.Equals(series.Interval, interval, StringComparison.Ordinal))
            {
                throw new MarketDataException(path, 0, "the file name declares " + interval + " bars but the data has " + series.Interval + " bars ("
                    + series.Count.ToString(CultureInfo.InvariantCulture) + " bars, " + series.DateText(0) + " .. " + series.DateText(series.Count - 1)
                    + "); rename it " + symbol + (series.Interval == "1d" ? "" : "." + series.Interval) + ".csv");
            }

            return series;
        }

        private bool TryResolve(string symbol, string? interval, out string? path, out string name)
        {
            path = null;
            name = "";
            if (symbol is null || !_files.TryGetValue(symbol, out Dictionary<string, string>? byInterval))
            {
                return false;
            }

            if (interval is null)
            {
                if (byInterval.Count == 1)
                {
                    var only = byInterval.First();
                    (name, path) = (only.Key, only.Value);
                    return true;
                }

                name = "1d";
                return byInterval.TryGetValue(name, out path);
            }

            if (!BarIntervals.TryParse(interval, out int minutes))
            {
                return false;
            }

            name = BarIntervals.Name(minutes);
            return byInterval.TryGetValue(name, out path);
        }

        private void Add(string file)
        {
            (string symbol, string? interval) = CsvPriceReader.ParseFileName(file);
            if (!_files.TryGetValue(symbol, out Dictionary<string, string>? byInterval))
            {
                byInterval = new Dictionary<string, string>(StringComparer.Ordinal);
                _files[symbol] = byInterval;
            }

            byInterval[interval ?? "1d"] = file;
        }

        private int AddFolder(string folder)
        {
            int added = 0;
            foreach (string file in Directory.GetFiles(folder))
            {
                if (string.Equals(Path.GetExtension(file), ".csv", StringComparison.OrdinalIgnoreCase))
                {
                    Add(file);
                    added++;
                }
            }

            return added;
        }
    }
}
