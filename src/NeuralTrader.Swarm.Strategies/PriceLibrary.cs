using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Resolves symbols to price series: the user's CSV file or folder of <c>&lt;SYMBOL&gt;.csv</c> first,
    /// then the bundled data. Files are found when the library is created and read on first use;
    /// each series is read once and cached. Thread-safe.
    /// </summary>
    public sealed class PriceLibrary
    {
        private readonly Dictionary<string, string> _files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, Lazy<PriceSeries>> _cache = new ConcurrentDictionary<string, Lazy<PriceSeries>>(StringComparer.OrdinalIgnoreCase);
        private readonly string[] _symbols;

        /// <summary>Creates the library.</summary>
        /// <param name="userPath">A CSV file (its symbol is the file name) or a folder of <c>&lt;SYMBOL&gt;.csv</c>; null for none. User data wins over bundled data.</param>
        /// <param name="bundledDirectory">Folder of bundled <c>&lt;SYMBOL&gt;.csv</c> files (the module's <c>data</c> folder); a missing folder means no bundled data.</param>
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
                    _files[CsvPriceReader.SymbolFromPath(full)] = full;
                }
                else if (Directory.Exists(full))
                {
                    if (AddFolder(full) == 0)
                    {
                        throw new MarketDataException(full, 0, "the folder holds no <SYMBOL>.csv file");
                    }
                }
                else
                {
                    throw new MarketDataException(full, 0, "no such file or folder");
                }
            }

            _symbols = new string[_files.Count];
            _files.Keys.CopyTo(_symbols, 0);
            for (int i = 0; i < _symbols.Length; i++)
            {
                _symbols[i] = _symbols[i].ToUpperInvariant();
            }

            Array.Sort(_symbols, StringComparer.Ordinal);
        }

        /// <summary>Every symbol with data, sorted.</summary>
        public IReadOnlyList<string> Symbols => _symbols;

        /// <summary>True when data exists for <paramref name="symbol"/> (case-insensitive).</summary>
        public bool Contains(string symbol) => symbol != null && _files.ContainsKey(symbol);

        /// <summary>The file that holds <paramref name="symbol"/>, or null.</summary>
        public string? GetPath(string symbol) => symbol != null && _files.TryGetValue(symbol, out string? path) ? path : null;

        /// <summary>The series for a symbol (case-insensitive), read once and cached.</summary>
        /// <exception cref="MarketDataException">Unknown symbol (the message lists the available ones) or an invalid file.</exception>
        public PriceSeries Get(string symbol)
        {
            if (string.IsNullOrWhiteSpace(symbol) || !_files.TryGetValue(symbol, out string? path))
            {
                throw new MarketDataException(
                    "No market data for symbol '" + symbol + "'. Available: "
                    + (_symbols.Length == 0 ? "(none)" : string.Join(", ", _symbols)));
            }

            string key = symbol.ToUpperInvariant();
            Lazy<PriceSeries> lazy = _cache.GetOrAdd(key, k => new Lazy<PriceSeries>(() => CsvPriceReader.ReadFile(path, k), LazyThreadSafetyMode.ExecutionAndPublication));
            return lazy.Value;
        }

        private int AddFolder(string folder)
        {
            int added = 0;
            foreach (string file in Directory.GetFiles(folder))
            {
                if (string.Equals(Path.GetExtension(file), ".csv", StringComparison.OrdinalIgnoreCase))
                {
                    _files[CsvPriceReader.SymbolFromPath(file)] = file;
                    added++;
                }
            }

            return added;
        }
    }
}
