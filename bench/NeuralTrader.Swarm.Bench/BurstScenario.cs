using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// Bursts: N agents ask for a Docker sandbox at the same moment. Each start is timed from the agent's request to
    /// its sandbox answering the first ping (waiting for an engine slot included). Three ways: every creation at once
    /// (MaxConcurrentStarts = N), creations bounded (the provider's default), and from a warm pool filled beforehand.
    /// </summary>
    internal static class BurstScenario
    {
        public sealed class Figures
        {
            public int Agents { get; set; }
            public string Mode { get; set; } = "";
            public double P50Ms { get; set; }
            public double P95Ms { get; set; }
            public double AllReadySeconds { get; set; }
            public int Failed { get; set; }
            /// <summary>Bare bursts only: median time of the create call and of the start call.</summary>
            public double CreateP50Ms { get; set; }
            public double StartCallP50Ms { get; set; }
        }

        public static async Task<Figures> MeasureAsync(string runnerDir, string run, int agents, string mode)
        {
            var options = new DockerSandboxOptions { RunnerDirectory = runnerDir, ReapOrphansOnStart = false };
            if (mode == "unbounded")
                options.MaxConcurrentStarts = agents;
            if (mode == "warm-pool")
                options.WarmPoolSize = agents;
            if (mode.StartsWith("bounded-", StringComparison.Ordinal))
                options.MaxConcurrentStarts = int.Parse(mode.Substring("bounded-".Length), System.Globalization.CultureInfo.InvariantCulture);
            using var provider = new DockerSandboxProvider(options, run);
            try
            {
                // The image is built and the engine probed before the clock starts (a session does that once).
                var probe = await provider.CreateAsync(Spec("probe"), CancellationToken.None).ConfigureAwait(false);
                await probe.StopAsync().ConfigureAwait(false);
                if (mode == "warm-pool")
                    await provider.WarmUpAsync().ConfigureAwait(false);
                var times = new double[agents];
                int failed = 0;
                long t0 = Stopwatch.GetTimestamp();
                await Task.WhenAll(Enumerable.Range(0, agents).Select(i => Task.Run(async () =>
                {
                    long s = Stopwatch.GetTimestamp();
                    try
                    {
                        await provider.CreateAsync(Spec("burst-" + i), CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is NeuralTrader.Swarm.Core.SwarmException || e is OperationCanceledException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    times[i] = Stats.Ms(Stopwatch.GetTimestamp() - s);
                }))).ConfigureAwait(false);
                double all = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                return new Figures
                {
                    Agents = agents,
                    Mode = mode,
                    P50Ms = Stats.Percentile(times, 0.5),
                    P95Ms = Stats.Percentile(times, 0.95),
                    AllReadySeconds = all,
                    Failed = failed,
                };
            }
            finally
            {
                await provider.CleanupAsync().ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The engine's floor under a burst: <paramref name="agents"/> bare create + start calls at once, with the same image
        /// and hardening as the provider's containers but no attach and no wait for the runner. Each is timed from the
        /// request to the engine's answer to start; the containers are removed afterwards.
        /// </summary>
        public static async Task<Figures> MeasureBareAsync(Docker.DotNet.DockerClient client, string image, string run, int agents)
        {
            var times = new double[agents];
            var creates = new double[agents];
            var starts = new double[agents];
            var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
            int failed = 0;
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                await Task.WhenAll(Enumerable.Range(0, agents).Select(i => Task.Run(async () =>
                {
                    long s = Stopwatch.GetTimestamp();
                    try
                    {
                        var created = await client.Containers.CreateContainerAsync(DockerScenarios.SameImageSpec(run, image)).ConfigureAwait(false);
                        ids.Add(created.ID);
                        creates[i] = Stats.Ms(Stopwatch.GetTimestamp() - s);
                        await client.Containers.StartContainerAsync(created.ID, new Docker.DotNet.Models.ContainerStartParameters()).ConfigureAwait(false);
                        starts[i] = Stats.Ms(Stopwatch.GetTimestamp() - s) - creates[i];
                    }
                    catch (Docker.DotNet.DockerApiException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                    times[i] = Stats.Ms(Stopwatch.GetTimestamp() - s);
                }))).ConfigureAwait(false);
                return new Figures
                {
                    Agents = agents,
                    Mode = "bare engine",
                    CreateP50Ms = Stats.Percentile(creates, 0.5),
                    StartCallP50Ms = Stats.Percentile(starts, 0.5),
                    P50Ms = Stats.Percentile(times, 0.5),
                    P95Ms = Stats.Percentile(times, 0.95),
                    AllReadySeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds,
                    Failed = failed,
                };
            }
            finally
            {
                await Task.WhenAll(ids.Select(id => client.Containers.RemoveContainerAsync(id, new Docker.DotNet.Models.ContainerRemoveParameters { Force = true }))).ConfigureAwait(false);
            }
        }

        private static SandboxSpec Spec(string agent) => new SandboxSpec
        {
            AgentId = agent,
            Strategy = "burst",
            MemoryLimitMb = 512,
            CpuLimit = 1.0,
            StartTimeout = TimeSpan.FromSeconds(120),
        };

        /// <summary>`burst [--agents N] [--mode unbounded|bounded|bounded-N|warm-pool|bare]`: one burst, printed.</summary>
        public static async Task<int> RunAsync(int agents, string mode)
        {
            string runnerDir = System.IO.Path.GetDirectoryName(RunnerLocator.Locate().RunnerPath)!;
            string run = "burst-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            Figures f;
            if (mode == "bare")
            {
                using var client = new Docker.DotNet.DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
                var builder = new SandboxImageBuilder(client, runnerDir);
                await builder.BuildAsync().ConfigureAwait(false);
                f = await MeasureBareAsync(client, builder.Tag, run, agents).ConfigureAwait(false);
            }
            else
            {
                f = await MeasureAsync(runnerDir, run, agents, mode).ConfigureAwait(false);
            }
            Console.WriteLine($"{f.Agents} agents, {f.Mode}: start p50 {f.P50Ms:0} ms, p95 {f.P95Ms:0} ms, all ready in {f.AllReadySeconds:0.0} s, {f.Failed} failed"
                + (mode == "bare" ? $"; create call p50 {f.CreateP50Ms:0} ms, start call p50 {f.StartCallP50Ms:0} ms" : ""));
            return f.Failed == 0 ? 0 : 1;
        }
    }
}
