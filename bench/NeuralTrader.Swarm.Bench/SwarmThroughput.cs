using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// The heavy-load swarm of scenarios 2 (process) and 3 (Docker): agents x iterations momentum deployments on one
    /// year of daily SPY, learning on (NT_BENCH_LEARNING=off to compare), measured three ways:
    /// warm (agents kept their sandboxes from the previous swarm: SandboxIdleTimeout), sustained (one long swarm),
    /// and cold (every swarm starts its sandboxes).
    /// </summary>
    internal static class SwarmThroughput
    {
        public sealed class Figures
        {
            public List<double> Warm { get; } = new List<double>();
            public List<double> Cold { get; } = new List<double>();
            public double Sustained { get; set; }
            public int Failed { get; set; }
            public long Stored { get; set; }
            public bool Learning { get; set; }
        }

        /// <summary>Writes the last 252 bars of the bundled SPY into its own data folder; returns the folder.</summary>
        public static string OneYearOfSpy(string workDir, string name)
        {
            string dataDir = Path.Combine(workDir, name);
            Directory.CreateDirectory(dataDir);
            var lines = File.ReadAllLines(Path.Combine(BundledData.Directory, "SPY.csv"));
            File.WriteAllLines(Path.Combine(dataDir, "SPY.csv"), new[] { lines[0] }.Concat(lines.Skip(lines.Length - 252)));
            return dataDir;
        }

        /// <summary>n momentum deployments on SPY with varied lookback and threshold, so learning sees distinct runs.</summary>
        public static List<DeploymentRequest> MomentumBatch(Random rnd, int n) => Enumerable.Range(0, n).Select(i => new DeploymentRequest("momentum", "SPY",
            new Dictionary<string, object?> { ["lookback"] = 5 + rnd.Next(40), ["threshold"] = rnd.Next(5) * 0.005 })).ToList();

        /// <param name="options">Isolation, data and store; MaxAgents and SandboxIdleTimeout are set here.</param>
        /// <param name="provider">A sandbox provider per coordinator (null for the one the options select).</param>
        public static async Task<Figures> MeasureAsync(SwarmOptions options, Func<NeuralTrader.Swarm.Core.Sandboxing.ISandboxProvider?> provider,
            int agents, int iterations, int warmSwarms = 5, int coldSwarms = 3)
        {
            options.MaxAgents = agents;
            options.LearningEnabled = Environment.GetEnvironmentVariable("NT_BENCH_LEARNING") != "off";
            var figures = new Figures { Learning = options.LearningEnabled };
            var rnd = new Random(7);

            async Task<double> SwarmAsync(SwarmCoordinator coordinator, int n)
            {
                var batch = MomentumBatch(rnd, n);
                long t0 = Stopwatch.GetTimestamp();
                var settled = await coordinator.DeploySwarmAsync(batch).ConfigureAwait(false);
                double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                figures.Failed += settled.Count(r => !r.Success);
                return n / seconds;
            }

            options.SandboxIdleTimeout = TimeSpan.FromMinutes(10);
            using (var coordinator = new SwarmCoordinator(options, provider()))
            {
                try
                {
                    await SwarmAsync(coordinator, agents * iterations).ConfigureAwait(false); // JIT, store open, sandboxes started
                    for (int i = 0; i < warmSwarms; i++)
                        figures.Warm.Add(await SwarmAsync(coordinator, agents * iterations).ConfigureAwait(false));
                    figures.Sustained = await SwarmAsync(coordinator, agents * iterations * 10).ConfigureAwait(false);
                    figures.Stored = options.LearningEnabled ? coordinator.Store.Count() : 0;
                }
                finally
                {
                    await coordinator.CleanupAsync().ConfigureAwait(false);
                }
            }

            options.SandboxIdleTimeout = TimeSpan.Zero;
            using (var coordinator = new SwarmCoordinator(options, provider()))
            {
                try
                {
                    for (int i = 0; i < coldSwarms; i++)
                        figures.Cold.Add(await SwarmAsync(coordinator, agents * iterations).ConfigureAwait(false));
                }
                finally
                {
                    await coordinator.CleanupAsync().ConfigureAwait(false);
                }
            }
            return figures;
        }

        /// <summary>The three rows of a scenario, each beside the naive baseline measured in the same run.</summary>
        public static void Report(ResultsFile results, string scenario, Figures f, int agents, int iterations, string baseline, double naive, bool dockerRunBaseline, string sandboxes)
        {
            string learning = f.Learning ? "learning on" : "learning OFF";
            results.Add(Metric.Throughput(scenario, $"{agents} agents x {iterations} momentum, 1y daily SPY, {learning}, warm agents", Stats.Percentile(f.Warm, 0.5), baseline, naive, dockerRunBaseline,
                $"median of {f.Warm.Count} swarms, best {f.Warm.Max():0}; agents kept their {sandboxes} from the previous swarm (SandboxIdleTimeout)"));
            results.Add(Metric.Throughput(scenario, $"{agents} agents x {iterations * 10}, same, sustained", f.Sustained, baseline, naive, dockerRunBaseline,
                $"{f.Failed} failed in all swarms; {f.Stored} trajectories stored"));
            double cold = Stats.Percentile(f.Cold, 0.5);
            results.Add(new Metric
            {
                Scenario = scenario, Name = $"{agents} agents x {iterations}, same, cold", Value = cold, Unit = "exec/s", Baseline = baseline, BaselineValue = naive, Ratio = cold / naive,
                Note = $"median of {f.Cold.Count} swarms, best {f.Cold.Max():0}; each swarm starts its {agents} {sandboxes} (SandboxIdleTimeout 0, the default)",
            });
        }
    }
}
