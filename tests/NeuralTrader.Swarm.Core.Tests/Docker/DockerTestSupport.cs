using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>
    /// Whether the engine answers. Docker tests skip with a visible reason without it, but run (and fail) when
    /// NEURALTRADER_REQUIRE_DOCKER=1, as in CI.
    /// </summary>
    internal static class DockerTestEnvironment
    {
        public const string RequireVariable = "NEURALTRADER_REQUIRE_DOCKER";

        private static readonly Lazy<string?> Unavailable = new Lazy<string?>(() =>
        {
            try
            {
                var endpoint = DockerEngine.ResolveEndpoint();
                DockerEngine.PingAsync(endpoint, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();
                return null;
            }
            catch (Exception e)
            {
                return e.Message;
            }
        });

        public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

        /// <summary>Null when the tests can run, else why they are skipped.</summary>
        public static string? SkipReason =>
            Unavailable.Value == null || Required ? null
                : "Docker engine not available (" + Unavailable.Value + "); set " + RequireVariable + "=1 to make this a failure.";

        public static DockerClient Client => DockerEngine.GetClient(DockerEngine.ResolveEndpoint());

        /// <summary>The repository root (where docker/ lives), found upwards from the test assembly.</summary>
        public static string RepoRoot
        {
            get
            {
                var dir = new DirectoryInfo(AppContext.BaseDirectory);
                while (dir != null && !File.Exists(Path.Combine(dir.FullName, "docker", "test", "busybox-runner", "runner.sh")))
                    dir = dir.Parent;
                return dir?.FullName ?? throw new InvalidOperationException("docker/test/busybox-runner not found above " + AppContext.BaseDirectory);
            }
        }

        public static string? FindBusybox() =>
            new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists);

        /// <summary>Containers carrying a run label, running or not.</summary>
        public static async Task<IList<ContainerListResponse>> ListByRunAsync(string runId) =>
            await Client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [SwarmLabels.Run + "=" + runId] = true },
                },
            }).ConfigureAwait(false);

        /// <summary>Removes every container of a run; returns how many there were.</summary>
        public static async Task<int> SweepRunAsync(string runId)
        {
            var left = await ListByRunAsync(runId).ConfigureAwait(false);
            foreach (var c in left)
            {
                try
                {
                    await Client.Containers.RemoveContainerAsync(c.ID, new ContainerRemoveParameters { Force = true }).ConfigureAwait(false);
                }
                catch (DockerContainerNotFoundException)
                {
                }
            }
            return left.Count;
        }

        public static async Task BuildImageAsync(string tag, IDictionary<string, (byte[] Content, int Mode)> files)
        {
            var tar = new TarBuilder();
            foreach (var f in files)
                tar.AddFile(f.Key, f.Value.Content, f.Value.Mode);
            var errors = new List<string>();
            using (var context = tar.Finish())
            {
                await Client.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
                {
                    Tags = new List<string> { tag },
                    Remove = true,
                    ForceRemove = true,
                    NetworkMode = "none",
                    Labels = new Dictionary<string, string> { [SwarmLabels.ImageRole] = "test" },
                }, context, null, null, new SyncProgress(m => { if (m.Error != null) errors.Add(m.Error.Message); }), CancellationToken.None).ConfigureAwait(false);
            }
            if (errors.Count > 0)
                throw new InvalidOperationException("Building " + tag + " failed: " + string.Join("; ", errors));
        }

        public static async Task RemoveImageAsync(string tag)
        {
            try
            {
                await Client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = true }).ConfigureAwait(false);
            }
            catch (DockerImageNotFoundException)
            {
            }
            catch (DockerApiException)
            {
            }
        }

        private sealed class SyncProgress : IProgress<JSONMessage>
        {
            private readonly Action<JSONMessage> _report;
            public SyncProgress(Action<JSONMessage> report) => _report = report;
            public void Report(JSONMessage value) => _report(value);
        }
    }

    /// <summary>A fact that needs the Docker engine.</summary>
    public sealed class DockerFactAttribute : FactAttribute
    {
        public DockerFactAttribute()
        {
            Skip = DockerTestEnvironment.SkipReason;
        }
    }

    [CollectionDefinition(Name)]
    public sealed class DockerCollection : ICollectionFixture<DockerImagesFixture>
    {
        public const string Name = "Docker";
    }

    /// <summary>
    /// Builds the test images once per run, offline, from repo files plus the host's static busybox:
    /// the busybox-sh protocol runner, and a stand-in "built-in" runner folder (the script as
    /// NeuralTrader.Swarm.Runner with busybox in sysroot/) for the image builder. Removes them at the end.
    /// </summary>
    public sealed class DockerImagesFixture : IAsyncLifetime
    {
        public string RunId { get; } = Guid.NewGuid().ToString("N").Substring(0, 10);
        public string BusyboxImage => "neuraltrader-swarm-test-busybox:" + RunId;
        public string FakeBuiltInTag => "neuraltrader-swarm-test-builtin:" + RunId;
        public string FakeRunnerDirectory { get; private set; } = "";
        public string? BusyboxMissing { get; private set; }

        public async Task InitializeAsync()
        {
            if (DockerTestEnvironment.SkipReason != null)
                return;
            var busybox = DockerTestEnvironment.FindBusybox();
            if (busybox == null)
            {
                BusyboxMissing = "The busybox test image needs a static busybox on the host: apt-get install busybox-static.";
                return;
            }
            var dir = Path.Combine(DockerTestEnvironment.RepoRoot, "docker", "test", "busybox-runner");
            var script = File.ReadAllBytes(Path.Combine(dir, "runner.sh"));
            await DockerTestEnvironment.BuildImageAsync(BusyboxImage, new Dictionary<string, (byte[], int)>
            {
                ["Dockerfile"] = (File.ReadAllBytes(Path.Combine(dir, "Dockerfile")), 0x1A4),
                ["runner.sh"] = (script, 0x1ED),
                ["busybox"] = (File.ReadAllBytes(busybox), 0x1ED),
            });

            // The stand-in runner folder: the script is the "runner", busybox and the host's glibc files form sysroot/.
            FakeRunnerDirectory = Path.Combine(Path.GetTempPath(), "nts-fake-runner-" + RunId);
            Directory.CreateDirectory(Path.Combine(FakeRunnerDirectory, "sysroot", "bin"));
            File.Copy(busybox, Path.Combine(FakeRunnerDirectory, "sysroot", "bin", "busybox"), true);
            // The script starts with #!/bin/busybox sh, and sysroot/bin/busybox lands at /bin/busybox in the image.
            File.WriteAllBytes(Path.Combine(FakeRunnerDirectory, SandboxImageBuilder.RunnerFileName), script);
        }

        public async Task DisposeAsync()
        {
            if (DockerTestEnvironment.SkipReason != null)
                return;
            await DockerTestEnvironment.RemoveImageAsync(BusyboxImage);
            await DockerTestEnvironment.RemoveImageAsync(FakeBuiltInTag);
            if (FakeRunnerDirectory.Length > 0 && Directory.Exists(FakeRunnerDirectory))
                Directory.Delete(FakeRunnerDirectory, true);
        }
    }

    /// <summary>
    /// Base of Docker tests: a provider labelled with a run id of its own; DisposeAsync cleans up and fails the
    /// test if any container of the run is left (after sweeping it).
    /// </summary>
    public abstract class DockerTestBase : IAsyncLifetime
    {
        private readonly List<DockerSandboxProvider> _providers = new List<DockerSandboxProvider>();

        protected DockerTestBase(DockerImagesFixture images)
        {
            Images = images;
            RunId = "test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
        }

        protected DockerImagesFixture Images { get; }
        protected string RunId { get; }

        internal DockerSandboxProvider NewProvider(DockerSandboxOptions? options = null)
        {
            var provider = new DockerSandboxProvider(options ?? new DockerSandboxOptions(), RunId);
            _providers.Add(provider);
            return provider;
        }

        protected void RequireBusybox()
        {
            if (Images.BusyboxMissing != null)
                throw new InvalidOperationException(Images.BusyboxMissing);
        }

        protected SandboxSpec BusyboxSpec(string strategy = "probe", int memoryMb = 64) => new SandboxSpec
        {
            AgentId = "agent-" + strategy,
            Strategy = strategy,
            Image = Images.BusyboxImage,
            MemoryLimitMb = memoryMb,
            CpuLimit = 0.5,
            StartTimeout = TimeSpan.FromSeconds(30),
        };

        protected static RunnerRequest Run(string strategy, int? delayMs = null) => new RunnerRequest
        {
            Id = Guid.NewGuid().ToString("N").Substring(0, 8),
            Op = RunnerOps.Run,
            Strategy = strategy,
            Dataset = "SPY",
            Options = delayMs == null ? null : new RunOptions { DelayMs = delayMs },
        };

        protected static async Task<string> ProbeAsync(ISandbox sandbox, string probe)
        {
            var response = await sandbox.SendAsync(Run(probe), TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(response.Ok, probe + " failed: " + response.Error?.Message);
            return response.Runner ?? "";
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public virtual async Task DisposeAsync()
        {
            if (DockerTestEnvironment.SkipReason != null)
                return;
            foreach (var p in _providers)
                await p.CleanupAsync();
            foreach (var p in _providers)
                p.Dispose();
            var left = await DockerTestEnvironment.SweepRunAsync(RunId);
            Assert.True(left == 0, $"{left} container(s) labelled {SwarmLabels.Run}={RunId} were left after cleanup.");
        }
    }
}
