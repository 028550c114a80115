using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Core.Sandboxing.Swarm;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// The Swarm sandbox on the real two-node cluster: placement, constraints, hardening and network isolation
    /// proven from inside the tasks, and nothing of a run left in the cluster afterwards.
    /// </summary>
    [Collection(SwarmClusterCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class SwarmSandboxTests : IAsyncLifetime
    {
        private readonly SwarmClusterFixture _cluster;
        private readonly List<SwarmSandboxProvider> _providers = new List<SwarmSandboxProvider>();
        private readonly string _runId = "test-" + Guid.NewGuid().ToString("N").Substring(0, 12);

        public SwarmSandboxTests(SwarmClusterFixture cluster)
        {
            _cluster = cluster;
        }

        private SwarmSandboxProvider NewProvider(IList<string>? constraints = null, string? registry = SwarmClusterFixture.RegistryAddress, TimeSpan? placementTimeout = null)
        {
            _cluster.RequireCluster();
            var provider = new SwarmSandboxProvider(new SwarmSandboxOptions
            {
                ManagerEndpoint = _cluster.Node1Endpoint,
                NodeEndpoints = _cluster.NodeEndpoints,
                Constraints = constraints ?? new List<string>(),
                Registry = registry,
                Container = new DockerSandboxOptions { DefaultImage = _cluster.BusyboxImage },
                PlacementTimeout = placementTimeout ?? TimeSpan.FromSeconds(60),
            }, _runId);
            _providers.Add(provider);
            return provider;
        }

        private static SandboxSpec Spec(string agent, int memoryMb = 64) => new SandboxSpec
        {
            AgentId = agent,
            Strategy = "probe",
            MemoryLimitMb = memoryMb,
            CpuLimit = 0.5,
            StartTimeout = TimeSpan.FromSeconds(30),
        };

        private static async Task<string> ProbeAsync(ISandbox sandbox, string probe)
        {
            var response = await sandbox.SendAsync(new RunnerRequest
            {
                Id = Guid.NewGuid().ToString("N").Substring(0, 8),
                Op = RunnerOps.Run,
                Strategy = probe,
                Dataset = "SPY",
            }, TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(response.Ok, probe + " failed: " + response.Error?.Message);
            return response.Runner ?? "";
        }

        [SwarmClusterFact]
        public async Task Agents_are_spread_over_both_nodes_and_each_answers_through_its_node()
        {
            var provider = NewProvider();
            var sandboxes = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => provider.CreateAsync(Spec("agent-" + i), CancellationToken.None)));
            var nodes = sandboxes.Select(s => s.Info.Node).ToList();
            Assert.Contains(SwarmClusterFixture.Node1Address, nodes);
            Assert.Contains(SwarmClusterFixture.Node2Address, nodes);
            foreach (var sandbox in sandboxes)
            {
                Assert.Equal("swarm", sandbox.Info.Kind);
                Assert.Equal("uid=65532 gid=65532", await ProbeAsync(sandbox, "probe-id"));
            }
            Assert.Equal(4, provider.ListSandboxes().Count);
            Assert.Equal(4, (await _cluster.ServicesOfRunAsync(_runId)).Count);
            // The image went through the registry, pinned by digest.
            Assert.All(sandboxes, s => Assert.StartsWith(SwarmClusterFixture.RegistryAddress + "/neuraltrader-swarm-test-busybox@sha256:", s.Info.Image));
        }

        [SwarmClusterFact]
        public async Task A_constraint_pins_every_agent_to_the_labelled_node()
        {
            var provider = NewProvider(new List<string> { "node.labels.tier==batch" });
            var sandboxes = await Task.WhenAll(Enumerable.Range(1, 3).Select(i => provider.CreateAsync(Spec("pinned-" + i), CancellationToken.None)));
            Assert.All(sandboxes, s => Assert.Equal(SwarmClusterFixture.Node2Address, s.Info.Node));
            var services = await _cluster.ServicesOfRunAsync(_runId);
            Assert.All(services, s => Assert.Contains("node.labels.tier==batch", s.Spec.TaskTemplate.Placement.Constraints));
        }

        [SwarmClusterFact]
        public async Task A_constraint_no_node_meets_fails_with_the_schedulers_reason_and_leaves_nothing()
        {
            var provider = NewProvider(new List<string> { "node.labels.tier==gpu" }, placementTimeout: TimeSpan.FromSeconds(5));
            var error = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(Spec("nowhere"), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxStartFailed, error.ErrorId);
            Assert.Contains("node.labels.tier==gpu", error.Message);
            Assert.Contains("pending", error.Message);
        }

        [SwarmClusterFact]
        public void An_invalid_constraint_is_refused_before_anything_is_created()
        {
            _cluster.RequireCluster();
            var error = Assert.Throws<SwarmException>(() => new SwarmSandboxProvider(new SwarmSandboxOptions
            {
                ManagerEndpoint = _cluster.Node1Endpoint,
                Constraints = new List<string> { "tier batch" },
            }, _runId));
            Assert.Equal(SwarmErrorIds.InvalidConfiguration, error.ErrorId);
            Assert.Contains("'tier batch'", error.Message);
        }

        [SwarmClusterFact]
        public async Task Without_a_registry_an_image_missing_on_a_node_is_named()
        {
            // The probe image was built on node 1 only.
            var provider = NewProvider(registry: null);
            var error = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(Spec("unshipped"), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxStartFailed, error.ErrorId);
            Assert.Contains("missing on", error.Message);
            Assert.Contains(SwarmClusterFixture.Node2Address, error.Message);
            Assert.DoesNotContain(SwarmClusterFixture.Node1Address + ",", error.Message);
        }

        [SwarmClusterFact]
        public async Task Every_hardening_holds_inside_the_task_and_the_ignored_NoNewPrivileges_is_detected()
        {
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(Spec("hardened", memoryMb: 48), CancellationToken.None);
            Assert.Equal("uid=65532 gid=65532", await ProbeAsync(sandbox, "probe-id"));
            var root = await ProbeAsync(sandbox, "probe-write-root");
            Assert.Contains("Read-only file system", root);
            Assert.Equal("x rc=0", (await ProbeAsync(sandbox, "probe-write-tmp")).Trim());
            Assert.Equal("mem=" + (48L * 1024 * 1024) + " pids=64", await ProbeAsync(sandbox, "probe-cgroup"));
            var status = await ProbeAsync(sandbox, "probe-status");
            Assert.Contains("CapEff: 0000000000000000", status);
            Assert.Contains("CapPrm: 0000000000000000", status);
            // What the provider reports agrees with what the kernel applied in the task (ignored on engine 20.10).
            Assert.NotNull(provider.NoNewPrivilegesEnforced);
            Assert.Contains("NoNewPrivs: " + (provider.NoNewPrivilegesEnforced == true ? "1" : "0"), status);
            var fork = await ProbeAsync(sandbox, "probe-forkbomb");
            Assert.Contains("subshell_exit=2", fork);
        }

        [SwarmClusterFact]
        public async Task A_sandbox_reaches_neither_the_outside_nor_another_sandbox()
        {
            var provider = NewProvider();
            var a = await provider.CreateAsync(Spec("net-a"), CancellationToken.None);
            var b = await provider.CreateAsync(Spec("net-b"), CancellationToken.None);
            var addressA = (await ProbeAsync(a, "probe-addr")).TrimEnd(',');
            var addressB = (await ProbeAsync(b, "probe-addr")).TrimEnd(',');
            Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", addressA);
            Assert.Matches(@"^\d+\.\d+\.\d+\.\d+$", addressB);
            Assert.NotEqual(addressA, addressB);

            Assert.Equal("listening", await ProbeAsync(a, "probe-listen"));
            // Control: the listener answers on A's own overlay address, so a failure below is the network's doing.
            Assert.Contains("reached", await ProbeAsync(a, "probe-connect-" + addressA + "-7000"));

            var fromB = await ProbeAsync(b, "probe-connect-" + addressA + "-7000");
            Assert.DoesNotContain("reached", fromB);
            Assert.DoesNotContain("rc=0", fromB);
            // The outside: the registry and the manager's port on node 1's address, both reachable from the node itself.
            foreach (var outside in new[] { SwarmClusterFixture.Node1Address + "-5000", SwarmClusterFixture.Node1Address + "-2377", "1.1.1.1-443" })
            {
                var reply = await ProbeAsync(b, "probe-connect-" + outside);
                Assert.DoesNotContain("rc=0", reply);
            }
        }

        [SwarmClusterFact]
        public async Task Stopping_a_sandbox_removes_its_service_and_network()
        {
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(Spec("short-lived"), CancellationToken.None);
            Assert.Single(await _cluster.ServicesOfRunAsync(_runId));
            Assert.Single(await _cluster.NetworksOfRunAsync(_runId));
            await sandbox.StopAsync();
            Assert.Empty(provider.ListSandboxes());
            await provider.CleanupAsync();
            Assert.Empty(await _cluster.ServicesOfRunAsync(_runId));
            Assert.Empty(await _cluster.NetworksOfRunAsync(_runId));
        }

        [SwarmClusterFact]
        public async Task Cancelling_while_the_task_waits_for_placement_removes_its_service_and_network()
        {
            var provider = NewProvider(new List<string> { "node.labels.tier==gpu" });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.CreateAsync(Spec("cancelled"), cts.Token));
            await provider.CleanupAsync();
            Assert.Empty(await _cluster.ServicesOfRunAsync(_runId));
            Assert.Empty(await _cluster.NetworksOfRunAsync(_runId));
        }

        [SwarmClusterFact]
        public async Task The_start_sweep_removes_services_of_dead_owners_on_this_host_and_keeps_those_of_live_ones()
        {
            _cluster.RequireCluster();
            var deadPid = Enumerable.Range(4_000_000, 1000).First(p => !System.IO.Directory.Exists("/proc/" + p));
            var orphanRun = _runId + "-orphan";
            var liveRun = _runId + "-live";
            async Task<string> LeaveServiceAsync(string run, string owner)
            {
                var labels = new Dictionary<string, string>
                {
                    [SwarmLabels.Module] = SwarmLabels.ModuleVersion,
                    [SwarmLabels.Run] = run,
                    [SwarmLabels.Owner] = owner,
                };
                var network = await _cluster.Node1.Networks.CreateNetworkAsync(new global::Docker.DotNet.Models.NetworksCreateParameters
                {
                    Name = run, Driver = "overlay", Internal = true, Labels = labels,
                });
                // No replica: what a killed session leaves behind is the service and its network, running or not.
                return (await _cluster.Node1.Swarm.CreateServiceAsync(new global::Docker.DotNet.Models.ServiceCreateParameters
                {
                    Service = new global::Docker.DotNet.Models.ServiceSpec
                    {
                        Name = run,
                        Labels = labels,
                        Mode = new global::Docker.DotNet.Models.ServiceMode { Replicated = new global::Docker.DotNet.Models.ReplicatedService { Replicas = 0 } },
                        TaskTemplate = new global::Docker.DotNet.Models.TaskSpec
                        {
                            ContainerSpec = new global::Docker.DotNet.Models.ContainerSpec { Image = _cluster.BusyboxImage },
                            Networks = new List<global::Docker.DotNet.Models.NetworkAttachmentConfig> { new global::Docker.DotNet.Models.NetworkAttachmentConfig { Target = network.ID } },
                        },
                    },
                })).ID;
            }
            var live = await LeaveServiceAsync(liveRun, ProcessOwner.Current.ToString());
            try
            {
                await LeaveServiceAsync(orphanRun, Environment.MachineName + ":" + deadPid + ":12345");
                var provider = NewProvider();
                await provider.StartAsync();
                // Cleanup waits for the start sweep.
                await provider.CleanupAsync();
                Assert.Empty(await _cluster.ServicesOfRunAsync(orphanRun));
                Assert.Empty(await _cluster.NetworksOfRunAsync(orphanRun));
                Assert.Single(await _cluster.ServicesOfRunAsync(liveRun));
                Assert.Single(await _cluster.NetworksOfRunAsync(liveRun));
            }
            finally
            {
                await _cluster.Node1.Swarm.RemoveServiceAsync(live);
                foreach (var network in await _cluster.NetworksOfRunAsync(liveRun))
                    await _cluster.Node1.Networks.DeleteNetworkAsync(network.ID);
            }
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (SwarmClusterEnvironment.SkipReason != null || _cluster.Failure != null)
                return;
            foreach (var provider in _providers)
            {
                await provider.CleanupAsync();
                provider.Dispose();
            }
            var services = await _cluster.ServicesOfRunAsync(_runId);
            var networks = await _cluster.NetworksOfRunAsync(_runId);
            Assert.True(services.Count == 0 && networks.Count == 0,
                $"{services.Count} service(s) and {networks.Count} network(s) labelled {SwarmLabels.Run}={_runId} were left after cleanup.");
        }
    }
}
