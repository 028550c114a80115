using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// Docker: the bare-engine baselines (a busybox `cat` echoed over the attach stream, create+start, removal),
    /// measured with the same Docker.DotNet client Core uses. Images are built locally from the static busybox
    /// (no pulls); every container has NetworkMode none, the org.neuraltrader.swarm labels plus this run's id,
    /// and is removed in finally. The Docker sandbox provider's own figures join these once it is in the build.
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
            try
            {
                await EchoAsync(results, client, runId, quick ? 500 : 3000).ConfigureAwait(false);
                await CreateStartAsync(results, client, runId, quick ? 5 : 20).ConfigureAwait(false);
            }
            finally
            {
                int left = await SweepAsync(client, runId).ConfigureAwait(false);
                results.Add(new Metric { Scenario = "Docker bare engine", Name = "bench containers left after the run", Value = left, Unit = "containers", Target = "0", Met = left == 0 });
            }

            try
            {
                using var provider = SandboxProviderFactory.Create(new SwarmOptions { Isolation = IsolationMode.Docker }, "bench", Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
                results.Skip("Docker sandbox scenarios 1-4", "the Docker provider is in this build but the harness does not drive it yet; the bare-engine baselines above are the comparison points.");
            }
            catch (SwarmException e)
            {
                results.Skip("Docker sandbox scenarios 1-4", "the Docker sandbox provider is not in this build (" + e.Message + "); the process sandbox figures and the bare-engine baselines above stand in.");
            }
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
        private static async Task EchoAsync(ResultsFile results, DockerClient client, string runId, int samples)
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
            results.Add(new Metric { Scenario = "Docker bare engine", Name = "line echo over the attach stream p50", Value = Stats.Percentile(times, 0.5), Unit = "ms", Note = "busybox cat, NetworkMode none; floor for scenario 1 (target runner p50 <= 1 ms)" });
            results.Add(new Metric { Scenario = "Docker bare engine", Name = "line echo over the attach stream p99", Value = Stats.Percentile(times, 0.99), Unit = "ms", Note = "floor for scenario 1 (target runner p99 <= 3 ms)" });
        }

        /// <summary>The engine's own create+start and forced removal: the floor for scenario 3.</summary>
        private static async Task CreateStartAsync(ResultsFile results, DockerClient client, string runId, int samples)
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
