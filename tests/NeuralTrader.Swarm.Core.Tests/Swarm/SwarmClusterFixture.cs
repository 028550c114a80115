using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Tests.Docker;
namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// Whether a real two-node Swarm can be built here: root, <c>ip netns</c>, <c>nsenter</c>, <c>dockerd</c>,
    /// <c>apt-get</c>/<c>dpkg</c> (for the registry) and a static busybox (for the probe image). Tests skip with the
    /// reason, or fail when NEURALTRADER_REQUIRE_DOCKER=1 as in CI.
    /// </summary>
    internal static class SwarmClusterEnvironment
    {
        private static readonly Lazy<string?> Missing = new Lazy<string?>(() =>
        {
            if (!File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t')[1] == "0"))
                return "building the cluster needs root (network namespaces, a second dockerd)";
            foreach (var tool in new[] { "ip", "nsenter", "dockerd", "apt-get", "dpkg", "umount" })
            {
                if (SwarmClusterFixture.Which(tool) == null)
                    return $"'{tool}' is not installed";
            }
            if (DockerTestEnvironment.FindBusybox() == null)
                return "the probe image needs a static busybox (apt-get install busybox-static)";
            var (code, output) = SwarmClusterFixture.Run("ip", "netns", "list");
            return code == 0 ? null : "'ip netns' does not work here: " + output.Trim();
        });

        public static string? SkipReason =>
            Missing.Value == null || DockerTestEnvironment.Required ? null
                : "No two-node Swarm can be built here (" + Missing.Value + "); set " + DockerTestEnvironment.RequireVariable + "=1 to make this a failure.";
    }

    /// <summary>A fact that needs the two-node cluster.</summary>
    public sealed class SwarmClusterFactAttribute : FactAttribute
    {
        public SwarmClusterFactAttribute()
        {
            Skip = SwarmClusterEnvironment.SkipReason;
        }
    }

    [CollectionDefinition(Name)]
    public sealed class SwarmClusterCollection : ICollectionFixture<SwarmClusterFixture>
    {
        public const string Name = "SwarmCluster";
    }

    /// <summary>
    /// The two-node cluster (<see cref="TwoNodeSwarm"/>) for a test collection, plus the busybox probe runner built on
    /// node 1. Built once for the collection and torn down after it, also after a failed start.
    /// </summary>
    public sealed class SwarmClusterFixture : TwoNodeSwarm, IAsyncLifetime
    {
        public SwarmClusterFixture()
            : base(DockerTestEnvironment.FindBusybox() ?? "/bin/busybox")
        {
        }

        public string BusyboxImage => "neuraltrader-swarm-test-busybox:cluster-" + Id;

        /// <summary>
        /// What a user gives a coordinator for this cluster (manager, node endpoints, registry), with the probe runner as
        /// the sandbox image, 4 agents at once and small sandboxes; the store is a file at <paramref name="storePath"/>.
        /// </summary>
        public SwarmOptions CoordinatorOptions(string storePath, TimeSpan sandboxTimeout) => new SwarmOptions
        {
            Isolation = IsolationMode.Swarm,
            DockerEndpoint = Node1Endpoint,
            NodeEndpoints = NodeEndpoints,
            Registry = RegistryAddress,
            SandboxImage = BusyboxImage,
            MaxAgents = 4,
            MemoryLimitMb = 64,
            CpuLimit = 0.25,
            StorePath = storePath,
            SandboxTimeout = sandboxTimeout,
        };

        /// <summary>Why the cluster could not be built; tests throw it.</summary>
        public string? Failure { get; private set; }

        public void RequireCluster()
        {
            if (Failure != null)
                throw new InvalidOperationException("The two-node Swarm test cluster could not be built: " + Failure);
        }

        public async Task InitializeAsync()
        {
            if (SwarmClusterEnvironment.SkipReason != null)
                return;
            try
            {
                await BuildAsync();
                await BuildBusyboxImageAsync();
            }
            catch (Exception e)
            {
                Failure = e.ToString() + Environment.NewLine + Logs();
                await TearDownAsync();
            }
        }

        public async Task DisposeAsync()
        {
            if (SwarmClusterEnvironment.SkipReason != null)
                return;
            await TearDownAsync();
        }

        private async Task BuildBusyboxImageAsync()
        {
            var dir = Path.Combine(DockerTestEnvironment.RepoRoot, "docker", "test", "busybox-runner");
            var tar = new TarBuilder();
            tar.AddFile("Dockerfile", File.ReadAllBytes(Path.Combine(dir, "Dockerfile")), 0x1A4);
            tar.AddFile("runner.sh", File.ReadAllBytes(Path.Combine(dir, "runner.sh")), 0x1ED);
            tar.AddFile("busybox", File.ReadAllBytes(DockerTestEnvironment.FindBusybox()!), 0x1ED);
            var errors = new List<string>();
            using (var context = tar.Finish())
            {
                await Node1.Images.BuildImageFromDockerfileAsync(new ImageBuildParameters
                {
                    Tags = new List<string> { BusyboxImage },
                    Remove = true,
                    ForceRemove = true,
                    NetworkMode = "none",
                }, context, null, null, new Progress(m => { if (m.Error != null) lock (errors) errors.Add(m.Error.Message); }), CancellationToken.None);
            }
            if (errors.Count > 0)
                throw new InvalidOperationException("Building " + BusyboxImage + " on node 1 failed: " + string.Join("; ", errors));
        }

        /// <summary>Services left in the cluster carrying a run label.</summary>
        public async Task<IList<SwarmService>> ServicesOfRunAsync(string runId) =>
            (await Node1.Swarm.ListServicesAsync(new ServicesListParameters { Filters = new ServiceFilter { Label = new[] { SwarmLabels.Run + "=" + runId } } })).ToList();

        /// <summary>Networks left in the cluster carrying a run label.</summary>
        public async Task<IList<NetworkResponse>> NetworksOfRunAsync(string runId) =>
            await Node1.Networks.ListNetworksAsync(new NetworksListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [SwarmLabels.Run + "=" + runId] = true } },
            });

        private sealed class Progress : IProgress<JSONMessage>
        {
            private readonly Action<JSONMessage> _report;
            public Progress(Action<JSONMessage> report) => _report = report;
            public void Report(JSONMessage value) => _report(value);
        }
    }
}
