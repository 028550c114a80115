using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// Docker: the bare-engine baselines (a busybox `cat` echoed over the attach stream, create+start, removal),
    /// measured with the same Docker.DotNet client Core uses. Images are built locally from the static busybox
    /// (no pulls); every container has NetworkMode none, the org.neuraltrader.swarm labels plus this run's id,
    /// and is removed in finally. Then the real DockerSandboxProvider (built-in image built offline from the published
    /// AOT runner) for scenarios 1-4 beside them; every container carries a run-id label swept in finally.
    /// </summary>
    internal static class DockerScenarios
    {
        private const string Image = "neuraltrader-swarm-bench-busybox:1";

        public static async Task RunAsync(ResultsFile results, string workDir, bool quick)
        {
            using var client = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
            try
            {
                await client.System.PingAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is DockerApiException || e is IOException || e is TimeoutException || e is System.Net.Http.HttpRequestException || e is System.Net.Sockets.SocketException)
            {
                results.Skip("Docker scenarios", "no Docker engine answers (" + e.Message + ")");
                return;
            }
            string busybox = new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists) ?? "";
            if (busybox.Length == 0)
            {
                results.Skip("Docker bare baselines", "no static busybox to build the echo image from (apt-get install busybox-static)");
                return;
            }
            string context = Path.Combine(workDir, "busybox-image");
            Directory.CreateDirectory(context);
            File.Copy(busybox, Path.Combine(context, "busybox"), true);
            File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\nCOPY busybox /busybox\nLABEL org.neuraltrader.swarm=bench\nENTRYPOINT [\"/busybox\"]\n");
            var build = Process.Start(new ProcessStartInfo("docker", $"build -q -t {Image} {context}") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
            string buildError = await build.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await build.WaitForExitAsync().ConfigureAwait(false);
            if (build.ExitCode != 0)
            {
                results.Skip("Docker bare baselines", "building the busybox image failed: " + buildError.Trim());
                return;
            }

            string runId = "bench-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var bare = new Bare();
            try
            {
                await EchoAsync(results, client, runId, quick ? 500 : 3000, bare).ConfigureAwait(false);
                await CreateStartAsync(results, client, runId, quick ? 5 : 20, bare).ConfigureAwait(false);
            }
            finally
            {
                int left = await SweepAsync(client, runId).ConfigureAwait(false);
                results.Add(new Metric { Scenario = "Docker bare engine", Name = "bench containers left after the run", Value = left, Unit = "containers", Target = "0", Met = left == 0 });
            }

            // The real DockerSandboxProvider over the built-in image, built offline from the published AOT runner.
            string? runnerDir = RunnerDirectory();
            if (runnerDir == null)
            {
                results.Skip("Docker sandbox scenarios 1-4", "no published linux Native AOT runner (bench/run.sh publishes one and sets NEURALTRADER_RUNNER)");
                return;
            }
            string providerRun = "bench-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            try
            {
                long b0 = Stopwatch.GetTimestamp();
                var builder = new SandboxImageBuilder(client, runnerDir);
                await builder.BuildAsync().ConfigureAwait(false);
                double buildMs = Stats.Ms(Stopwatch.GetTimestamp() - b0);
                results.Add(new Metric { Scenario = "Docker sandbox", Name = "built-in image build (offline, from the AOT runner)", Value = buildMs / 1000, Unit = "s", Note = builder.Tag + "; FROM scratch, no pull" });
                await ProviderOverheadAsync(results, runnerDir, providerRun, quick ? 500 : 3000, bare).ConfigureAwait(false);
                await ProviderColdStartAsync(results, client, runnerDir, providerRun, builder.Tag, quick ? 5 : 15, bare).ConfigureAwait(false);
                await ProviderWarmPoolAsync(results, runnerDir, providerRun, quick ? 5 : 10).ConfigureAwait(false);
                await ProviderThroughputAsync(results, runnerDir, providerRun, builder.Tag, workDir, 10, 30, 20).ConfigureAwait(false);
                await ProviderScaleAsync(results, client, runnerDir, providerRun, quick ? 20 : 100).ConfigureAwait(false);
            }
            finally
            {
                int left = await SweepAsync(client, providerRun).ConfigureAwait(false);
                results.Add(new Metric { Scenario = "Docker sandbox", Name = "containers of this run left after the run", Value = left, Unit = "containers", Target = "0", Met = left == 0, Note = "swept by the run-id label in finally" });
            }
        }

        /// <summary>Only the Docker throughput scenario (for profiling it): builds the image, runs scenario 3, sweeps.</summary>
        public static async Task ThroughputOnlyAsync(ResultsFile results, string workDir)
        {
            using var client = new DockerClientConfiguration(new Uri("unix:///var/run/docker.sock")).CreateClient();
            string runnerDir = RunnerDirectory() ?? throw new InvalidOperationException("no published Native AOT runner (set NEURALTRADER_RUNNER)");
            string run = "bench-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var builder = new SandboxImageBuilder(client, runnerDir);
            await builder.BuildAsync().ConfigureAwait(false);
            try
            {
                await ProviderThroughputAsync(results, runnerDir, run, builder.Tag, workDir, 10, 30, 20).ConfigureAwait(false);
            }
            finally
            {
                await SweepAsync(client, run).ConfigureAwait(false);
            }
        }

        /// <summary>Bare-engine figures the provider's are set beside.</summary>
        private sealed class Bare
        {
            public double EchoP50 = double.NaN, EchoP99 = double.NaN, StartP50 = double.NaN, StartP95 = double.NaN, RemoveP50 = double.NaN;
        }

        /// <summary>The published linux AOT runner's folder, or null.</summary>
        internal static string? RunnerDirectoryOrNull() => RunnerDirectory();

        /// <summary>Removes this run's containers; returns how many are left.</summary>
        internal static Task<int> SweepRunAsync(DockerClient client, string runId) => SweepAsync(client, runId);

        /// <summary>Containers (running or not) labelled with <paramref name="session"/>.</summary>
        internal static async Task<IList<ContainerListResponse>> ListBySessionAsync(DockerClient client, string session) =>
            await client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [SwarmLabels.Session + "=" + session] = true } },
            }).ConfigureAwait(false);

        private static string? RunnerDirectory()
        {
            var env = Environment.GetEnvironmentVariable(SandboxImageBuilder.RunnerDirectoryVariable);
            if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, SandboxImageBuilder.RunnerFileName)))
                return env;
            var runner = Environment.GetEnvironmentVariable("NEURALTRADER_RUNNER");
            if (!string.IsNullOrEmpty(runner) && !runner.EndsWith(".dll", StringComparison.Ordinal) && File.Exists(runner))
                return Path.GetDirectoryName(Path.GetFullPath(runner));
            return null;
        }

        private static DockerSandboxProvider NewProvider(string runnerDir, string run, int warmPool = 0) =>
            new DockerSandboxProvider(new DockerSandboxOptions { RunnerDirectory = runnerDir, WarmPoolSize = warmPool, ReapOrphansOnStart = false }, run);

        private static SandboxSpec SpecFor(string agent, string strategy = "momentum") => new SandboxSpec
        {
            AgentId = agent,
            Strategy = strategy,
            MemoryLimitMb = 512,
            CpuLimit = 1.0,
            StartTimeout = TimeSpan.FromSeconds(120),
        };

        /// <summary>1. Ping round trip through ISandbox.SendAsync in a live Docker sandbox.</summary>
        private static async Task ProviderOverheadAsync(ResultsFile results, string runnerDir, string run, int samples, Bare bare)
        {
            using var provider = NewProvider(runnerDir, run);
            var sandbox = await provider.CreateAsync(SpecFor("overhead", "ping"), CancellationToken.None).ConfigureAwait(false);
            try
            {
                var times = new List<double>(samples);
                for (int i = 0; i < samples + 100; i++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    var pong = await sandbox.SendAsync(new RunnerRequest { Id = "p" + i, Op = RunnerOps.Ping }, TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                    long t1 = Stopwatch.GetTimestamp();
                    if (!pong.Ok) throw new InvalidOperationException("ping failed: " + pong.Error?.Message);
                    if (i >= 100) times.Add(Stats.Ms(t1 - t0));
                }
                double p50 = Stats.Percentile(times, 0.5), p99 = Stats.Percentile(times, 0.99);
                results.Add(new Metric { Scenario = "1. overhead (Docker)", Name = "ping round trip p50 (ISandbox.SendAsync)", Value = p50, Unit = "ms", Baseline = "bare attach-stream echo", BaselineValue = bare.EchoP50, Ratio = p50 / bare.EchoP50, Target = "<= 1 ms", Met = p50 <= 1, Note = $"{samples} pings after 100 warm-up; AOT runner in the hardened built-in image" });
                results.Add(new Metric { Scenario = "1. overhead (Docker)", Name = "ping round trip p99 (ISandbox.SendAsync)", Value = p99, Unit = "ms", Baseline = "bare attach-stream echo", BaselineValue = bare.EchoP99, Ratio = p99 / bare.EchoP99, Target = "<= 3 ms", Met = p99 <= 3 });
            }
            finally
            {
                await sandbox.StopAsync().ConfigureAwait(false);
                await provider.CleanupAsync().ConfigureAwait(false);
            }
        }

        /// <summary>The built-in image with the provider's hardening and this run's labels, stdin open so the runner waits.</summary>
        internal static CreateContainerParameters SameImageSpec(string run, string image) => new CreateContainerParameters
        {
            Image = image,
            User = SandboxImageBuilder.SandboxUser,
            OpenStdin = true,
            StdinOnce = false,
            Labels = new Dictionary<string, string> { [SwarmLabels.Module] = "bench", [SwarmLabels.Run] = run },
            NetworkDisabled = true,
            HostConfig = new HostConfig
            {
                NetworkMode = "none", ReadonlyRootfs = true, Memory = 512L * 1024 * 1024, MemorySwap = 512L * 1024 * 1024, NanoCPUs = 1_000_000_000, PidsLimit = 64,
                CapDrop = new List<string> { "ALL" }, SecurityOpt = new List<string> { "no-new-privileges" }, IpcMode = "private",
                Tmpfs = new Dictionary<string, string> { ["/tmp"] = "rw,noexec,nosuid,nodev,size=16m" },
                LogConfig = new LogConfig { Type = "none" },
            },
        };

        /// <summary>Waits (bounded) until the engine no longer knows the container; returns false on timeout.</summary>
        private static async Task<bool> WaitGoneAsync(DockerClient client, string id, TimeSpan limit)
        {
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < limit)
            {
                try { await client.Containers.InspectContainerAsync(id).ConfigureAwait(false); }
                catch (DockerContainerNotFoundException) { return true; }
                await Task.Delay(5).ConfigureAwait(false);
            }
            return false;
        }

        /// <summary>2. Cold start create→ready, cleanup seen by the caller, engine removal.</summary>
        private static async Task ProviderColdStartAsync(ResultsFile results, DockerClient client, string runnerDir, string run, string image, int samples, Bare bare)
        {
            using var provider = NewProvider(runnerDir, run);
            var create = new List<double>();
            var stop = new List<double>();
            var removal = new List<double>();
            var sameStart = new List<double>();
            var sameRemove = new List<double>();
            try
            {
                for (int i = 0; i < samples + 1; i++)
                {
                    // Interleaved bare baseline: create + start of the same image, same hardening, no attach or ping.
                    long s0 = Stopwatch.GetTimestamp();
                    var bareCreated = await client.Containers.CreateContainerAsync(SameImageSpec(run, image)).ConfigureAwait(false);
                    await client.Containers.StartContainerAsync(bareCreated.ID, new ContainerStartParameters()).ConfigureAwait(false);
                    long s1 = Stopwatch.GetTimestamp();
                    await client.Containers.RemoveContainerAsync(bareCreated.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
                    long s2 = Stopwatch.GetTimestamp();
                    if (i >= 1) { sameStart.Add(Stats.Ms(s1 - s0)); sameRemove.Add(Stats.Ms(s2 - s1)); }

                    long t0 = Stopwatch.GetTimestamp();
                    var sandbox = await provider.CreateAsync(SpecFor("cold" + i), CancellationToken.None).ConfigureAwait(false);
                    long t1 = Stopwatch.GetTimestamp();
                    string id = sandbox.Id;
                    await sandbox.StopAsync().ConfigureAwait(false);
                    long t2 = Stopwatch.GetTimestamp();
                    bool gone = await WaitGoneAsync(client, id, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    long t3 = Stopwatch.GetTimestamp();
                    if (i >= 1)
                    {
                        create.Add(Stats.Ms(t1 - t0));
                        stop.Add(Stats.Ms(t2 - t1));
                        if (gone) removal.Add(Stats.Ms(t3 - t1));
                    }
                }
            }
            finally
            {
                await provider.CleanupAsync().ConfigureAwait(false);
            }
            double c50 = Stats.Percentile(create, 0.5), c95 = Stats.Percentile(create, 0.95);
            double s50 = Stats.Percentile(sameStart, 0.5), s95 = Stats.Percentile(sameStart, 0.95);
            results.Add(new Metric { Scenario = "2. cold start (Docker)", Name = "create -> ready p50", Value = c50, Unit = "ms", Baseline = "bare create + start, same image, interleaved", BaselineValue = s50, Ratio = c50 / s50, Target = "<= 1.2x bare", Met = c50 / s50 <= 1.2, Note = $"{samples} samples; ready = first ping answered (create, attach, start, ping); the bare start waits for nothing; vs busybox create + start above: {c50 / bare.StartP50:0.##}x" });
            results.Add(new Metric { Scenario = "2. cold start (Docker)", Name = "create -> ready p95", Value = c95, Unit = "ms", Baseline = "bare create + start, same image, interleaved", BaselineValue = s95, Ratio = c95 / s95, Target = "<= 1.2x bare", Met = c95 / s95 <= 1.2, Note = $"vs busybox create + start above: {c95 / bare.StartP95:0.##}x" });
            results.Add(new Metric { Scenario = "2. cold start (Docker)", Name = "cleanup seen by caller (StopAsync) p50", Value = Stats.Percentile(stop, 0.5), Unit = "ms", Target = "<= 10 ms", Met = Stats.Percentile(stop, 0.5) <= 10, Note = $"p95 {Stats.Percentile(stop, 0.95):0.###} ms; removal continues in the background" });
            results.Add(new Metric { Scenario = "2. cold start (Docker)", Name = "engine removal (stop -> container gone) p50", Value = Stats.Percentile(removal, 0.5), Unit = "ms", Baseline = "bare forced removal, same image, interleaved", BaselineValue = Stats.Percentile(sameRemove, 0.5), Ratio = Stats.Percentile(removal, 0.5) / Stats.Percentile(sameRemove, 0.5), Target = "<= 200 ms", Met = Stats.Percentile(removal, 0.5) <= 200, Note = $"p95 {Stats.Percentile(removal, 0.95):0} ms; {removal.Count}/{samples} seen gone within 30 s (polled with inspect)" });
        }

        /// <summary>2b. Acquire from the warm pool (pre-started, pinged sandboxes).</summary>
        private static async Task ProviderWarmPoolAsync(ResultsFile results, string runnerDir, string run, int samples)
        {
            using var provider = NewProvider(runnerDir, run, warmPool: 2);
            var acquire = new List<double>();
            try
            {
                using var fill = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                await provider.WarmUpAsync(fill.Token).ConfigureAwait(false);
                int pooled = 0;
                for (int i = 0; i < samples; i++)
                {
                    var wait = Stopwatch.StartNew();
                    while (provider.WarmPoolCount == 0 && wait.Elapsed < TimeSpan.FromSeconds(30))
                        await Task.Delay(10).ConfigureAwait(false);
                    bool fromPool = provider.WarmPoolCount > 0;
                    long t0 = Stopwatch.GetTimestamp();
                    var sandbox = await provider.CreateAsync(SpecFor("warm" + i), CancellationToken.None).ConfigureAwait(false);
                    long t1 = Stopwatch.GetTimestamp();
                    var pong = await sandbox.SendAsync(new RunnerRequest { Id = "w", Op = RunnerOps.Ping }, TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
                    if (!pong.Ok) throw new InvalidOperationException("warm sandbox did not answer");
                    await sandbox.StopAsync().ConfigureAwait(false);
                    if (fromPool) { pooled++; acquire.Add(Stats.Ms(t1 - t0)); }
                }
                results.Add(new Metric { Scenario = "2. cold start (Docker)", Name = "warm-pool acquire p50 (WarmPoolSize 2)", Value = Stats.Percentile(acquire, 0.5), Unit = "ms", Note = $"p95 {Stats.Percentile(acquire, 0.95):0.###} ms; {pooled}/{samples} served from the pool (the pool refills in the background)" });
            }
            finally
            {
                await provider.CleanupAsync().ConfigureAwait(false);
            }
        }

        /// <summary>3. SwarmCoordinator over the Docker provider vs `docker run --rm --network none` per execution.</summary>
        private static async Task ProviderThroughputAsync(ResultsFile results, string runnerDir, string run, string image, string workDir, int agents, int iterations, int naiveExecutions)
        {
            string dataDir = SwarmThroughput.OneYearOfSpy(workDir, "data-1y-docker");
            var options = new SwarmOptions
            {
                Isolation = IsolationMode.Docker,
                StorePath = Path.Combine(workDir, "throughput-docker.db"),
                EncryptionKey = NeuralTrader.Swarm.Core.Security.SymmetricKey.Generate(),
                DataPath = dataDir,
                SandboxTimeout = TimeSpan.FromSeconds(120),
            };
            var figures = await SwarmThroughput.MeasureAsync(options, () => NewProvider(runnerDir, run), agents, iterations).ConfigureAwait(false);
            double naive = await NaiveDockerAsync(image, run, Path.Combine(dataDir, "SPY.csv"), agents, naiveExecutions).ConfigureAwait(false);
            SwarmThroughput.Report(results, "3. throughput (Docker)", figures, agents, iterations, "docker run --rm --network none per execution", naive, true, "containers");
        }

        /// <summary>The naive loop: `docker run --rm -i --network none IMAGE`, one run request on stdin, read the answer; same parallelism.</summary>
        internal static async Task<double> NaiveDockerAsync(string image, string run, string csv, int parallel, int executions)
        {
            var data = CsvPriceReader.ReadFile(csv, "SPY").ToPriceData();
            int next = -1;
            long t0 = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < executions)
                {
                    var psi = new ProcessStartInfo("docker") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                    foreach (var a in new[] { "run", "--rm", "-i", "--network", "none", "--label", SwarmLabels.Module + "=bench", "--label", SwarmLabels.Run + "=" + run, image })
                        psi.ArgumentList.Add(a);
                    using var p = Process.Start(psi)!;
                    p.ErrorDataReceived += (s, e) => { };
                    p.BeginErrorReadLine();
                    var channel = new RunnerChannel(p.StandardInput.BaseStream, p.StandardOutput.BaseStream);
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                    var response = await channel.SendAsync(new RunnerRequest
                    {
                        Id = "n", Op = RunnerOps.Run, Strategy = "momentum", Data = data,
                        Parameters = new Dictionary<string, JsonElement> { ["lookback"] = JsonSerializer.SerializeToElement(20) },
                    }).WaitAsync(cts.Token).ConfigureAwait(false);
                    if (!response.Ok) throw new InvalidOperationException("naive docker run failed: " + response.Error?.Message);
                    p.StandardInput.Close();
                    await p.WaitForExitAsync(cts.Token).ConfigureAwait(false);
                }
            }))).ConfigureAwait(false);
            return executions / (Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000);
        }

        /// <summary>Memory of one container from its cgroup (v1 or v2): anonymous + page-cache bytes charged to it.</summary>
        private static double? CgroupMemoryMb(string id)
        {
            foreach (var file in new[] { "/sys/fs/cgroup/memory/docker/" + id + "/memory.usage_in_bytes", "/sys/fs/cgroup/system.slice/docker-" + id + ".scope/memory.current", "/sys/fs/cgroup/docker/" + id + "/memory.current" })
            {
                try
                {
                    if (File.Exists(file)) return long.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture) / 1048576.0;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
                catch (FormatException) { }
            }
            return null;
        }

        private static double? CgroupRssMb(string id)
        {
            string file = "/sys/fs/cgroup/memory/docker/" + id + "/memory.stat";
            try
            {
                if (!File.Exists(file)) return null;
                foreach (var line in File.ReadAllLines(file))
                    if (line.StartsWith("total_rss ", StringComparison.Ordinal))
                        return long.Parse(line.Substring(10), System.Globalization.CultureInfo.InvariantCulture) / 1048576.0;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            catch (FormatException) { }
            return null;
        }

        /// <summary>4. 100 concurrent Docker sandboxes: time to all ready, memory each, nothing left after cleanup.</summary>
        private static async Task ProviderScaleAsync(ResultsFile results, DockerClient client, string runnerDir, string run, int count)
        {
            var provider = NewProvider(runnerDir, run);
            var created = new System.Collections.Concurrent.ConcurrentBag<ISandbox>();
            double ready = double.NaN, cleanup = double.NaN;
            int failed = 0, removed = 0;
            var memory = new List<double>();
            var rss = new List<double>();
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
                long t0 = Stopwatch.GetTimestamp();
                await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
                {
                    try { created.Add(await provider.CreateAsync(SpecFor("scale" + i), limit.Token).ConfigureAwait(false)); }
                    catch (Exception e) when (e is SwarmException || e is OperationCanceledException) { Interlocked.Increment(ref failed); }
                })).ConfigureAwait(false);
                ready = Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000;
                await Task.Delay(500).ConfigureAwait(false);
                foreach (var s in created)
                {
                    if (CgroupMemoryMb(s.Id) is double m) memory.Add(m);
                    if (CgroupRssMb(s.Id) is double r) rss.Add(r);
                }
            }
            finally
            {
                long t1 = Stopwatch.GetTimestamp();
                removed = await provider.CleanupAsync().ConfigureAwait(false);
                cleanup = Stats.Ms(Stopwatch.GetTimestamp() - t1);
                provider.Dispose();
            }
            var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [SwarmLabels.Run + "=" + run] = true } };
            int left = (await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }).ConfigureAwait(false)).Count;
            double perSandbox = memory.Count > 0 ? memory.Average() : double.NaN;
            double perRss = rss.Count > 0 ? rss.Average() : double.NaN;
            results.Add(new Metric { Scenario = "4. scale (Docker)", Name = $"{count} concurrent sandboxes: time to all ready", Value = ready, Unit = "s", Target = "<= 60 s", Met = failed == 0 && ready <= 60, Note = $"{created.Count} ready, {failed} failed; all created at once" });
            results.Add(new Metric { Scenario = "4. scale (Docker)", Name = "memory per sandbox (cgroup usage)", Value = perSandbox, Unit = "MB", Target = "<= 40 MB", Met = perSandbox <= 40, Note = $"{memory.Count} measured from memory.usage_in_bytes (includes page cache); anonymous RSS {perRss:0.##} MB" });
            results.Add(new Metric { Scenario = "4. scale (Docker)", Name = "left after cleanup (engine)", Value = left, Unit = "containers", Target = "0", Met = left == 0, Note = $"CleanupAsync removed {removed} in {cleanup:0} ms" });
        }

        private static CreateContainerParameters Spec(string runId, string[] cmd, bool stdin) => new CreateContainerParameters
        {
            Image = Image,
            Cmd = cmd,
            OpenStdin = stdin,
            StdinOnce = false,
            AttachStdin = stdin,
            AttachStdout = stdin,
            Tty = false,
            Labels = new Dictionary<string, string>
            {
                ["org.neuraltrader.swarm"] = "bench",
                ["org.neuraltrader.swarm.run"] = runId,
                ["org.neuraltrader.swarm.owner"] = Environment.MachineName + ":" + Environment.ProcessId,
            },
            HostConfig = new HostConfig { NetworkMode = "none", Memory = 64L * 1024 * 1024, PidsLimit = 64, ReadonlyRootfs = true, CapDrop = new List<string> { "ALL" }, SecurityOpt = new List<string> { "no-new-privileges" } },
        };

        /// <summary>Bare line echo over the attach stream: the floor under any runner round trip in a container.</summary>
        private static async Task EchoAsync(ResultsFile results, DockerClient client, string runId, int samples, Bare bare)
        {
            var created = await client.Containers.CreateContainerAsync(Spec(runId, new[] { "cat" }, true)).ConfigureAwait(false);
            using var stream = await client.Containers.AttachContainerAsync(created.ID, false,
                new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true }).ConfigureAwait(false);
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters()).ConfigureAwait(false);
            var line = System.Text.Encoding.UTF8.GetBytes("{\"id\":\"p0\",\"op\":\"ping\"}\n");
            var buffer = new byte[4096];
            var times = new List<double>(samples);
            for (int i = 0; i < samples + 100; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                await stream.WriteAsync(line, 0, line.Length, CancellationToken.None).ConfigureAwait(false);
                int got = 0;
                while (got < line.Length)
                {
                    var r = await stream.ReadOutputAsync(buffer, got, buffer.Length - got, CancellationToken.None).ConfigureAwait(false);
                    if (r.EOF) throw new EndOfStreamException("the echo container closed its output");
                    got += r.Count;
                }
                long t1 = Stopwatch.GetTimestamp();
                if (i >= 100) times.Add(Stats.Ms(t1 - t0));
            }
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
            bare.EchoP50 = Stats.Percentile(times, 0.5);
            bare.EchoP99 = Stats.Percentile(times, 0.99);
            results.Add(new Metric { Scenario = "Docker bare engine", Name = "line echo over the attach stream p50", Value = Stats.Percentile(times, 0.5), Unit = "ms", Note = "busybox cat, NetworkMode none; floor for scenario 1 (target runner p50 <= 1 ms)" });
            results.Add(new Metric { Scenario = "Docker bare engine", Name = "line echo over the attach stream p99", Value = Stats.Percentile(times, 0.99), Unit = "ms", Note = "floor for scenario 1 (target runner p99 <= 3 ms)" });
        }

        /// <summary>The engine's own create+start and forced removal: the floor for scenario 3.</summary>
        private static async Task CreateStartAsync(ResultsFile results, DockerClient client, string runId, int samples, Bare bare)
        {
            var start = new List<double>();
            var remove = new List<double>();
            for (int i = 0; i < samples + 1; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var created = await client.Containers.CreateContainerAsync(Spec(runId, new[] { "sleep", "60" }, false)).ConfigureAwait(false);
                await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters()).ConfigureAwait(false);
                long t1 = Stopwatch.GetTimestamp();
                await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
                long t2 = Stopwatch.GetTimestamp();
                if (i >= 1)
                {
                    start.Add(Stats.Ms(t1 - t0));
                    remove.Add(Stats.Ms(t2 - t1));
                }
            }
            bare.StartP50 = Stats.Percentile(start, 0.5);
            bare.StartP95 = Stats.Percentile(start, 0.95);
            bare.RemoveP50 = Stats.Percentile(remove, 0.5);
            results.Add(new Metric { Scenario = "Docker bare engine", Name = "create + start p50", Value = Stats.Percentile(start, 0.5), Unit = "ms", Note = $"p95 {Stats.Percentile(start, 0.95):0} ms; floor for cold start (target <= 1.2x this)" });
            results.Add(new Metric { Scenario = "Docker bare engine", Name = "forced removal p50", Value = Stats.Percentile(remove, 0.5), Unit = "ms", Target = "<= 200 ms", Met = Stats.Percentile(remove, 0.5) <= 200, Note = $"p95 {Stats.Percentile(remove, 0.95):0} ms" });
        }

        private static async Task<int> SweepAsync(DockerClient client, string runId)
        {
            var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { ["org.neuraltrader.swarm.run=" + runId] = true } };
            var list = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }).ConfigureAwait(false);
            foreach (var c in list)
            {
                try { await client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false); }
                catch (DockerContainerNotFoundException) { }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.Conflict) { } // removal already in progress
            }
            list = await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter }).ConfigureAwait(false);
            return list.Count;
        }
    }
}
