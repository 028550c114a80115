using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// A profiling aid, not a scenario: runs 10 x 30 momentum swarms on warm agents (SandboxIdleTimeout) in a loop and prints each swarm's rate,
    /// so a profiler or a CPU sampler can watch the steady state (`loop --isolation docker|process --rounds N`).
    /// </summary>
    internal static class SwarmLoop
    {
        public static async Task<int> RunAsync(string isolation, int rounds, bool learning)
        {
            string work = Path.Combine(Path.GetTempPath(), "nt-loop-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            string dataDir = SwarmThroughput.OneYearOfSpy(work, "data");
            var runner = RunnerLocator.Locate();
            bool docker = isolation == "docker";
            using var provider = docker
                ? new DockerSandboxProvider(new DockerSandboxOptions { RunnerDirectory = Path.GetDirectoryName(runner.RunnerPath), ReapOrphansOnStart = false }, "loop-" + Guid.NewGuid().ToString("N").Substring(0, 8))
                : null;
            var options = new SwarmOptions
            {
                MaxAgents = 10,
                SandboxIdleTimeout = TimeSpan.FromMinutes(10),
                Isolation = docker ? IsolationMode.Docker : IsolationMode.Process,
                LearningEnabled = learning,
                StorePath = Path.Combine(work, "loop.db"),
                EncryptionKey = NeuralTrader.Swarm.Core.Security.SymmetricKey.Generate(),
                DataPath = dataDir,
                RunnerPath = runner.RunnerPath,
            };
            using var coordinator = new SwarmCoordinator(options, provider);
            var rnd = new Random(7);
            try
            {
                for (int round = 0; round <= rounds; round++)
                {
                    var batch = SwarmThroughput.MomentumBatch(rnd, 300);
                    long t0 = Stopwatch.GetTimestamp();
                    var settled = await coordinator.DeploySwarmAsync(batch).ConfigureAwait(false);
                    double rate = batch.Count / Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    Console.WriteLine(round == 0 ? "START" : $"round {round}: {rate:0} exec/s, {settled.Count(r => !r.Success)} failed");
                }
                Console.WriteLine("END");
            }
            finally
            {
                await coordinator.CleanupAsync().ConfigureAwait(false);
                Directory.Delete(work, true);
            }
            return 0;
        }
    }
}
