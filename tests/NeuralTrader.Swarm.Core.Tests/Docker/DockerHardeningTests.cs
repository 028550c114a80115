using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>The hardening of every sandbox, proven from inside a container created by the provider.</summary>
    [Collection(DockerCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class DockerHardeningTests : DockerTestBase
    {
        public DockerHardeningTests(DockerImagesFixture images) : base(images) { }

        [DockerFact]
        public async Task Sandbox_has_no_network_interface_but_loopback()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(), CancellationToken.None);
            Assert.Equal("lo,", await ProbeAsync(sandbox, "probe-net"));
            var inspect = await provider.Client.Containers.InspectContainerAsync(sandbox.Id);
            Assert.Equal("none", inspect.HostConfig.NetworkMode);
        }

        [DockerFact]
        public async Task Sandbox_environment_holds_nothing_of_the_host()
        {
            RequireBusybox();
            // Stands for any secret of the coordinator's process (e.g. NEURALTRADER_ENCRYPTION_KEY).
            Environment.SetEnvironmentVariable("NEURALTRADER_TEST_CANARY_SECRET", "canary-3f9a1c");
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(), CancellationToken.None);

            var dump = await ProbeAsync(sandbox, "probe-env");

            Assert.DoesNotContain("canary-3f9a1c", dump);
            Assert.Contains("DOTNET_EnableDiagnostics=0", dump);
            // What the engine sets (PATH, HOSTNAME, HOME), what sh sets (PWD, SHLVL) and the runner settings: nothing else.
            var allowed = new[] { "PATH", "HOSTNAME", "HOME", "PWD", "SHLVL", "OLDPWD" }.Concat(NeuralTrader.Swarm.Core.Sandboxing.RunnerEnvironment.Fixed().Keys).ToHashSet();
            var names = dump.Split(' ').Where(w => w.Contains('=')).Select(w => w.Substring(0, w.IndexOf('='))).ToList();
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.True(allowed.Contains(n), $"the sandbox saw {n}: {dump}"));
        }

        [DockerFact]
        public async Task Root_filesystem_is_read_only_and_tmp_is_a_small_writable_tmpfs()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(), CancellationToken.None);
            var root = await ProbeAsync(sandbox, "probe-write-root");
            Assert.Contains("Read-only file system", root);
            Assert.EndsWith("rc=1", root.Trim());
            Assert.Equal("x rc=0", (await ProbeAsync(sandbox, "probe-write-tmp")).Trim());
            var inspect = await provider.Client.Containers.InspectContainerAsync(sandbox.Id);
            Assert.True(inspect.HostConfig.ReadonlyRootfs);
            Assert.Contains("noexec", inspect.HostConfig.Tmpfs["/tmp"]);
            Assert.Contains("size=16m", inspect.HostConfig.Tmpfs["/tmp"]);
        }

        [DockerFact]
        public async Task The_engine_keeps_no_log_of_what_the_runner_writes()
        {
            // The runner's output (every result) comes back over the attach stream only; the engine's log driver would
            // copy it to a file on the host in clear. What the sandbox writes still reaches the caller.
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(), CancellationToken.None);
            Assert.Equal("x rc=0", (await ProbeAsync(sandbox, "probe-write-tmp")).Trim());
            var inspect = await provider.Client.Containers.InspectContainerAsync(sandbox.Id);
            Assert.Equal("none", inspect.HostConfig.LogConfig.Type);
            Assert.True(string.IsNullOrEmpty(inspect.LogPath), inspect.LogPath);
        }

        [DockerFact]
        public async Task Runs_as_non_root_without_capabilities_and_with_no_new_privileges()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(), CancellationToken.None);
            Assert.Equal("uid=65532 gid=65532", await ProbeAsync(sandbox, "probe-id"));
            var status = await ProbeAsync(sandbox, "probe-status");
            Assert.Contains("CapEff: 0000000000000000", status);
            Assert.Contains("CapPrm: 0000000000000000", status);
            Assert.Contains("NoNewPrivs: 1", status);
        }

        [DockerFact]
        public async Task Memory_cpu_and_pids_limits_are_applied()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(memoryMb: 48), CancellationToken.None);
            Assert.Equal("mem=" + (48L * 1024 * 1024) + " pids=64", await ProbeAsync(sandbox, "probe-cgroup"));
            var inspect = await provider.Client.Containers.InspectContainerAsync(sandbox.Id);
            Assert.Equal(48L * 1024 * 1024, inspect.HostConfig.Memory);
            Assert.Equal(48L * 1024 * 1024, inspect.HostConfig.MemorySwap);
            Assert.Equal(500_000_000L, inspect.HostConfig.NanoCPUs);
            Assert.Equal(64L, inspect.HostConfig.PidsLimit);
            Assert.Contains("ALL", inspect.HostConfig.CapDrop);
            Assert.Contains("no-new-privileges", inspect.HostConfig.SecurityOpt);
            Assert.False(inspect.HostConfig.Privileged);
        }

        [DockerFact]
        public async Task Fork_bomb_hits_the_pids_limit()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(), CancellationToken.None);
            var result = await ProbeAsync(sandbox, "probe-forkbomb");
            // 200 sleepers were asked for; the limit of 64 stopped the subshell with a failed fork (exit 2).
            var processes = int.Parse(result.Split(' ')[0].Split('=')[1]);
            Assert.InRange(processes, 1, 64);
            Assert.Contains("subshell_exit=2", result);
        }

        [DockerFact]
        public async Task Allocating_past_the_memory_limit_is_reported_as_out_of_memory()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec(memoryMb: 32), CancellationToken.None);
            var error = await Assert.ThrowsAsync<SwarmException>(() =>
                sandbox.SendAsync(Run("probe-oom"), TimeSpan.FromSeconds(60), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxOutOfMemory, error.ErrorId);
            Assert.Equal(SwarmErrorKind.ResourceLimit, error.Kind);
            Assert.Contains("32 MB", error.Message);
            Assert.False(sandbox.IsAlive);
        }

        [DockerFact]
        public async Task Every_container_carries_the_module_labels()
        {
            RequireBusybox();
            var provider = NewProvider();
            var spec = BusyboxSpec("labels");
            var sandbox = await provider.CreateAsync(spec, CancellationToken.None);
            var inspect = await provider.Client.Containers.InspectContainerAsync(sandbox.Id);
            var labels = inspect.Config.Labels;
            Assert.Equal(SwarmLabels.ModuleVersion, labels[SwarmLabels.Module]);
            Assert.Equal(RunId, labels[SwarmLabels.Run]);
            Assert.Equal(spec.AgentId, labels[SwarmLabels.Agent]);
            Assert.Equal("labels", labels[SwarmLabels.Strategy]);
            Assert.Equal(SwarmLabels.ModuleVersion, labels[SwarmLabels.Version]);
            // .ci/run sets NEURALTRADER_SESSION and counts only containers carrying it.
            if (SwarmLabels.CurrentSession is string session)
                Assert.Equal(session, labels[SwarmLabels.Session]);
            else
                Assert.False(labels.ContainsKey(SwarmLabels.Session));
            Assert.True(ProcessOwner.TryParse(labels[SwarmLabels.Owner], out var owner));
            Assert.True(owner.IsThisHost);
            Assert.Equal(Environment.ProcessId, owner.Pid);
            Assert.True(owner.IsAlive());
            // Leak-proof: the engine closes stdin when the owner's attach stream ends, the runner exits, the container is deleted.
            Assert.True(inspect.HostConfig.AutoRemove);
            Assert.False(inspect.Config.Tty);
            Assert.True(inspect.Config.OpenStdin);
            Assert.True(inspect.Config.StdinOnce);

            // `docker ps --filter label=org.neuraltrader.swarm` lists it.
            var listed = await DockerTestEnvironment.Client.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters
            {
                Filters = new System.Collections.Generic.Dictionary<string, System.Collections.Generic.IDictionary<string, bool>>
                {
                    ["label"] = new System.Collections.Generic.Dictionary<string, bool> { [SwarmLabels.Module] = true },
                },
            });
            Assert.Contains(listed, c => c.ID == sandbox.Id);
        }
    }
}
