using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Core.Sandboxing.Swarm;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Tests.Store;
using NeuralTrader.Swarm.Tests.Swarm;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// Issue [4/7]'s rows. (a) Appends: the same encrypted, chained trajectories into a SQLite file and into a PostgreSQL
    /// database (a cluster started here, reached over its Unix socket), in batches of 100 and one by one. (b) The same
    /// sweep on one engine (Docker isolation on node 1's engine) and on the two-node Swarm (Swarm isolation, a service
    /// per agent), both on the cluster the tests build (<see cref="TwoNodeSwarm"/>, linked source). Both nodes share
    /// this machine's cores, so (b) measures the Swarm path's overhead and how evenly it places work, not a speed-up.
    /// </summary>
    internal static class ScaleScenario
    {
        private const string Scenario = "8. scale-out";

        /// <summary>`scale --out FILE [--agents N] [--per-agent N] [--appends N]`.</summary>
        public static async Task<int> RunAsync(string output, int agents, int perAgent, int appends)
        {
            var results = new ResultsFile { StartedAt = DateTimeOffset.UtcNow };
            results.Machine["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture);
            results.Machine["load at start"] = Load();
            string work = Path.Combine(Path.GetTempPath(), "nt-scale-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                Appends(results, work, appends);
                await SweepsAsync(results, work, agents, perAgent).ConfigureAwait(false);
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(work, true);
            }
            results.Machine["load at end"] = Load();
            results.FinishedAt = DateTimeOffset.UtcNow;
            results.Save(output);
            foreach (var m in results.Metrics)
                Console.WriteLine($"{m.Scenario} | {m.Name} | {m.Value.ToString("0.###", CultureInfo.InvariantCulture)} {m.Unit} | {m.Baseline} {m.BaselineValue?.ToString("0.###", CultureInfo.InvariantCulture)} | {m.Note}");
            foreach (var s in results.Skipped)
                Console.WriteLine($"skipped {s.Scenario}: {s.Reason}");
            return 0;
        }

        private static string Load() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

        private static void Appends(ResultsFile results, string work, int count)
        {
            PostgresCluster server;
            try
            {
                server = new PostgresCluster();
            }
            catch (Exception e) when (e is InvalidOperationException || e is System.ComponentModel.Win32Exception)
            {
                results.Skipped.Add(new Skipped { Scenario = Scenario + " store", Reason = e.Message });
                return;
            }
            using (server)
            {
                foreach (var batch in new[] { 100, 1 })
                {
                    int n = batch == 1 ? Math.Max(100, count / 10) : count;
                    // Alternating rounds, median of each: the machine is shared, so neither backend gets the quiet minute.
                    var sqlite = new List<double>();
                    var postgres = new List<double>();
                    for (int round = 0; round < 5; round++)
                    {
                        sqlite.Add(AppendRate(Path.Combine(work, $"appends-{batch}-{round}.db"), n, batch));
                        postgres.Add(AppendRate(server.NewDatabase(), n, batch));
                    }
                    double pg = Stats.Percentile(postgres, 0.5), lite = Stats.Percentile(sqlite, 0.5);
                    results.Metrics.Add(new Metric
                    {
                        Scenario = Scenario + " (store)",
                        Name = $"encrypted + chained appends, 1 process, {(batch == 1 ? "one per transaction" : "batches of " + batch)}, PostgreSQL (local server, Unix socket)",
                        Value = pg, Unit = "appends/s",
                        Baseline = "SQLite file, same records", BaselineValue = lite, Ratio = pg / lite,
                        Note = $"{n} records, median of 5 alternating rounds; PostgreSQL {Join(postgres)}, SQLite {Join(sqlite)}; each PostgreSQL transaction takes the advisory write lock",
                    });
                }
            }
        }

        private static string Join(IEnumerable<double> values) => string.Join(" ", values.Select(v => v.ToString(v < 100 ? "0.0" : "0", CultureInfo.InvariantCulture)));

        private static double Median(IEnumerable<double> values) => Stats.Percentile(values.ToList(), 0.5);

        private static double AppendRate(string location, int count, int batch)
        {
            var key = SymmetricKey.Generate();
            var writer = "w" + Guid.NewGuid().ToString("N").Substring(0, 6);
            using var store = TrajectoryStore.Open(new StoreOptions { Path = location, Key = key, BusyTimeout = TimeSpan.FromSeconds(60) });
            // Warm-up outside the clock: the connection, the schema and the JIT.
            store.AppendMany(Enumerable.Range(0, 10).Select(j => Synthetic.Trajectory(writer + "x", j)).ToList());
            var rows = Enumerable.Range(0, count).Select(j => Synthetic.Trajectory(writer, j)).ToList();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i += batch)
                store.AppendMany(rows.Skip(i).Take(batch).ToList());
            double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            if (store.Count() != count + 10 || !store.Verify().IsValid)
                throw new InvalidOperationException("The append benchmark lost records or broke the chain at " + store.Path + ".");
            return count / seconds;
        }

        private static async Task SweepsAsync(ResultsFile results, string work, int agents, int perAgent)
        {
            var runnerDir = DockerScenarios.RunnerDirectoryOrNull();
            var busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists);
            string? missing = runnerDir == null ? "no linux runner to build the sandbox image (bench/run.sh publishes one; or set NEURALTRADER_RUNNER)"
                : busybox == null ? "no static busybox (apt-get install busybox-static)"
                : Environment.UserName != "root" ? "building the two-node cluster needs root (network namespaces, a second dockerd)"
                : null;
            if (missing != null)
            {
                results.Skipped.Add(new Skipped { Scenario = Scenario + " (sweep)", Reason = missing });
                return;
            }
            var cluster = new TwoNodeSwarm(busybox!);
            try
            {
                await cluster.BuildAsync().ConfigureAwait(false);
                string run = "scale-" + Guid.NewGuid().ToString("N").Substring(0, 8);
                // Alternating, one engine first: each measured three times, the median kept (the machine is shared).
                var single = new List<Sweep>();
                var swarm = new List<Sweep>();
                for (int round = 0; round < 3; round++)
                {
                    single.Add(await SweepAsync(IsolationMode.Docker, new DockerSandboxProvider(new DockerSandboxOptions
                    {
                        Endpoint = cluster.Node1Endpoint,
                        RunnerDirectory = runnerDir,
                        ReapOrphansOnStart = false,
                    }, run + "-d" + round), work, agents, perAgent).ConfigureAwait(false));
                    swarm.Add(await SweepAsync(IsolationMode.Swarm, new SwarmSandboxProvider(new SwarmSandboxOptions
                    {
                        ManagerEndpoint = cluster.Node1Endpoint,
                        NodeEndpoints = cluster.NodeEndpoints,
                        Registry = TwoNodeSwarm.RegistryAddress,
                        Container = new DockerSandboxOptions { RunnerDirectory = runnerDir, ReapOrphansOnStart = false },
                    }, run + "-s" + round), work, agents, perAgent).ConfigureAwait(false));
                }
                var one = single.OrderBy(s => s.Rate).ElementAt(single.Count / 2);
                var two = swarm.OrderBy(s => s.Rate).ElementAt(swarm.Count / 2);
                string name = $"sweep {agents} agents x {perAgent} momentum, 1y daily SPY, learning on, encrypted SQLite store, warm agents";
                results.Metrics.Add(new Metric
                {
                    Scenario = Scenario + " (one engine)", Name = name + ", Docker isolation on node 1's engine",
                    Value = one.Rate, Unit = "backtests/s",
                    Note = $"median of 3 alternating runs ({Join(single.Select(s => s.Rate))}); {one.Describe()}",
                });
                results.Metrics.Add(new Metric
                {
                    Scenario = Scenario + " (two-node Swarm)", Name = name + ", Swarm isolation over both nodes (a service per agent, attach through each node's engine)",
                    Value = two.Rate, Unit = "backtests/s", Baseline = "one engine, same sweep", BaselineValue = one.Rate, Ratio = two.Rate / one.Rate,
                    Note = $"median of 3 alternating runs ({Join(swarm.Select(s => s.Rate))}); {two.Describe()}; both nodes share this machine's cores, so the ratio is the Swarm path's overhead, not a speed-up",
                });
                results.Metrics.Add(new Metric
                {
                    Scenario = Scenario + " (two-node Swarm)", Name = "balance: share of the sweep's backtests run on the busier node",
                    Value = two.BusiestShare * 100, Unit = "%", Target = "50% is even", Note = "the median run: " + two.Placement + "; all runs: " + Join(swarm.Select(s => s.BusiestShare * 100)) + " %",
                });
                results.Metrics.Add(new Metric
                {
                    Scenario = Scenario + " (two-node Swarm)", Name = "first deployment of a fresh coordinator (image build + push on the manager, services scheduled, tasks attached)",
                    Value = Median(swarm.Select(s => s.WarmUpSeconds)), Unit = "s", Baseline = "one engine: image build + containers started", BaselineValue = Median(single.Select(s => s.WarmUpSeconds)),
                    Ratio = Median(swarm.Select(s => s.WarmUpSeconds)) / Median(single.Select(s => s.WarmUpSeconds)),
                    Note = $"the warm-up swarm of {agents} x 30 before each timed sweep, median of 3 (Swarm {Join(swarm.Select(s => s.WarmUpSeconds))} s, one engine {Join(single.Select(s => s.WarmUpSeconds))} s)",
                });
            }
            catch (Exception e)
            {
                results.Skipped.Add(new Skipped { Scenario = Scenario + " (sweep)", Reason = "the two-node cluster failed: " + e.Message + "\n" + cluster.Logs() });
            }
            finally
            {
                await cluster.TearDownAsync().ConfigureAwait(false);
            }
        }

        private sealed class Sweep
        {
            public double Rate { get; set; }
            public double WarmUpSeconds { get; set; }
            public int Failed { get; set; }
            public long Stored { get; set; }
            public bool ChainValid { get; set; }
            public double BusiestShare { get; set; }
            public string Placement { get; set; } = "";

            public string Describe() => $"{Failed} failed, {Stored} trajectories stored, chain {(ChainValid ? "valid" : "INVALID")}";
        }

        private static async Task<Sweep> SweepAsync(IsolationMode isolation, ISandboxProvider provider, string work, int agents, int perAgent)
        {
            var options = new SwarmOptions
            {
                MaxAgents = agents,
                Isolation = isolation,
                StorePath = Path.Combine(work, "sweep-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".db"),
                EncryptionKey = SymmetricKey.Generate(),
                DataPath = SwarmThroughput.OneYearOfSpy(work, "data-scale"),
                SandboxIdleTimeout = TimeSpan.FromMinutes(10),
                SandboxTimeout = TimeSpan.FromSeconds(180),
                MemoryLimitMb = 256,
                CpuLimit = 1,
            };
            var sweep = new Sweep();
            var rnd = new Random(11);
            using (var coordinator = new SwarmCoordinator(options, provider))
            {
                try
                {
                    long w0 = Stopwatch.GetTimestamp();
                    await coordinator.DeploySwarmAsync(SwarmThroughput.MomentumBatch(rnd, agents * 30)).ConfigureAwait(false);
                    sweep.WarmUpSeconds = Stopwatch.GetElapsedTime(w0).TotalSeconds;
                    var nodeOf = coordinator.GetSandboxes().ToDictionary(s => s.Id, s => string.IsNullOrEmpty(s.Node) ? "this engine" : s.Node);
                    var requests = SwarmThroughput.MomentumBatch(rnd, agents * perAgent);
                    long t0 = Stopwatch.GetTimestamp();
                    var settled = await coordinator.DeploySwarmAsync(requests).ConfigureAwait(false);
                    sweep.Rate = requests.Count / Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    sweep.Failed = settled.Count(r => !r.Success);
                    sweep.Stored = coordinator.Store.Count() - agents * 30;
                    sweep.ChainValid = coordinator.Store.Verify().IsValid;
                    var perNode = settled.GroupBy(r => r.SandboxId != null && nodeOf.TryGetValue(r.SandboxId, out var n) ? n : "unknown")
                        .ToDictionary(g => g.Key, g => g.Count());
                    var agentsPerNode = nodeOf.Values.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
                    sweep.BusiestShare = perNode.Values.Max() / (double)settled.Count;
                    sweep.Placement = string.Join(", ", perNode.OrderBy(p => p.Key, StringComparer.Ordinal)
                        .Select(p => $"{p.Key}: {p.Value} backtests on {(agentsPerNode.TryGetValue(p.Key, out var a) ? a : 0)} agents"));
                }
                finally
                {
                    await coordinator.CleanupAsync().ConfigureAwait(false);
                }
            }
            provider.Dispose();
            return sweep;
        }
    }
}
