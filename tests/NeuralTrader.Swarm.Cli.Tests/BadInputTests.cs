using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>
    /// Fixture files for the bad-input battery: broken CSVs, deployment, scenario and state files, a symbolic-link
    /// loop, a seeded store and a read-only copy of it, all in one temporary folder.
    /// </summary>
    public sealed class BadInputFiles : IDisposable
    {
        private const string Header = "Date,Open,High,Low,Close,Volume\n";

        public BadInputFiles()
        {
            Folder = Path.Combine(Path.GetTempPath(), "deploy-swarm-bad-input-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Folder);
            Write("NUL.csv", Header + "2020-01-01,1,2,1,1\0,5\n");
            Write("BIG.csv", Header + "2020-01-01,1,2,1," + new string('9', 100000) + "x,5\n");
            Write("NOHEAD.csv", "2020-01-01,1,2,1,1,5\n");
            Write("EMPTYF.csv", "");
            Write("BADDATE.csv", Header + "2020-13-45,1,2,1,1,5\n");
            Write("NEGP.csv", Header + "2020-01-01,-1,2,1,1,5\n");
            Write("HILO.csv", Header + "2020-01-01,1,1,2,1,5\n");
            Write("NEGV.csv", Header + "2020-01-01,1,2,1,1,-5\n");
            Write("DUP.csv", Header + "2020-01-01,1,2,1,1,5\n2020-01-01,1,2,1,1,5\n");
            Write("DESC.csv", Header + "2020-01-02,1,2,1,1,5\n2020-01-01,1,2,1,1,5\n");
            Write("COLS.csv", Header + "2020-01-01,1,2,1\n");
            Write("MISS.csv", Header + "2020-01-01,1,,1,1,5\n");
            Write("NANV.csv", Header + "2020-01-01,1,NaN,1,1,5\n");
            Write("HONLY.csv", Header);
            Write("TXT.csv", Header + "2020-01-01,1,2,1,abc,5\n");
            Write("INF.csv", Header + "2020-01-01,1,2,1,Infinity,5\n");
            Write("DUPCOL.csv", "Date,Open,High,Low,Close,Close,Volume\n2020-01-01,1,2,1,1,1,5\n");
            Write("SHORT.csv", Header + "2020-01-01,1,2,1,1,5\n");
            Directory.CreateDirectory(Path.Combine(Folder, "emptydir"));
            Write("deps-empty.json", "[]");
            Write("deps-bad.json", "{not json");
            Write("deps-unnamed.json", "[{\"params\":{}}]");
            Write("deps-unknown.json", "[{\"strategyName\":\"nosuch\"}]");
            Write("deps-obj.json", "{\"strategyName\":\"momentum\"}");
            Write("deps-badparam.json", "[{\"strategyName\":\"momentum\",\"params\":{\"lookback\":-5}}]");
            Write("deps-badsym.json", "[{\"strategyName\":\"momentum\",\"symbols\":\"NOPE\"}]");
            Write("deps-symnum.json", "[{\"strategyName\":\"momentum\",\"symbols\":5}]");
            Write("scen-bad.json", "nope");
            Write("scen-empty.json", "{\"scenarios\":[]}");
            Write("scen-zero.json", "{\"scenarios\":[{\"name\":\"z\",\"agents\":0,\"iterations\":1}]}");
            Write("scen-noname.json", "{\"scenarios\":[{\"agents\":1,\"iterations\":1}]}");
            Write("scen-thr.json", "{\"scenarios\":[{\"name\":\"t\",\"agents\":1,\"iterations\":1}],\"thresholds\":{\"maxErrorRate\":5}}");
            Write("exists.txt", "x");
            Write("notsqlite.db", "this is not a database at all, just text long enough");
            Write("state-bad.json", "{nope");
            Write("state-empty.json", "");
            Write("state-arr.json", "[1,2]");
            Write("state-v99.json", "{\"version\":99,\"trajectories\":[]}");
            Write("state-x.json", "{\"version\":1,\"trajectories\":\"x\"}");
            File.CreateSymbolicLink(Path.Combine(Folder, "loop1"), "loop2");
            File.CreateSymbolicLink(Path.Combine(Folder, "loop2"), "loop1");
            File.CreateSymbolicLink(Path.Combine(Folder, "dangling"), Path.Combine(Folder, "nowhere"));

            // One real deployment seeds the store that reading commands are pointed at.
            var seeded = CliRunner.Run("deploy", "-s", "momentum", "--isolation", "process", "--store", Seeded);
            if (seeded.ExitCode != 0)
                throw new InvalidOperationException("Seeding the store failed: " + seeded);
            File.Copy(Seeded, ReadOnlyStore);
            // chattr +i makes the file read-only even for root (the CI user); elsewhere mode 0444 does.
            Immutable = Tool("chattr", "+i", ReadOnlyStore) == 0;
            if (!Immutable && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(ReadOnlyStore, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        public string Folder { get; }

        public string Seeded => Path.Combine(Folder, "seeded.db");

        public string ReadOnlyStore => Path.Combine(Folder, "im.db");

        private bool Immutable { get; }

        /// <summary>Names and sizes of everything in the fixture folder, and the seeded store's hash: a bad input must change none of it.</summary>
        public string Snapshot() => string.Join("\n", Directory.EnumerateFileSystemEntries(Folder).OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => Path.GetFileName(p) + (File.Exists(p) && !IsLink(p) ? " " + new FileInfo(p).Length : "")))
            + "\n" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Seeded)));

        private static bool IsLink(string path) => new FileInfo(path).LinkTarget != null;

        private void Write(string name, string text) => File.WriteAllText(Path.Combine(Folder, name), text);

        internal static int Tool(string file, params string[] args)
        {
            try
            {
                var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in args)
                    start.ArgumentList.Add(a);
                using var process = Process.Start(start)!;
                process.WaitForExit();
                return process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return -1;
            }
        }

        public void Dispose()
        {
            if (Immutable)
                Tool("chattr", "-i", ReadOnlyStore);
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// The bad-input battery through the real CLI (dotnet deploy-swarm.dll as a child process): each input exits 2 with
    /// one "deploy-swarm:" line carrying the expected message, prints no stack trace, stays short however large the
    /// input, and adds no file (not even a store), no trajectory and no container. {F} is the fixture folder.
    /// </summary>
    public sealed class BadInputTests : IClassFixture<BadInputFiles>
    {
        private readonly BadInputFiles _files;

        public BadInputTests(BadInputFiles files) => _files = files;

        public static TheoryData<string, string[]> Cases => new TheoryData<string, string[]>
        {
            { "--agents must be between 1 and 10000 (got 2147483647).", new[] { "deploy", "-s", "momentum", "-a", "2147483647", "--isolation", "process", "--store", "s.db" } },
            { "--agents must be between 1 and 10000 (got 100000000).", new[] { "deploy", "-s", "momentum", "-a", "100000000", "--isolation", "process" } },
            { "--agents must be between 1 and 10000 (got 10001).", new[] { "deploy", "-s", "momentum", "-a", "10001", "--isolation", "process" } },
            { "--agents must be between 1 and 10000 (got 0).", new[] { "deploy", "-s", "momentum", "-a", "0", "--isolation", "process" } },
            { "--agents must be between 1 and 10000 (got -1).", new[] { "deploy", "-s", "momentum", "-a", "-1", "--isolation", "process" } },
            { "Cannot parse argument 'abc' for option '--agents' as expected type 'System.Nullable`1[System.Int32]'.", new[] { "deploy", "-s", "momentum", "-a", "abc", "--isolation", "process" } },
            { "Cannot parse argument '1.5' for option '--agents' as expected type 'System.Nullable`1[System.Int32]'.", new[] { "deploy", "-s", "momentum", "-a", "1.5", "--isolation", "process" } },
            { "--symbols names no symbol (got ','); give e.g. --symbols SPY,QQQ.", new[] { "deploy", "-s", "momentum", "--symbols", ",", "--isolation", "process" } },
            { "--symbols names no symbol (got ' , '); give e.g. --symbols SPY,QQQ.", new[] { "deploy", "-s", "momentum", "--symbols", " , ", "--isolation", "process" } },
            { "No strategy named 'nosuch' is registered and it is not a built-in type. Known: momentum, mean-reversion, neura", new[] { "deploy", "-s", "nosuch", "--isolation", "process" } },
            { "No strategy named '' is registered and it is not a built-in type. Known: momentum, mean-reversion, neural-fore", new[] { "deploy", "-s", "", "--isolation", "process" } },
            { "deploy needs either --strategy or --from <deployments.json>.", new[] { "deploy", "--isolation", "process" } },
            { "deploy needs either --strategy or --from <deployments.json>.", new[] { "deploy", "-s", "momentum", "--from", "{F}/deps-unknown.json", "--isolation", "process" } },
            { "No market data for symbol 'NOPE'. Available: IWM, QQQ, SPY, TSLA", new[] { "deploy", "-s", "momentum", "--symbols", "NOPE", "--isolation", "process" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got -1.", new[] { "deploy", "-s", "momentum", "-p", "{\"lookback\":-1}", "--isolation", "process" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum must be a number between 1 and 1000, got 'x'.", new[] { "deploy", "-s", "momentum", "-p", "{\"lookback\":\"x\"}", "--isolation", "process" } },
            { "Strategy 'momentum': Unknown parameter 'nosuch' for momentum. Known parameters: lookback, threshold, allocatio", new[] { "deploy", "-s", "momentum", "-p", "{\"nosuch\":1}", "--isolation", "process" } },
            { "--params must be a JSON object, e.g. '{\"lookback\":30}'.", new[] { "deploy", "-s", "momentum", "-p", "[1]", "--isolation", "process" } },
            { "--params is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON ob", new[] { "deploy", "-s", "momentum", "-p", "{", "--isolation", "process" } },
            { "--params must be a JSON object, e.g. '{\"lookback\":30}'.", new[] { "deploy", "-s", "momentum", "-p", "1", "--isolation", "process" } },
            { "Strategy 'momentum': Parameter 'threshold' of momentum is out of range: must be between 0 and 1, got 1e308.", new[] { "deploy", "-s", "momentum", "-p", "{\"threshold\":1e308}", "--isolation", "process" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got 100000.", new[] { "deploy", "-s", "momentum", "-p", "{\"lookback\":100000}", "--isolation", "process" } },
            { "Strategy 'mean-reversion': Parameter 'lookback' of mean-reversion is out of range: must be between 2 and 1000,", new[] { "deploy", "-s", "mean-reversion", "-p", "{\"lookback\":0}", "--isolation", "process" } },
            { "Strategy 'neural-forecast': Parameter 'epochs' of neural-forecast is out of range: must be between 1 and 200, ", new[] { "deploy", "-s", "neural-forecast", "-p", "{\"epochs\":-3}", "--isolation", "process" } },
            { "--from: no such file: {F}/missing.json", new[] { "deploy", "--from", "{F}/missing.json", "--isolation", "process" } },
            { "--from: {F}/deps-empty.json lists no deployments; expected [{ \"strategyName\": \"momentum\", \"params\": { ... } },", new[] { "deploy", "--from", "{F}/deps-empty.json", "--isolation", "process" } },
            { "--from: {F}/deps-bad.json is not a valid deployments file: The JSON value could not be converted to System.Col", new[] { "deploy", "--from", "{F}/deps-bad.json", "--isolation", "process" } },
            { "--from: deployment 1 in {F}/deps-unnamed.json names no strategy (strategyName or strategy).", new[] { "deploy", "--from", "{F}/deps-unnamed.json", "--isolation", "process" } },
            { "No strategy named 'nosuch' is registered and it is not a built-in type. Known: momentum, mean-reversion, neura", new[] { "deploy", "--from", "{F}/deps-unknown.json", "--isolation", "process" } },
            { "--from: {F}/deps-obj.json is not a valid deployments file: The JSON value could not be converted to System.Col", new[] { "deploy", "--from", "{F}/deps-obj.json", "--isolation", "process" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got -5.", new[] { "deploy", "--from", "{F}/deps-badparam.json", "--isolation", "process" } },
            { "No market data for symbol 'NOPE'. Available: IWM, QQQ, SPY, TSLA", new[] { "deploy", "--from", "{F}/deps-badsym.json", "--isolation", "process" } },
            { "'symbols' names symbols: give a symbol or a list of symbols, e.g. [\"SPY\",\"QQQ\"] (got 5).", new[] { "deploy", "--from", "{F}/deps-symnum.json", "--isolation", "process" } },
            { "--from: no such file: {F}/emptydir", new[] { "deploy", "--from", "{F}/emptydir", "--isolation", "process" } },
            { "CpuLimit 0 is invalid: it must be between 0.01 and 1024 cores", new[] { "deploy", "-s", "momentum", "--cpu-limit", "0", "--isolation", "process" } },
            { "CpuLimit 1E-10 is invalid: it must be between 0.01 and 1024 cores", new[] { "deploy", "-s", "momentum", "--cpu-limit", "0.0000000001", "--isolation", "process" } },
            { "CpuLimit Infinity is invalid: it must be between 0.01 and 1024 cores", new[] { "deploy", "-s", "momentum", "--cpu-limit", "Infinity", "--isolation", "process" } },
            { "MemoryLimitMb 99999999 is invalid: it must be between 16 and 1048576 MB.", new[] { "deploy", "-s", "momentum", "--memory-limit", "99999999", "--isolation", "process" } },
            { "CpuLimit -1 is invalid: it must be between 0.01 and 1024 cores", new[] { "deploy", "-s", "momentum", "--cpu-limit", "-1", "--isolation", "process" } },
            { "Cannot parse argument 'abc' for option '--cpu-limit' as expected type 'System.Double'.", new[] { "deploy", "-s", "momentum", "--cpu-limit", "abc", "--isolation", "process" } },
            { "MemoryLimitMb 0 is invalid: it must be between 16 and 1048576 MB.", new[] { "deploy", "-s", "momentum", "--memory-limit", "0", "--isolation", "process" } },
            { "MemoryLimitMb -5 is invalid: it must be between 16 and 1048576 MB.", new[] { "deploy", "-s", "momentum", "--memory-limit", "-5", "--isolation", "process" } },
            { "SandboxTimeout 00:00:00 is invalid: it must be positive.", new[] { "deploy", "-s", "momentum", "--timeout", "0", "--isolation", "process" } },
            { "SandboxTimeout -00:00:00.0010000 is invalid: it must be positive.", new[] { "deploy", "-s", "momentum", "--timeout", "-1", "--isolation", "process" } },
            { "MaxAgents 0 is invalid: it must be between 1 and 1000.", new[] { "deploy", "-s", "momentum", "--max-agents", "0", "--isolation", "process" } },
            { "MaxAgents -3 is invalid: it must be between 1 and 1000.", new[] { "deploy", "-s", "momentum", "--max-agents", "-3", "--isolation", "process" } },
            { "RetryCount 11 is invalid: it must be between 0 and 10.", new[] { "deploy", "-s", "momentum", "--retry-count", "11", "--isolation", "process" } },
            { "RetryCount -1 is invalid: it must be between 0 and 10.", new[] { "deploy", "-s", "momentum", "--retry-count", "-1", "--isolation", "process" } },
            { "RetryDelay -00:00:00.0010000 is invalid: it must be between 0 and 10 minutes.", new[] { "deploy", "-s", "momentum", "--retry-delay", "-1", "--isolation", "process" } },
            { "CircuitBreakerThreshold 1 is invalid: it must be 0 (off) or between 2 and 10000.", new[] { "deploy", "-s", "momentum", "--circuit-breaker", "1", "--isolation", "process" } },
            { "CircuitBreakerThreshold -1 is invalid: it must be 0 (off) or between 2 and 10000.", new[] { "deploy", "-s", "momentum", "--circuit-breaker", "-1", "--isolation", "process" } },
            { "Cannot parse argument 'nosuch' for option '--isolation' as expected type 'NeuralTrader.Swarm.Core.IsolationMod", new[] { "deploy", "-s", "momentum", "--isolation", "nosuch" } },
            { "Cannot parse argument 'abc' for option '--seed' as expected type 'System.Int32'.", new[] { "deploy", "-s", "momentum", "--seed", "abc", "--isolation", "process" } },
            { "Unrecognized command or argument 'maybe'.", new[] { "deploy", "-s", "momentum", "--learning", "maybe", "--isolation", "process" } },
            { "The trajectory store '/proc/version' cannot be used: it is a device or kernel file, not a regular file.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "/proc/version" } },
            { "The trajectory store '/dev/null' cannot be used: it is a device or kernel file, not a regular file.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "/dev/null" } },
            { "The trajectory store path is empty: leave it out to use the default store, or name a file.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "" } },
            { "The trajectory store '{F}/loop1' cannot be used: Too many levels of symbolic links : '{F}/loop1'.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "{F}/loop1" } },
            { "The trajectory store '{F}/dangling' cannot be used: Could not find file '{F}/dangling'.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "{F}/dangling" } },
            { "The trajectory store '{F}/im.db' is read-only",  new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "{F}/im.db" } },
            { "The trajectory store '{F}/im.db' is read-only", new[] { "status", "--store", "{F}/im.db" } },
            { "The trajectory store '{F}/im.db' is read-only", new[] { "export", "-o", "x.json", "--store", "{F}/im.db" } },
            { "The trajectory store '{F}/im.db' is read-only", new[] { "patterns", "--store", "{F}/im.db" } },
            { "The trajectory store '{F}/im.db' is read-only", new[] { "register", "-n", "x", "--type", "momentum", "--store", "{F}/im.db" } },
            { "The trajectory store '{F}/dangling' cannot be used", new[] { "status", "--store", "{F}/dangling" } },
            { "'{F}/notsqlite.db' is not a valid trajectory store: SQLite Error 26: 'file is not a database'.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--store", "{F}/notsqlite.db" } },
            { "The market data path '{F}/missing.csv' cannot be used: no such file or folder.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/missing.csv" } },
            { "The market data path '{F}/emptydir' cannot be used: the folder holds no <SYMBOL>.csv or <SYMBOL>.<interval>.cs", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/emptydir" } },
            { "NUL.csv line 2: Close '1\\0' contains a NUL character", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/NUL.csv", "--symbols", "NUL" } },
            { "BIG.csv line 2: Close '9999999999999999999999999999999999999999... (100001 characters)' is not a number", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/BIG.csv", "--symbols", "BIG" } },
            { "NOHEAD.csv line 1: the header has no 'Date' column (found: 2020-01-01,1,2,1,1,5)", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/NOHEAD.csv", "--symbols", "NOHEAD" } },
            { "EMPTYF.csv line 1: the file is empty; a header line Date,Open,High,Low,Close,Volume is required", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/EMPTYF.csv", "--symbols", "EMPTYF" } },
            { "BADDATE.csv line 2: Date '2020-13-45' is not a valid date (expected yyyy-MM-dd, or yyyy-MM-dd HH:mm[:ss] with ", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/BADDATE.csv", "--symbols", "BADDATE" } },
            { "NEGP.csv line 2: Open -1 is not a positive price", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/NEGP.csv", "--symbols", "NEGP" } },
            { "HILO.csv line 2: High 1 is below Low 2", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/HILO.csv", "--symbols", "HILO" } },
            { "NEGV.csv line 2: Volume -5 is negative", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/NEGV.csv", "--symbols", "NEGV" } },
            { "DUP.csv line 3: Date 2020-01-01 is a duplicate of the previous row", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/DUP.csv", "--symbols", "DUP" } },
            { "DESC.csv line 3: Date 2020-01-01 is before the previous row's 2020-01-02; dates must be in ascending order (lo", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/DESC.csv", "--symbols", "DESC" } },
            { "COLS.csv line 2: expected 6 columns as in the header, found 4", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/COLS.csv", "--symbols", "COLS" } },
            { "MISS.csv line 2: missing High value", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/MISS.csv", "--symbols", "MISS" } },
            { "NANV.csv line 2: missing High value", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/NANV.csv", "--symbols", "NANV" } },
            { "HONLY.csv line 1: no data rows after the header", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/HONLY.csv", "--symbols", "HONLY" } },
            { "TXT.csv line 2: Close 'abc' is not a number", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/TXT.csv", "--symbols", "TXT" } },
            { "INF.csv line 2: Close 'Infinity' is not a number", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/INF.csv", "--symbols", "INF" } },
            { "DUPCOL.csv line 1: the header names column 'Close' twice", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/DUPCOL.csv", "--symbols", "DUPCOL" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is 20 but must be less than the number of bars up to the", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "{F}/SHORT.csv", "--symbols", "SHORT" } },
            { "--encryption-key takes no value: the key is never accepted on the command line. Set NEURALTRADER_ENCRYPTION_KE", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--encryption-key=abc" } },
            { "--encryption-key takes no value: the key is never accepted on the command line. Set NEURALTRADER_ENCRYPTION_KE", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--encryption-key", "abc" } },
            { "--auto-optimize deploys with learned parameters; it needs learning on (drop --learning false).", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--learning", "false", "--auto-optimize" } },
            { "--encryption-key encrypts the trajectory store; it needs learning on (drop --learning false).", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--learning", "false", "--encryption-key" } },
            { "the trajectory store needs an encryption key: set NEURALTRADER_ENCRYPTION_KEY to the base64 key (New-SwarmEncr", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--encryption-key" } },
            { "Unrecognized command or argument '--bogus'.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--bogus" } },
            { "Unrecognized command or argument 'extra'.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "extra" } },
            { "Strategy 'momentum': Run option validation.split is the out-of-sample share and must be between 0 and 1 (exclu", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--validation-split", "1.5" } },
            { "Strategy 'momentum': Run option validation.split is the out-of-sample share and must be between 0 and 1 (exclu", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--validation-split", "0" } },
            { "Strategy 'momentum': Run option validation.walkForward must be between 1 and 50 folds, got 0.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--walk-forward", "0" } },
            { "Give either --validation-split or --walk-forward, not both.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--walk-forward", "2", "--validation-split", "0.3" } },
            { "Required argument missing for option: '-s'.", new[] { "deploy", "-s" } },
            { "Required argument missing for option: '-a'.", new[] { "deploy", "-s", "momentum", "-a" } },
            { "Required argument missing for option: '--symbols'.", new[] { "deploy", "-s", "momentum", "--symbols" } },
            { "Option '--name' is required.", new[] { "register", "--type", "momentum" } },
            { "Strategy 'x': Unknown strategy 'nosuch'. Known strategies: momentum, mean-reversion, neural-forecast. Use --im", new[] { "register", "-n", "x", "--type", "nosuch" } },
            { "No market data for symbol 'NOPE'. Available: IWM, QQQ, SPY, TSLA", new[] { "register", "-n", "x", "--type", "momentum", "--symbols", "NOPE" } },
            { "Strategy 'x': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got 0.", new[] { "register", "-n", "x", "--type", "momentum", "-p", "{\"lookback\":0}" } },
            { "A strategy needs a name.", new[] { "register", "-n", "", "--type", "momentum" } },
            { "Strategy 'x': Unknown strategy 'x'. Known strategies: momentum, mean-reversion, neural-forecast. Use --image ", new[] { "register", "-n", "x" } },
            { "--params is not valid JSON: 'notjson' is an invalid JSON literal. Expected the literal 'null'. LineNumber: 0 |", new[] { "register", "-n", "x", "--type", "momentum", "-p", "notjson" } },
            { "The trajectory store '/dev/null' cannot be used: it is a device or kernel file, not a regular file.", new[] { "register", "-n", "x", "--type", "momentum", "--store", "/dev/null" } },
            { "No strategy named 'nosuch' is registered.", new[] { "unregister", "-n", "nosuch", "--store", "{F}/seeded.db" } },
            { "Option '--name' is required.", new[] { "unregister" } },
            { "Trials must be at least 1 (got 0).", new[] { "optimize", "-s", "momentum", "-n", "0", "--isolation", "process" } },
            { "Trials must be at least 1 (got -1).", new[] { "optimize", "-s", "momentum", "-n", "-1", "--isolation", "process" } },
            { "Parallel must be at least 1 (got 0).", new[] { "optimize", "-s", "momentum", "--parallel", "0", "--isolation", "process" } },
            { "Strategy 'momentum': Run option validation.split is the out-of-sample share and must be between 0 and 1 (exclu", new[] { "optimize", "-s", "momentum", "--validation-split", "1", "--isolation", "process" } },
            { "Argument 'sideways' not recognized. Must be one of:", new[] { "optimize", "-s", "momentum", "--walk-forward-mode", "sideways", "--isolation", "process" } },
            { "No strategy named 'nosuch' is registered and it is not a built-in type. Known: momentum, mean-reversion, neura", new[] { "optimize", "-s", "nosuch", "--isolation", "process" } },
            { "No market data for symbol 'NOPE'. Available: IWM, QQQ, SPY, TSLA", new[] { "optimize", "-s", "momentum", "--symbol", "NOPE", "--isolation", "process" } },
            { "Option '--strategy' is required.", new[] { "optimize", "--isolation", "process" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got -1.", new[] { "optimize", "-s", "momentum", "-p", "{\"lookback\":-1}", "--isolation", "process" } },
            { "Threshold MaxLatencyMs Infinity is invalid: it must be positive and finite.", new[] { "benchmark", "--max-latency", "Infinity", "--isolation", "process" } },
            { "Threshold MaxLatencyMs 0 is invalid: it must be positive and finite.", new[] { "benchmark", "--max-latency", "0", "--isolation", "process" } },
            { "Threshold MaxLatencyMs -1 is invalid: it must be positive and finite.", new[] { "benchmark", "--max-latency", "-1", "--isolation", "process" } },
            { "Threshold MaxLatencyMs NaN is invalid: it must be positive and finite.", new[] { "benchmark", "--max-latency", "NaN", "--isolation", "process" } },
            { "Threshold MinThroughput -1 is invalid: it must be zero or more, and finite.", new[] { "benchmark", "--min-throughput", "-1", "--isolation", "process" } },
            { "Threshold MinThroughput Infinity is invalid: it must be zero or more, and finite.", new[] { "benchmark", "--min-throughput", "Infinity", "--isolation", "process" } },
            { "Threshold MaxErrorRate 2 is invalid: it must be between 0 and 1.", new[] { "benchmark", "--max-error-rate", "2", "--isolation", "process" } },
            { "Threshold MinSuccessRate -0.1 is invalid: it must be between 0 and 1.", new[] { "benchmark", "--min-success-rate", "-0.1", "--isolation", "process" } },
            { "Threshold MinSuccessRate NaN is invalid: it must be between 0 and 1.", new[] { "benchmark", "--min-success-rate", "NaN", "--isolation", "process" } },
            { "The benchmark output folder '{F}/exists.txt' is an existing file; name a folder (it is created when missing).", new[] { "benchmark", "-o", "{F}/exists.txt", "--isolation", "process" } },
            { "--scenarios: no such file: {F}/missing.json", new[] { "benchmark", "--scenarios", "{F}/missing.json", "--isolation", "process" } },
            { "--scenarios: {F}/scen-bad.json is not a valid scenarios file: 'nope' is an invalid JSON literal. Expected the ", new[] { "benchmark", "--scenarios", "{F}/scen-bad.json", "--isolation", "process" } },
            { "--scenarios: {F}/scen-empty.json lists no scenarios; expected { \"scenarios\": [{ \"name\": \"production-load\", \"ag", new[] { "benchmark", "--scenarios", "{F}/scen-empty.json", "--isolation", "process" } },
            { "Scenario 'z': Agents 0 must be between 1 and 1000.", new[] { "benchmark", "--scenarios", "{F}/scen-zero.json", "--isolation", "process" } },
            { "A benchmark scenario needs a name.", new[] { "benchmark", "--scenarios", "{F}/scen-noname.json", "--isolation", "process" } },
            { "Threshold MaxErrorRate 5 is invalid: it must be between 0 and 1.", new[] { "benchmark", "--scenarios", "{F}/scen-thr.json", "--isolation", "process" } },
            { "No benchmark scenario named 'nosuch'. Available: light-load, medium-load, heavy-load.", new[] { "benchmark", "-s", "nosuch", "--isolation", "process" } },
            { "Unknown strategy 'nosuch' in --strategies. Known: momentum, mean-reversion, neural-forecast.", new[] { "benchmark", "--strategies", "nosuch", "--isolation", "process" } },
            { "No market data for symbol 'NOPE' in --symbols. Available: IWM, QQQ, SPY, TSLA (add more with --data).", new[] { "benchmark", "--symbols", "NOPE", "--isolation", "process" } },
            { "The trajectory store '/proc/version' cannot be used: it is a device or kernel file, not a regular file.", new[] { "status", "--store", "/proc/version" } },
            { "The trajectory store '/dev/null' cannot be used: it is a device or kernel file, not a regular file.", new[] { "status", "--store", "/dev/null" } },
            { "The trajectory store '{F}/loop1' cannot be used: Too many levels of symbolic links : '{F}/loop1'.", new[] { "status", "--store", "{F}/loop1" } },
            { "The trajectory store path is empty: leave it out to use the default store, or name a file.", new[] { "status", "--store", "" } },
            { "'{F}/notsqlite.db' is not a valid trajectory store: SQLite Error 26: 'file is not a database'.", new[] { "status", "--store", "{F}/notsqlite.db" } },
            { "The market data path '{F}/missing.csv' cannot be used: no such file or folder.", new[] { "status", "--data", "{F}/missing.csv" } },
            { "The market data path '{F}/emptydir' cannot be used: the folder holds no <SYMBOL>.csv or <SYMBOL>.<interval>.cs", new[] { "status", "--data", "{F}/emptydir" } },
            { "Cannot parse argument 'nosuch' for option '--isolation' as expected type 'NeuralTrader.Swarm.Core.IsolationMod", new[] { "status", "--isolation", "nosuch" } },
            { "There is no trajectory store at {F}/missing.db yet: deploy something first, or name the store with --store.", new[] { "patterns", "--store", "{F}/missing.db" } },
            { "--min-success must be between 0 and 1 (got NaN).", new[] { "patterns", "--min-success", "NaN", "--store", "{F}/seeded.db" } },
            { "--min-success must be between 0 and 1 (got 2).", new[] { "patterns", "--min-success", "2", "--store", "{F}/seeded.db" } },
            { "--min-success must be between 0 and 1 (got -1).", new[] { "patterns", "--min-success", "-1", "--store", "{F}/seeded.db" } },
            { "The trajectory store '/dev/null' cannot be used: it is a device or kernel file, not a regular file.", new[] { "patterns", "--store", "/dev/null" } },
            { "Cannot parse argument 'nosuch' for option '--kind' as expected type 'NeuralTrader.Swarm.Core.Learning.PatternK", new[] { "patterns", "--kind", "nosuch", "--store", "{F}/seeded.db" } },
            { "No strategy named 'nosuch' is registered and it is not a built-in type. Known: momentum, mean-reversion, neura", new[] { "patterns", "-t", "momentum on SPY", "--strategy", "nosuch", "--store", "{F}/seeded.db" } },
            { "--params is not valid JSON: ", new[] { "patterns", "-t", "momentum on SPY", "--strategy", "momentum", "-p", "[", "--store", "{F}/seeded.db" } },
            { "-o: '{F}/emptydir' is a folder; name the state file to write.", new[] { "export", "-o", "{F}/emptydir", "--store", "{F}/seeded.db" } },
            { "There is no trajectory store at {F}/missing.db to export.", new[] { "export", "--store", "{F}/missing.db" } },
            { "The trajectory store '/proc/version' cannot be used: it is a device or kernel file, not a regular file.", new[] { "export", "--store", "/proc/version" } },
            { "The trajectory store '{F}/loop1' cannot be used: Too many levels of symbolic links : '{F}/loop1'.", new[] { "export", "--store", "{F}/loop1" } },
            { "Could not find a part of the path '/proc/nope/x.json", new[] { "export", "-o", "/proc/nope/x.json", "--store", "{F}/seeded.db" } },
            { "There is no export file at {F}/missing.json.", new[] { "import", "-i", "{F}/missing.json", "--store", "{F}/seeded.db" } },
            { "The import file is not valid JSON.", new[] { "import", "-i", "{F}/state-bad.json", "--store", "{F}/seeded.db" } },
            { "The import file is not valid JSON.", new[] { "import", "-i", "{F}/state-empty.json", "--store", "{F}/seeded.db" } },
            { "The import file is not a NeuralTrader.Swarm state export.", new[] { "import", "-i", "{F}/state-arr.json", "--store", "{F}/seeded.db" } },
            { "The import file is not a NeuralTrader.Swarm state export.", new[] { "import", "-i", "{F}/state-v99.json", "--store", "{F}/seeded.db" } },
            { "The import file is not a NeuralTrader.Swarm state export.", new[] { "import", "-i", "{F}/state-x.json", "--store", "{F}/seeded.db" } },
            { "There is no export file at {F}/emptydir.", new[] { "import", "-i", "{F}/emptydir", "--store", "{F}/seeded.db" } },
            { "Option '--input' is required.", new[] { "import", "--store", "{F}/seeded.db" } },
            { "-i: the export file path is empty; name the file to import.", new[] { "import", "-i", "", "--store", "{F}/seeded.db" } },
            { "Required command was not provided.", Array.Empty<string>() },
            { "Unrecognized command or argument 'nosuchcommand'.", new[] { "nosuchcommand" } },
            { "The market data path is empty: leave it out to use the bundled data, or name a CSV file or folder.", new[] { "deploy", "-s", "momentum", "--isolation", "process", "--data", "" } },
            { "No market data for symbol 'NOPE'. Available: IWM, QQQ, SPY, TSLA", new[] { "patterns", "-t", "momentum on SPY", "--strategy", "momentum", "--symbol", "NOPE", "--store", "{F}/seeded.db" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got -1.", new[] { "patterns", "-t", "momentum on SPY", "--strategy", "momentum", "-p", "{\"lookback\":-1}", "--store", "{F}/seeded.db" } },
            { "--agents must be between 1 and 10000 (got 2147483647).", new[] { "deploy", "-s", "momentum", "-a", "2147483647", "--isolation", "docker" } },
            { "No strategy named 'nosuch' is registered and it is not a built-in type.", new[] { "deploy", "-s", "nosuch", "--isolation", "docker" } },
            { "Strategy 'momentum': Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got 0.", new[] { "deploy", "-s", "momentum", "-p", "{\"lookback\":0}", "-a", "3", "--isolation", "docker" } },
            { "No market data for symbol 'NOPE'.", new[] { "deploy", "-s", "momentum", "--symbols", "NOPE,ZZZ", "--isolation", "docker" } },
            { "TXT.csv line 2: Close 'abc' is not a number", new[] { "deploy", "-s", "momentum", "--isolation", "docker", "--data", "{F}/TXT.csv", "--symbols", "TXT" } },
            { "The trajectory store '{F}/im.db' is read-only",  new[] { "deploy", "-s", "momentum", "--isolation", "docker", "--store", "{F}/im.db" } },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void BadInput_ExitsTwo_WithTheMessage_AndAddsNothing(string message, string[] args)
        {
            var work = Path.Combine(_files.Folder, "..", Path.GetFileName(_files.Folder) + "-work-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                var before = _files.Snapshot();
                // The default store and any relative path land in the empty work folder, never in the user's store.
                var environment = new Dictionary<string, string?> { ["XDG_DATA_HOME"] = work, ["HOME"] = work };
                var expanded = args.Select(a => a.Replace("{F}", _files.Folder, StringComparison.Ordinal)).ToArray();
                var result = CliRunner.RunIn(work, environment, expanded);

                Assert.True(result.ExitCode == 2, result.ToString());
                Assert.Contains("deploy-swarm: " + message.Replace("{F}", _files.Folder, StringComparison.Ordinal), result.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal);
                Assert.DoesNotContain("Unhandled exception", result.All, StringComparison.Ordinal);
                Assert.True(result.All.Length < 20000, "The output quotes the input at length: " + result.All.Length + " characters.");
                Assert.Empty(Directory.EnumerateFileSystemEntries(work));
                Assert.Equal(before, _files.Snapshot());
                Assert.Empty(ContainersOf(result.ProcessId));
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        }

        /// <summary>Sandbox containers whose owner label names the CLI process that just ran (other runs on the engine are not counted).</summary>
        private static List<string> ContainersOf(int pid)
        {
            var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "ps", "-a", "--filter", "label=org.neuraltrader.swarm.owner", "--format", "{{.Label \"org.neuraltrader.swarm.owner\"}}" })
                start.ArgumentList.Add(a);
            try
            {
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                var prefix = Environment.MachineName + ":" + pid + ":";
                return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(o => o.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No docker client: no container can have been started either.
                return new List<string>();
            }
        }
    }
}
