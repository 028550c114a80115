using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>5. Backtest kernels over 2 million synthetic minute bars; bars/s = 2,000,000 / mean.</summary>
    [MemoryDiagnoser]
    public class KernelBenchmarks
    {
        public const int Bars = 2_000_000;
        private PriceSeries _series = null!;

        [Params("momentum", "mean-reversion")]
        public string Strategy { get; set; } = "momentum";

        [GlobalSetup]
        public void Setup() => _series = Synthetic.MinuteBars(Bars);

        [Benchmark(OperationsPerInvoke = Bars)]
        public double Kernel() => StrategyCatalog.Run(Strategy, _series, KernelScenario.Parameters[Strategy], KernelScenario.Options).Metrics.TotalReturn;
    }

    /// <summary>
    /// 5b. One run over one year of daily SPY bars (the last 252 bundled bars), as the swarm's agents run
    /// it thousands of times a second: the per-call fixed cost (parameter parsing, result building, trades
    /// and a 100-point equity curve, the runner's default options) dominates, not the per-bar loop.
    /// </summary>
    [MemoryDiagnoser]
    public class KernelDailyBenchmarks
    {
        private PriceSeries _series = null!;

        [Params("momentum", "mean-reversion")]
        public string Strategy { get; set; } = "momentum";

        [GlobalSetup]
        public void Setup() => _series = KernelScenario.OneYearOfSpy();

        [Benchmark]
        public double OneYearDaily() => StrategyCatalog.Run(Strategy, _series, KernelScenario.DailyParameters[Strategy], KernelScenario.DailyOptions).Metrics.TotalReturn;
    }

    /// <summary>6. One batch of 100 trajectory appends: encrypted and chained vs raw SQLite inserts of the same rows.</summary>
    [MemoryDiagnoser]
    public class StoreBenchmarks
    {
        private string _dir = "";
        private SymmetricKey _key = null!;
        private TrajectoryStore _store = null!;
        private string[] _columns = Array.Empty<string>();
        private List<object?[]> _rows = new List<object?[]>();
        private StoreScenario.RawWriter _raw = null!;
        private int _next;
        private readonly List<Trajectory> _batch = Enumerable.Range(0, StoreScenario.Batch).Select(i => Synthetic.Trajectory("b", i)).ToList();

        [GlobalSetup]
        public void Setup()
        {
            _dir = Path.Combine(Path.GetTempPath(), "nt-bench-store-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_dir);
            _key = SymmetricKey.Generate();
            string source = Path.Combine(_dir, "source.db");
            StoreScenario.AppendEncrypted(source, _key, "src", 0, StoreScenario.Batch);
            (_columns, _rows) = StoreScenario.ReadRows(source, 0, StoreScenario.Batch);
            string raw = Path.Combine(_dir, "raw.db");
            StoreScenario.CreateRawLike(source, raw);
            _raw = new StoreScenario.RawWriter(raw, _columns);
            _store = TrajectoryStore.Open(new StoreOptions { Path = Path.Combine(_dir, "enc.db"), Key = _key });
        }

        [GlobalCleanup]
        public void Cleanup()
        {
            _store.Dispose();
            _raw.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(_dir, true); } catch (IOException) { }
        }

        [Benchmark(Description = "encrypted+chained AppendMany(100)", OperationsPerInvoke = StoreScenario.Batch)]
        public int Encrypted()
        {
            int start = _next;
            _next += StoreScenario.Batch;
            // Like the raw side, only the ids change per call: building trajectories is the caller's work, not the store's.
            for (int i = 0; i < _batch.Count; i++)
                _batch[i].Id = "b-" + (start + i);
            return _store.AppendMany(_batch);
        }

        [Benchmark(Baseline = true, Description = "raw SQLite insert of the same 100 rows", OperationsPerInvoke = StoreScenario.Batch)]
        public int Raw()
        {
            // Fresh ids so the UNIQUE constraint accepts them; the bytes are otherwise the store's own.
            int start = _next;
            _next += StoreScenario.Batch;
            int idColumn = Array.IndexOf(_columns, "id");
            var rows = _rows.Select((r, i) => { var copy = (object?[])r.Clone(); copy[idColumn] = "r-" + (start + i); return copy; }).ToList();
            _raw.Insert(rows);
            return rows.Count;
        }
    }
}
