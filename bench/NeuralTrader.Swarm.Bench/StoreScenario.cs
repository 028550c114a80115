using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using NeuralTrader.Swarm.Strategies;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// 6. Trajectory appends with encryption and the fingerprint chain vs raw SQLite inserts of the same bytes
    /// (the rows the store wrote, copied column for column into the same schema, same batches, same pragmas).
    /// </summary>
    internal static class StoreScenario
    {
        public const int Batch = 100;

        public static void AppendEncrypted(string path, SymmetricKey key, string writer, int offset, int count)
        {
            using var store = TrajectoryStore.Open(new StoreOptions { Path = path, Key = key, BusyTimeout = TimeSpan.FromSeconds(60) });
            for (int i = 0; i < count; i += Batch)
                store.AppendMany(Enumerable.Range(offset + i, Math.Min(Batch, count - i)).Select(j => Synthetic.Trajectory(writer, j)).ToList());
        }

        /// <summary>Rows of the trajectories table as written by the store (every column but seq).</summary>
        public static (string[] Columns, List<object?[]> Rows) ReadRows(string path, int offset, int count)
        {
            using var c = Open(path);
            var columns = new List<string>();
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = "SELECT name FROM pragma_table_info('trajectories') WHERE name <> 'seq'";
                using var r = cmd.ExecuteReader();
                while (r.Read()) columns.Add(r.GetString(0));
            }
            var rows = new List<object?[]>();
            using (var cmd = c.CreateCommand())
            {
                cmd.CommandText = $"SELECT {string.Join(",", columns)} FROM trajectories ORDER BY seq LIMIT {count} OFFSET {offset}";
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var row = new object?[columns.Count];
                    for (int i = 0; i < row.Length; i++) row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
                    rows.Add(row);
                }
            }
            return (columns.ToArray(), rows);
        }

        public static void CreateRawLike(string source, string target)
        {
            using var s = Open(source);
            using var t = Open(target);
            using var cmd = s.CreateCommand();
            cmd.CommandText = "SELECT sql FROM sqlite_master WHERE tbl_name = 'trajectories' AND sql IS NOT NULL";
            var ddl = new List<string>();
            using (var r = cmd.ExecuteReader())
                while (r.Read()) ddl.Add(r.GetString(0));
            foreach (var sql in ddl)
                Exec(t, sql);
        }

        public static void InsertRaw(string target, string[] columns, List<object?[]> rows)
        {
            using var writer = new RawWriter(target, columns);
            writer.Insert(rows);
        }

        /// <summary>An open connection with a prepared insert, like the store keeps one.</summary>
        public sealed class RawWriter : IDisposable
        {
            private readonly SqliteConnection _c;
            private readonly SqliteCommand _insert;
            private readonly SqliteParameter[] _parameters;

            public RawWriter(string target, string[] columns)
            {
                _c = Open(target);
                _insert = _c.CreateCommand();
                _insert.CommandText = $"INSERT INTO trajectories({string.Join(",", columns)}) VALUES ({string.Join(",", columns.Select((_, i) => "$p" + i))})";
                _parameters = columns.Select((_, i) => _insert.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            }

            public void Insert(List<object?[]> rows)
            {
                for (int b = 0; b < rows.Count; b += Batch)
                {
                    BeginImmediate(_c);
                    for (int i = b; i < Math.Min(rows.Count, b + Batch); i++)
                    {
                        for (int k = 0; k < _parameters.Length; k++) _parameters[k].Value = rows[i][k] ?? DBNull.Value;
                        _insert.ExecuteNonQuery();
                    }
                    Exec(_c, "COMMIT");
                }
            }

            public void Dispose()
            {
                _insert.Dispose();
                _c.Dispose();
            }
        }

        /// <summary>
        /// Takes the write lock the way the store does (TrajectoryStore.BeginImmediate: try, then poll about every
        /// millisecond), so the 4-process ratio compares the work done, not two lock-waiting strategies.
        /// </summary>
        private static void BeginImmediate(SqliteConnection c)
        {
            var db = c.Handle!;
            SQLitePCL.raw.sqlite3_busy_timeout(db, 0);
            try
            {
                for (int attempt = 0; ; attempt++)
                {
                    int rc = SQLitePCL.raw.sqlite3_exec(db, "BEGIN IMMEDIATE");
                    if (rc == 0) return;
                    if ((rc & 0xFF) != 5 && (rc & 0xFF) != 6) SqliteException.ThrowExceptionForRC(rc, db);
                    if (attempt > 60000) throw new TimeoutException("raw baseline: the write lock stayed busy");
                    Thread.Sleep(attempt == 0 ? 0 : 1);
                }
            }
            finally
            {
                SQLitePCL.raw.sqlite3_busy_timeout(db, 60000);
            }
        }

        private static SqliteConnection Open(string path)
        {
            var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            c.Open();
            Exec(c, "PRAGMA busy_timeout = 60000");
            Exec(c, "PRAGMA journal_mode = WAL");
            Exec(c, "PRAGMA synchronous = NORMAL");
            return c;
        }

        private static void Exec(SqliteConnection c, string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        /// <summary>
        /// Appends and raw-inserts on throwaway files until both paths have run for <paramref name="seconds"/>, so tiered
        /// JIT has reached optimised code before anything is timed. A fixed 5,000 appends was not enough on a loaded
        /// 2-core machine: the first timed 20,000 still ran largely tier-0 code (about 8,000/s against 25,000/s once warm),
        /// and a 4-process child, a fresh process, measured nothing but the JIT. The raw side warms up the same way.
        /// </summary>
        public static void WarmUp(string workDir, SymmetricKey key, string tag, double seconds)
        {
            tag += "-" + Guid.NewGuid().ToString("N").Substring(0, 8); // the 4-process runs repeat: fresh files each time
            string enc = Path.Combine(workDir, "warm-" + tag + ".db"), raw = Path.Combine(workDir, "warm-" + tag + "-raw.db");
            var watch = Stopwatch.StartNew();
            int offset = 0;
            using (var store = TrajectoryStore.Open(new StoreOptions { Path = enc, Key = key, BusyTimeout = TimeSpan.FromSeconds(60) }))
            {
                do
                {
                    for (int i = 0; i < 10; i++, offset += Batch)
                        store.AppendMany(Enumerable.Range(offset, Batch).Select(j => Synthetic.Trajectory("w" + tag, j)).ToList());
                }
                while (watch.Elapsed.TotalSeconds < seconds / 2);
            }
            var (columns, rows) = ReadRows(enc, 0, offset);
            CreateRawLike(enc, raw);
            int idColumn = Array.IndexOf(columns, "id");
            using var writer = new RawWriter(raw, columns);
            watch.Restart();
            int round = 0;
            do
            {
                // Fresh ids each round so the UNIQUE constraint accepts them; the bytes are otherwise the store's own.
                writer.Insert(rows.Select(r => { var copy = (object?[])r.Clone(); copy[idColumn] = round + "-" + copy[idColumn]; return copy; }).ToList());
                round++;
            }
            while (watch.Elapsed.TotalSeconds < seconds / 2);
        }

        public static void Run(ResultsFile results, string workDir, int count, int suggestionTrajectories)
        {
            var key = SymmetricKey.Generate();
            WarmUp(workDir, key, "main", 6);

            // Rounds alternate between the store and the raw baseline and the median ratio is reported: on this shared
            // machine one long run of each drifted by 2x between them (0.46 and 1.02 from the same code).
            const int rounds = 5;
            int perRound = count / rounds;
            string enc = Path.Combine(workDir, "enc1.db"), raw = Path.Combine(workDir, "raw1.db");
            var encRates = new List<double>();
            var rawRates = new List<double>();
            using (var store = TrajectoryStore.Open(new StoreOptions { Path = enc, Key = key }))
            {
                store.AppendMany(new[] { Synthetic.Trajectory("open", 0) }); // the writer session exists before the clock starts, as in a running swarm
                CreateRawLike(enc, raw);
                var (columns, first) = ReadRows(enc, 0, 1);
                using var writer = new RawWriter(raw, columns);
                writer.Insert(first); // like the store, the connection is open before the clock starts
                for (int round = 0; round < rounds; round++)
                {
                    var items = Enumerable.Range(round * perRound, perRound).Select(j => Synthetic.Trajectory("a", j)).ToList();
                    long t0 = Stopwatch.GetTimestamp();
                    for (int i = 0; i < items.Count; i += Batch)
                        store.AppendMany(items.GetRange(i, Math.Min(Batch, items.Count - i)));
                    encRates.Add(items.Count / (Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000));

                    var (_, rows) = ReadRows(enc, 1 + (round * perRound), perRound);
                    t0 = Stopwatch.GetTimestamp();
                    writer.Insert(rows);
                    rawRates.Add(rows.Count / (Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000));
                }
            }
            AddRatio(results, $"encrypted + chained appends, 1 process, batches of {Batch}", encRates, "raw SQLite inserts, same bytes", rawRates);

            // 4 processes, three times each, alternating.
            var enc4Rates = new List<double>();
            var raw4Rates = new List<double>();
            long lost = 0;
            bool chainOk = true;
            for (int round = 0; round < 3; round++)
            {
                string enc4 = Path.Combine(workDir, $"enc4-{round}.db"), raw4 = Path.Combine(workDir, $"raw4-{round}.db");
                using (var s = TrajectoryStore.Open(new StoreOptions { Path = enc4, Key = key })) { }
                enc4Rates.Add(count / RunChildren(4, w => $"store-child enc {enc4} {enc} w{w} {w * count / 4} {count / 4}", key.ExportBase64()));
                using (var s = TrajectoryStore.Open(new StoreOptions { Path = enc4, Key = key }))
                {
                    lost += count - s.Count();
                    chainOk &= s.Verify().IsValid;
                }
                CreateRawLike(enc, raw4);
                raw4Rates.Add(count / RunChildren(4, w => $"store-child raw {raw4} {enc} w{w} {w * count / 4} {count / 4}", ""));
            }
            AddRatio(results, "encrypted + chained appends, 4 processes", enc4Rates, "raw SQLite inserts, 4 processes", raw4Rates);
            results.Add(new Metric { Scenario = "6. store", Name = "lost appends (4 processes)", Value = lost, Unit = "records", Target = "0", Met = lost == 0, Note = (chainOk ? "chains verify" : "A CHAIN DOES NOT VERIFY") + "; 3 runs" });

            Suggestions(results, workDir, key, suggestionTrajectories);
        }

        /// <summary>Median rates, and the median of the per-round ratios (each round's pair ran back to back).</summary>
        private static void AddRatio(ResultsFile results, string name, List<double> rates, string baseline, List<double> baselineRates)
        {
            var ratios = rates.Zip(baselineRates, (a, b) => a / b).ToList();
            double ratio = Stats.Percentile(ratios, 0.5);
            results.Add(new Metric
            {
                Scenario = "6. store", Name = name, Value = Stats.Percentile(rates, 0.5), Unit = "appends/s", Baseline = baseline, BaselineValue = Stats.Percentile(baselineRates, 0.5),
                Ratio = ratio, Target = ">= 50% of raw", Met = ratio >= 0.5,
                Note = $"median of {ratios.Count} alternating rounds; ratios {string.Join(" ", ratios.Select(r => r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))}",
            });
        }

        private static void Suggestions(ResultsFile results, string workDir, SymmetricKey key, int n)
        {
            string path = Path.Combine(workDir, "suggest.db");
            AppendEncrypted(path, key, "s", 0, n);
            using var store = TrajectoryStore.Open(new StoreOptions { Path = path, Key = key });
            var model = new LearningModel(store);
            var space = SpaceOf("momentum");
            long build = Stopwatch.GetTimestamp();
            model.GetSuggestion("momentum", "SPY", space); // first call builds the learning index
            double buildMs = Stats.Ms(Stopwatch.GetTimestamp() - build);
            // A running swarm asks for suggestions all the time: warm the fresh path (new observation, refit) before timing it.
            for (int i = 0; i < 50; i++)
            {
                store.Append(Synthetic.Trajectory("warm", n + 1000 + i, "momentum", "SPY"));
                model.GetSuggestion("momentum", "SPY", space);
            }
            var cached = new List<double>();
            var fresh = new List<double>();
            // 1,000 samples: the first collections after the index is built pause 13-16 ms once or twice (measured; later
            // ones 0.5 ms), which would be the p99 of a 100-sample window but are one-off costs of opening a large store.
            for (int i = 0; i < 1000; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                model.GetSuggestion("momentum", "SPY", space);
                cached.Add(Stats.Ms(Stopwatch.GetTimestamp() - t0));
                // A new observation of the pair invalidates the cached suggestion, as during a learning swarm.
                store.Append(Synthetic.Trajectory("x", n + i, "momentum", "SPY"));
                t0 = Stopwatch.GetTimestamp();
                model.GetSuggestion("momentum", "SPY", space);
                fresh.Add(Stats.Ms(Stopwatch.GetTimestamp() - t0));
            }
            results.Add(new Metric { Scenario = "6. store", Name = $"suggestion p99, {n:N0} trajectories, after a new observation", Value = Stats.Percentile(fresh, 0.99), Unit = "ms", Target = "<= 5 ms", Met = Stats.Percentile(fresh, 0.99) <= 5, Note = $"p50 {Stats.Percentile(fresh, 0.5):0.00} ms, max {fresh.Max():0.0} ms of 1,000; the first suggestion, which builds the index, took {buildMs / 1000:0.0} s" });
            results.Add(new Metric { Scenario = "6. store", Name = $"suggestion p99, {n:N0} trajectories, cached", Value = Stats.Percentile(cached, 0.99), Unit = "ms", Target = "<= 5 ms", Met = Stats.Percentile(cached, 0.99) <= 5 });

            // SwarmLearning.Prepare predicts before every deployment, so nearly every Predict follows a new observation of
            // the pair (the time includes reading that row and refitting the model).
            var parameters = space.Dimensions.ToDictionary(dim => dim.Name, dim => dim.Default);
            var predict = new List<double>();
            for (int i = 0; i < 200; i++)
            {
                store.Append(Synthetic.Trajectory("p", n + 500 + i, "momentum", "SPY"));
                long t0 = Stopwatch.GetTimestamp();
                model.Predict("momentum", "SPY", parameters, space);
                predict.Add(Stats.Ms(Stopwatch.GetTimestamp() - t0) * 1000);
            }
            results.Add(new Metric { Scenario = "6. store", Name = $"prediction after a new observation, {n:N0} trajectories, mean", Value = predict.Average(), Unit = "µs", Note = $"what learning adds before each deployment; p50 {Stats.Percentile(predict, 0.5):0} µs, p99 {Stats.Percentile(predict, 0.99):0} µs" });
        }

        private static readonly HashSet<string> NotTuned = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "positionSize", "allocation", "initialCash", "commissionPerTrade", "slippageBps", "seed",
        };

        /// <summary>The same space the coordinator searches (SwarmLearning.SpaceOf, which is internal).</summary>
        private static ParameterSpace SpaceOf(string type) => new ParameterSpace(StrategyCatalog.Get(type).Parameters
            .Where(p => p.Min.HasValue && p.Max.HasValue && p.Max > p.Min && (p.Kind == "integer" || p.Kind == "number"))
            .Where(p => !NotTuned.Contains(p.Name))
            .Select(p => new ParameterDimension(p.Name, p.Kind == "integer" ? ParameterKind.Integer : ParameterKind.Number,
                p.Min!.Value, p.Max!.Value, p.Default ?? p.Min!.Value)));

        /// <summary>Starts the children, waits until all are ready, says go, and times until all are done (seconds).</summary>
        private static double RunChildren(int n, Func<int, string> args, string stdinFirstLine)
        {
            var self = Environment.ProcessPath!;
            var dll = typeof(StoreScenario).Assembly.Location;
            var children = Enumerable.Range(0, n).Select(w =>
            {
                var psi = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
                if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(dll);
                foreach (var a in args(w).Split(' ')) psi.ArgumentList.Add(a);
                var p = Process.Start(psi)!;
                p.StandardInput.WriteLine(stdinFirstLine);
                p.StandardInput.Flush();
                return p;
            }).ToList();
            foreach (var p in children)
                if (p.StandardOutput.ReadLine() != "ready") throw new InvalidOperationException("a store child failed to start");
            long t0 = Stopwatch.GetTimestamp();
            foreach (var p in children) { p.StandardInput.WriteLine("go"); p.StandardInput.Flush(); }
            foreach (var p in children)
            {
                var line = p.StandardOutput.ReadLine();
                p.WaitForExit();
                if (line != "done" || p.ExitCode != 0) throw new InvalidOperationException("a store child failed: " + line);
            }
            double seconds = Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000;
            children.ForEach(p => p.Dispose());
            return seconds;
        }

        /// <summary>Child mode: store-child enc|raw TARGET SOURCE WRITER OFFSET COUNT; key (enc) on the first stdin line.</summary>
        public static int Child(string[] a)
        {
            string mode = a[1], target = a[2], source = a[3], writer = a[4];
            int offset = int.Parse(a[5]), count = int.Parse(a[6]);
            string keyLine = Console.In.ReadLine() ?? "";
            // Both kinds of child warm up both paths identically (a fresh process would otherwise time its JIT).
            WarmUp(Path.GetDirectoryName(target)!, mode == "enc" ? SymmetricKey.FromBase64(keyLine.Trim()) : SymmetricKey.Generate(), mode + writer, 4);
            if (mode == "enc")
            {
                var key = SymmetricKey.FromBase64(keyLine.Trim());
                var items = Enumerable.Range(offset, count).Select(j => Synthetic.Trajectory(writer, j)).ToList();
                using var store = TrajectoryStore.Open(new StoreOptions { Path = target, Key = key, BusyTimeout = TimeSpan.FromSeconds(60) });
                store.AppendMany(items.Take(1).ToList()); // opens the writer session before the clock starts, like a running swarm
                Console.WriteLine("ready");
                Console.In.ReadLine();
                for (int i = 1; i < count; i += Batch)
                    store.AppendMany(items.Skip(i).Take(Math.Min(Batch, count - i)).ToList());
            }
            else
            {
                var (columns, rows) = ReadRows(source, offset, count);
                using var raw = new RawWriter(target, columns);
                raw.Insert(rows.Take(1).ToList());
                rows.RemoveAt(0);
                Console.WriteLine("ready");
                Console.In.ReadLine();
                raw.Insert(rows);
            }
            Console.WriteLine("done");
            return 0;
        }
    }
}
