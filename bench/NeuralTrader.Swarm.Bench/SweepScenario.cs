using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// The sweep of issue 18: agents x perAgent momentum backtests on one year of daily SPY in one swarm, learning on
    /// and the store encrypted, on agents already warm (a small swarm first starts their sandboxes and the JIT).
    /// Afterwards every trajectory must be in the store and its chain must verify.
    /// </summary>
    internal static class SweepScenario
    {
        public sealed class Figures
        {
            public double Rate { get; set; }
            public double Seconds { get; set; }
            public int Deployments { get; set; }
            public int Failed { get; set; }
            public long Stored { get; set; }
            public bool ChainValid { get; set; }
            public bool Learning { get; set; }
            public string Isolation { get; set; } = "";
            public CpuMeter Cpu { get; set; } = new CpuMeter();
            /// <summary>Garbage collections (gen 0, 1, 2) and the time the runtime was paused for them during the sweep.</summary>
            public int[] Collections { get; set; } = new int[3];
            public double GcPauseMs { get; set; }
            /// <summary>CPU microseconds per backtest, every party counted (engine: shared, an upper bound).</summary>
            public double CpuMicroseconds => Cpu.TotalSeconds * 1e6 / Deployments;
        }

        /// <param name="isolation">docker, process or in-process (no sandbox).</param>
        /// <param name="provider">The provider for docker (null: the options' own); ignored otherwise.</param>
        public static async Task<Figures> MeasureAsync(string isolation, ISandboxProvider? provider, string workDir, int agents, int perAgent, bool learning = true)
        {
            string dataDir = SwarmThroughput.OneYearOfSpy(workDir, "data-sweep-" + isolation);
            string store = Path.Combine(workDir, "sweep-" + isolation + "-" + Guid.NewGuid().ToString("N").Substring(0, 6) + ".db");
            var options = new SwarmOptions
            {
                MaxAgents = agents,
                Isolation = isolation == "docker" ? IsolationMode.Docker : IsolationMode.Process,
                LearningEnabled = learning,
                StorePath = store,
                EncryptionKey = NeuralTrader.Swarm.Core.Security.SymmetricKey.Generate(),
                DataPath = dataDir,
                SandboxIdleTimeout = TimeSpan.FromMinutes(10),
                SandboxTimeout = TimeSpan.FromSeconds(120),
            };
            if (isolation == "in-process")
                provider = new InProcessSandboxProvider();
            var figures = new Figures { Learning = learning, Isolation = isolation, Deployments = agents * perAgent };
            var rnd = new Random(11);
            using (var coordinator = new SwarmCoordinator(options, provider))
            {
                try
                {
                    await coordinator.DeploySwarmAsync(SwarmThroughput.MomentumBatch(rnd, agents * 30)).ConfigureAwait(false);
                    var sweep = SwarmThroughput.MomentumBatch(rnd, agents * perAgent);
                    var sandboxes = coordinator.GetSandboxes().Select(s => s.Id).ToList();
                    figures.Cpu = isolation == "docker" ? new CpuMeter(containers: () => sandboxes)
                        : isolation == "process" ? new CpuMeter(processes: () => sandboxes.Select(id => int.Parse(id, System.Globalization.CultureInfo.InvariantCulture)))
                        : new CpuMeter();
                    int[] gc0 = { GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2) };
                    var pause0 = GC.GetTotalPauseDuration();
                    figures.Cpu.Start();
                    long t0 = Stopwatch.GetTimestamp();
                    var settled = await coordinator.DeploySwarmAsync(sweep).ConfigureAwait(false);
                    figures.Seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    figures.Cpu.Stop();
                    figures.Collections = new[] { GC.CollectionCount(0) - gc0[0], GC.CollectionCount(1) - gc0[1], GC.CollectionCount(2) - gc0[2] };
                    figures.GcPauseMs = (GC.GetTotalPauseDuration() - pause0).TotalMilliseconds;
                    figures.Rate = sweep.Count / figures.Seconds;
                    figures.Failed = settled.Count(r => !r.Success);
                    if (learning)
                    {
                        figures.Stored = coordinator.Store.Count() - agents * 30;
                        figures.ChainValid = coordinator.Store.Verify().IsValid;
                    }
                }
                finally
                {
                    await coordinator.CleanupAsync().ConfigureAwait(false);
                }
            }
            provider?.Dispose();
            return figures;
        }

        /// <summary>
        /// `sweep --isolation docker|process|in-process [--agents N] [--per-agent N] [--no-learning] [--rounds N]`: N sweeps
        /// in one process, each printed (from the second on, the coordinator's code is no longer JIT-compiling).
        /// </summary>
        public static async Task<int> RunAsync(string isolation, int agents, int perAgent, bool learning, int rounds = 1)
        {
            string work = Path.Combine(Path.GetTempPath(), "nt-sweep-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                int failed = 0;
                for (int round = 0; round < rounds; round++)
                    failed += await OneAsync(isolation, work, agents, perAgent, learning).ConfigureAwait(false);
                return failed == 0 ? 0 : 1;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(work, true);
            }
        }

        private static async Task<int> OneAsync(string isolation, string work, int agents, int perAgent, bool learning)
        {
            string run = "sweep-" + Guid.NewGuid().ToString("N").Substring(0, 8);
                ISandboxProvider? provider = isolation == "docker"
                    ? new NeuralTrader.Swarm.Core.Sandboxing.Docker.DockerSandboxProvider(new NeuralTrader.Swarm.Core.Sandboxing.Docker.DockerSandboxOptions { RunnerDirectory = Path.GetDirectoryName(RunnerLocator.Locate().RunnerPath), ReapOrphansOnStart = false }, run)
                    : null;
                var f = await MeasureAsync(isolation, provider, work, agents, perAgent, learning).ConfigureAwait(false);
                Console.WriteLine($"{f.Isolation}: {f.Deployments} in {f.Seconds:0.00} s = {f.Rate:0} backtests/s, {f.Failed} failed, {f.Stored} stored, chain {(f.ChainValid ? "valid" : "INVALID")}, learning {(f.Learning ? "on" : "off")}");
                var c = f.Cpu;
                Console.WriteLine($"  CPU per backtest {f.CpuMicroseconds:0} us: coordinator+store {c.SelfSeconds * 1e6 / f.Deployments:0}, sandboxes {c.SandboxSeconds * 1e6 / f.Deployments:0}, engine daemons (shared) {c.EngineSeconds * 1e6 / f.Deployments:0}; on 2 idle cores about {2e6 / f.CpuMicroseconds:0}/s");
            Console.WriteLine($"  GC: {f.Collections[0]}/{f.Collections[1]}/{f.Collections[2]} collections (gen 0/1/2), paused {f.GcPauseMs:0} ms");
                return f.Failed;
        }
    }
}
