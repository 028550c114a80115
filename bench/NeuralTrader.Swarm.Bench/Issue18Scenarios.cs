using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// The figures of issue 18, side by side in one run (scenario rows "7. ... (Docker)"): the second swarm of a session
    /// with the default idle time vs the first, the 10 x 1,000 sweep in Docker vs the same sweep in-process and vs a
    /// naive `docker run` loop, burst P50/P95, and how long a killed owner's containers outlive it.
    /// Every container carries this run's id and this session's label; only those are counted or removed.
    /// </summary>
    internal static class Issue18Scenarios
    {
        private const string Scenario = "7. warm, sweeps, bursts (Docker)";

        public static async Task RunAsync(ResultsFile results, string workDir, bool quick)
        {
            string runnerDir = DockerScenarios.RunnerDirectoryOrNull()
                ?? throw new InvalidOperationException("no published linux Native AOT runner (bench/run.sh publishes one and sets NEURALTRADER_RUNNER)");
            using var client = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
            string run = "bench-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var builder = new SandboxImageBuilder(client, runnerDir);
            await builder.BuildAsync().ConfigureAwait(false);
            DockerSandboxProvider Provider() => new DockerSandboxProvider(new DockerSandboxOptions { RunnerDirectory = runnerDir, ReapOrphansOnStart = false }, run);
            try
            {
                await SecondSwarmAsync(results, workDir, Provider).ConfigureAwait(false);
                await SweepAsync(results, workDir, Provider, builder.Tag, run, quick).ConfigureAwait(false);
                foreach (int agents in quick ? new[] { 50 } : new[] { 50, 100 })
                {
                    var cold = await BurstScenario.MeasureAsync(runnerDir, run, agents, "bounded").ConfigureAwait(false);
                    // The engine's own floor, right after: the same number of bare create + start calls at once.
                    var bare = await BurstScenario.MeasureBareAsync(client, builder.Tag, run, agents).ConfigureAwait(false);
                    results.Add(new Metric
                    {
                        Scenario = Scenario, Name = $"burst of {agents}: sandbox start P50", Value = cold.P50Ms / 1000, Unit = "s",
                        Baseline = $"bare engine create + start, {agents} at once", BaselineValue = bare.P50Ms / 1000, Ratio = cold.P50Ms / bare.P50Ms,
                        Note = $"request -> first ping, all {agents} asked at once, no warm pool, MaxConcurrentStarts 32 (default); all ready in {cold.AllReadySeconds:0.0} s, {cold.Failed} failed; the bare burst (same image and hardening, no attach, no ping) all started in {bare.AllReadySeconds:0.0} s, its create calls P50 {bare.CreateP50Ms / 1000:0.00} s, start calls P50 {bare.StartCallP50Ms / 1000:0.00} s",
                    });
                    results.Add(new Metric { Scenario = Scenario, Name = $"burst of {agents}: sandbox start P95", Value = cold.P95Ms / 1000, Unit = "s", Target = "<= 2 s (50, idle machine)", Met = agents == 50 ? cold.P95Ms <= 2000 : (bool?)null,
                        Baseline = $"bare engine create + start, {agents} at once", BaselineValue = bare.P95Ms / 1000, Ratio = cold.P95Ms / bare.P95Ms });
                }
                var warm = await BurstScenario.MeasureAsync(runnerDir, run, 50, "warm-pool").ConfigureAwait(false);
                results.Add(new Metric
                {
                    Scenario = Scenario, Name = "burst of 50 from a warm pool of 50: sandbox start P95", Value = warm.P95Ms / 1000, Unit = "s", Target = "<= 2 s", Met = warm.P95Ms <= 2000,
                    Note = $"P50 {warm.P50Ms:0.###} ms; the pool (-WarmPoolSize 50) was filled before the burst and refills in the background",
                });
                await OwnerKillAsync(results, client).ConfigureAwait(false);
            }
            finally
            {
                await DockerScenarios.SweepRunAsync(client, run).ConfigureAwait(false);
            }
        }

        /// <summary>Two 10 x 30 swarms on one coordinator with the default options: the second finds its agents warm.</summary>
        private static async Task SecondSwarmAsync(ResultsFile results, string workDir, Func<ISandboxProvider> provider)
        {
            var options = new SwarmOptions
            {
                Isolation = IsolationMode.Docker,
                StorePath = Path.Combine(workDir, "second-swarm.db"),
                EncryptionKey = NeuralTrader.Swarm.Core.Security.SymmetricKey.Generate(),
                DataPath = SwarmThroughput.OneYearOfSpy(workDir, "data-second"),
                SandboxTimeout = TimeSpan.FromSeconds(120),
            };
            var rnd = new Random(5);
            var rates = new List<double>();
            using (var coordinator = new SwarmCoordinator(options, provider()))
            {
                try
                {
                    for (int i = 0; i < 3; i++)
                    {
                        var batch = SwarmThroughput.MomentumBatch(rnd, 300);
                        long t0 = Stopwatch.GetTimestamp();
                        await coordinator.DeploySwarmAsync(batch).ConfigureAwait(false);
                        rates.Add(batch.Count / Stopwatch.GetElapsedTime(t0).TotalSeconds);
                    }
                }
                finally
                {
                    await coordinator.CleanupAsync().ConfigureAwait(false);
                }
            }
            double idle = options.SandboxIdleTimeout.TotalSeconds;
            results.Add(new Metric { Scenario = Scenario, Name = "first swarm of a session, 10 x 30 momentum, learning on (cold)", Value = rates[0], Unit = "exec/s", Note = "starts its 10 containers" });
            results.Add(new Metric
            {
                Scenario = Scenario, Name = "second swarm, same session, default options", Value = rates[1], Unit = "exec/s", Baseline = "third swarm (warm)", BaselineValue = rates[2], Ratio = rates[1] / rates[2],
                Target = ">= 80% of warm", Met = rates[1] >= 0.8 * rates[2], Note = $"agents kept warm by the default idle time ({idle:0} s)",
            });
        }

        /// <summary>The 10 x 1,000 sweep: Docker (twice: the first includes the JIT warm-up), in-process, and the naive loop.</summary>
        private static async Task SweepAsync(ResultsFile results, string workDir, Func<ISandboxProvider> provider, string image, string run, bool quick)
        {
            int perAgent = quick ? 300 : 1000;
            var first = await SweepScenario.MeasureAsync("docker", provider(), workDir, 10, perAgent).ConfigureAwait(false);
            var docker = await SweepScenario.MeasureAsync("docker", provider(), workDir, 10, perAgent).ConfigureAwait(false);
            // A third: on a loaded machine the runtime's background recompilation (tier 1) is starved, so the second
            // sweep may still run some of the coordinator's code unoptimised.
            var third = await SweepScenario.MeasureAsync("docker", provider(), workDir, 10, perAgent).ConfigureAwait(false);
            var inProcess = await SweepScenario.MeasureAsync("in-process", null, workDir, 10, perAgent).ConfigureAwait(false);
            double naive = await DockerScenarios.NaiveDockerAsync(image, run, Path.Combine(BundledData.Directory, "SPY.csv"), 10, quick ? 10 : 20).ConfigureAwait(false);
            string Cpu(SweepScenario.Figures f) =>
                $"CPU per backtest {f.CpuMicroseconds:0} us (coordinator + store {f.Cpu.SelfSeconds * 1e6 / f.Deployments:0}, runners {f.Cpu.SandboxSeconds * 1e6 / f.Deployments:0}, engine daemons {f.Cpu.EngineSeconds * 1e6 / f.Deployments:0}, shared); "
                + $"GC {f.Collections[0]}/{f.Collections[1]}/{f.Collections[2]} (gen 0/1/2), paused {f.GcPauseMs:0} ms";
            string Stored(SweepScenario.Figures f) => $"{f.Stored} of {f.Deployments} trajectories stored, chain {(f.ChainValid ? "valid" : "INVALID")}, {f.Failed} failed";
            results.Add(new Metric
            {
                Scenario = Scenario, Name = $"sweep 10 agents x {perAgent} momentum, 1y daily SPY, learning on, encrypted, metrics-only results (ResultDetail Auto) (first in the process)", Value = first.Rate, Unit = "backtests/s",
                Baseline = "docker run --rm per backtest", BaselineValue = naive, Ratio = first.Rate / naive, Note = Stored(first) + "; includes the JIT warm-up; " + Cpu(first),
            });
            results.Add(new Metric
            {
                Scenario = Scenario, Name = $"sweep 10 x {perAgent}, same, second in the process", Value = docker.Rate, Unit = "backtests/s",
                Baseline = "docker run --rm per backtest", BaselineValue = naive, Ratio = docker.Rate / naive, Target = ">= 10,000/s (idle machine)", Met = docker.Rate >= 10000 && docker.ChainValid && docker.Stored == docker.Deployments,
                Note = Stored(docker) + "; " + Cpu(docker) + $"; 2 idle cores at this CPU cost: about {2e6 / docker.CpuMicroseconds:0}/s",
            });
            results.Add(new Metric
            {
                Scenario = Scenario, Name = $"sweep 10 x {perAgent}, same, third in the process", Value = third.Rate, Unit = "backtests/s",
                Baseline = "docker run --rm per backtest", BaselineValue = naive, Ratio = third.Rate / naive,
                Note = Stored(third) + "; " + Cpu(third) + $"; 2 idle cores at this CPU cost: about {2e6 / third.CpuMicroseconds:0}/s",
            });
            results.Add(new Metric
            {
                Scenario = Scenario, Name = $"sweep 10 x {perAgent}, same, in-process without sandboxes", Value = inProcess.Rate, Unit = "backtests/s",
                Baseline = "Docker sweep (second)", BaselineValue = docker.Rate, Ratio = inProcess.Rate / docker.Rate,
                Note = Stored(inProcess) + "; " + Cpu(inProcess) + "; the ratio is what the sandboxes cost",
            });
        }

        /// <summary>A child process owns a warm Docker swarm; kill -9 it and time until its containers are gone.</summary>
        private static async Task OwnerKillAsync(ResultsFile results, DockerClient client)
        {
            string session = (Environment.GetEnvironmentVariable("NEURALTRADER_SESSION") ?? "perf") + "-kill-" + Guid.NewGuid().ToString("N").Substring(0, 6);
            var start = new ProcessStartInfo(Environment.ProcessPath!, "owner-child") { UseShellExecute = false, RedirectStandardOutput = true };
            start.Environment["NEURALTRADER_SESSION"] = session;
            using var child = Process.Start(start)!;
            string? line;
            while ((line = await child.StandardOutput.ReadLineAsync().ConfigureAwait(false)) != null && line != "READY")
            {
            }
            int before = (await DockerScenarios.ListBySessionAsync(client, session).ConfigureAwait(false)).Count;
            long t0 = Stopwatch.GetTimestamp();
            child.Kill(); // SIGKILL: the owner gets no chance to clean up
            double gone = double.NaN;
            while (Stopwatch.GetElapsedTime(t0) < TimeSpan.FromSeconds(60))
            {
                if ((await DockerScenarios.ListBySessionAsync(client, session).ConfigureAwait(false)).Count == 0)
                {
                    gone = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    break;
                }
                await Task.Delay(100).ConfigureAwait(false);
            }
            int left = (await DockerScenarios.ListBySessionAsync(client, session).ConfigureAwait(false)).Count;
            results.Add(new Metric
            {
                Scenario = Scenario, Name = "kill -9 of the owner: seconds until its containers are gone", Value = gone, Unit = "s", Target = "a few seconds", Met = left == 0 && gone <= 10,
                Note = $"{before} warm containers before the kill, {left} left after 60 s (polled every 100 ms)",
            });
        }

        /// <summary>`owner-child`: a warm 4-agent Docker swarm with the default options, then waits to be killed.</summary>
        public static async Task<int> OwnerChildAsync()
        {
            string work = Path.Combine(Path.GetTempPath(), "nt-owner-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var options = new SwarmOptions
            {
                Isolation = IsolationMode.Docker,
                MaxAgents = 4,
                LearningEnabled = false,
                DataPath = SwarmThroughput.OneYearOfSpy(work, "data"),
            };
            var coordinator = new SwarmCoordinator(options, new DockerSandboxProvider(new DockerSandboxOptions
            {
                RunnerDirectory = DockerScenarios.RunnerDirectoryOrNull(),
                ReapOrphansOnStart = false,
            }, "owner-" + Guid.NewGuid().ToString("N").Substring(0, 8)));
            await coordinator.DeploySwarmAsync(SwarmThroughput.MomentumBatch(new Random(3), 8)).ConfigureAwait(false);
            Console.WriteLine("READY");
            await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
            return 0;
        }
    }
}
