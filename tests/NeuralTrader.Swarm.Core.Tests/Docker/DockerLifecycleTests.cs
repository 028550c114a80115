using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>Lifecycle through the provider with the busybox-sh runner: a custom, non-.NET image.</summary>
    [Collection(DockerCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class DockerLifecycleTests : DockerTestBase
    {
        public DockerLifecycleTests(DockerImagesFixture images) : base(images) { }

        [DockerFact]
        public async Task Custom_non_dotnet_image_answers_many_requests_over_one_container()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec("echo"), CancellationToken.None);
            var ping = await sandbox.SendAsync(new RunnerRequest { Id = "p", Op = RunnerOps.Ping }, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.True(ping.Ok);
            Assert.Equal("busybox-sh/1", ping.Runner);
            Assert.Equal(1, ping.Protocol);
            for (int i = 0; i < 20; i++)
            {
                var response = await sandbox.SendAsync(Run("momentum"), TimeSpan.FromSeconds(10), CancellationToken.None);
                Assert.True(response.Ok);
                Assert.Equal("momentum", response.Result!.Strategy);
                Assert.Equal("SPY", response.Result.Symbol);
            }
            Assert.True(sandbox.IsAlive);
            Assert.Single(provider.ListSandboxes());
            Assert.Equal(1, await provider.CleanupAsync());
            Assert.Empty(await DockerTestEnvironment.ListByRunAsync(RunId));
        }

        [DockerFact]
        public async Task Execution_past_the_timeout_kills_the_container()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec("slow"), CancellationToken.None);
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SwarmException>(() =>
                sandbox.SendAsync(Run("slow", delayMs: 20_000), TimeSpan.FromMilliseconds(500), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxTimeout, error.ErrorId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "the timeout took " + watch.Elapsed);
            Assert.False(sandbox.IsAlive);
            await provider.CleanupAsync();
            Assert.Empty(await DockerTestEnvironment.ListByRunAsync(RunId));
        }

        [DockerFact]
        public async Task Malformed_output_is_a_protocol_violation_and_the_sandbox_is_discarded()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec("garbage"), CancellationToken.None);
            var error = await Assert.ThrowsAsync<SwarmException>(() =>
                sandbox.SendAsync(Run("probe-garbage"), TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.ProtocolViolation, error.ErrorId);
            Assert.False(sandbox.IsAlive);
        }

        [DockerFact]
        public async Task Runner_exit_is_reported_with_its_exit_code()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec("exit"), CancellationToken.None);
            var error = await Assert.ThrowsAsync<SwarmException>(() =>
                sandbox.SendAsync(Run("probe-exit"), TimeSpan.FromSeconds(10), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxExited, error.ErrorId);
            Assert.Contains("code 3", error.Message);
        }

        [DockerFact]
        public async Task Container_killed_from_outside_is_reported_as_exited()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec("victim"), CancellationToken.None);
            var pending = sandbox.SendAsync(Run("victim", delayMs: 20_000), TimeSpan.FromSeconds(60), CancellationToken.None);
            await Task.Delay(300);
            await DockerTestEnvironment.Client.Containers.KillContainerAsync(sandbox.Id, new ContainerKillParameters { Signal = "KILL" });
            var error = await Assert.ThrowsAsync<SwarmException>(() => pending);
            Assert.Equal(SwarmErrorIds.SandboxExited, error.ErrorId);
            Assert.Contains("137", error.Message);
            Assert.Contains("killed from outside", error.Message);
            Assert.False(sandbox.IsAlive);
        }

        [DockerFact]
        public async Task Cancellation_kills_the_container_promptly()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandbox = await provider.CreateAsync(BusyboxSpec("cancel"), CancellationToken.None);
            using (var cts = new CancellationTokenSource(300))
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    sandbox.SendAsync(Run("cancel", delayMs: 20_000), TimeSpan.FromSeconds(60), cts.Token));
            }
            Assert.False(sandbox.IsAlive);
        }

        [DockerFact]
        public async Task Missing_custom_image_fails_without_pulling()
        {
            var provider = NewProvider();
            var spec = BusyboxSpec();
            spec.Image = "neuraltrader-swarm-test-does-not-exist:" + RunId;
            var error = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(spec, CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxStartFailed, error.ErrorId);
            Assert.Contains("never pulled", error.Message);
        }

        [DockerFact]
        public async Task Image_that_does_not_speak_the_protocol_fails_its_readiness_check_by_name()
        {
            RequireBusybox();
            // The busybox image with an entrypoint override is not possible per spec; a runner that exits at once is.
            var tag = "neuraltrader-swarm-test-mute:" + RunId;
            await DockerTestEnvironment.BuildImageAsync(tag, new System.Collections.Generic.Dictionary<string, (byte[], int)>
            {
                ["Dockerfile"] = (System.Text.Encoding.ASCII.GetBytes("FROM " + Images.BusyboxImage + "\nENTRYPOINT [\"/bin/busybox\", \"sh\", \"-c\", \"echo starting >&2; exit 7\"]\n"), 0x1A4),
            });
            try
            {
                var provider = NewProvider();
                var spec = BusyboxSpec();
                spec.Image = tag;
                var error = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(spec, CancellationToken.None));
                Assert.Equal(SwarmErrorIds.SandboxStartFailed, error.ErrorId);
                Assert.Contains("readiness check: ping", error.Message);
                Assert.Contains("code 7", error.Message);
                Assert.Contains("starting", error.Message);
                await provider.CleanupAsync();
                Assert.Empty(await DockerTestEnvironment.ListByRunAsync(RunId));
            }
            finally
            {
                await DockerTestEnvironment.SweepRunAsync(RunId);
                await DockerTestEnvironment.RemoveImageAsync(tag);
            }
        }

        [DockerFact]
        public async Task Stop_returns_at_once_and_cleanup_waits_for_every_removal()
        {
            RequireBusybox();
            var provider = NewProvider();
            var sandboxes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
                provider.CreateAsync(BusyboxSpec("many-" + i), CancellationToken.None)));
            Assert.Equal(4, provider.ListSandboxes().Count);
            Assert.All(provider.ListSandboxes(), s => Assert.Equal("docker", s.Kind));
            var watch = Stopwatch.StartNew();
            await sandboxes[0].StopAsync();
            Assert.True(watch.ElapsedMilliseconds < 100, "StopAsync took " + watch.ElapsedMilliseconds + " ms");
            await sandboxes[0].StopAsync(); // twice is fine
            Assert.Equal(3, await provider.CleanupAsync());
            Assert.Empty(provider.ListSandboxes());
            Assert.Empty(await DockerTestEnvironment.ListByRunAsync(RunId));
        }

        [DockerFact]
        public async Task Listing_reports_agent_strategy_age_and_memory()
        {
            RequireBusybox();
            var provider = NewProvider();
            await provider.CreateAsync(BusyboxSpec("listed"), CancellationToken.None);
            var info = Assert.Single(provider.ListSandboxes());
            Assert.Equal("agent-listed", info.AgentId);
            Assert.Equal("listed", info.Strategy);
            Assert.Equal(RunId, info.CoordinatorId);
            Assert.Equal(Images.BusyboxImage, info.Image);
            Assert.True(info.Age >= TimeSpan.Zero);
            Assert.NotNull(info.MemoryBytes);
            Assert.InRange(info.MemoryBytes!.Value, 1, 64L * 1024 * 1024);
        }

        [DockerFact]
        public async Task Unreachable_engine_fails_fast_with_DockerUnavailable()
        {
            var provider = NewProvider(new DockerSandboxOptions { Endpoint = "unix:///tmp/neuraltrader-no-such-docker-" + RunId + ".sock" });
            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(BusyboxSpec(), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.DockerUnavailable, error.ErrorId);
            Assert.Equal(SwarmErrorKind.Unavailable, error.Kind);
            Assert.Contains("Start Docker", error.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "took " + watch.Elapsed);
        }

        [DockerFact]
        public void Factory_picks_docker_for_Docker_and_Auto_and_fails_clearly_when_the_engine_is_gone()
        {
            using (var docker = SandboxProviderFactory.Create(new SwarmOptions { Isolation = IsolationMode.Docker }, RunId, NullLoggerFactory.Instance))
                Assert.Equal("docker", docker.Kind);
            using (var auto = SandboxProviderFactory.Create(new SwarmOptions { Isolation = IsolationMode.Auto, SandboxImage = Images.BusyboxImage }, RunId, NullLoggerFactory.Instance))
                Assert.Equal("docker", auto.Kind);
            // Auto without a custom image needs the built-in image or a linux runner to build it; else the process sandbox.
            var buildable = new SandboxImageBuilder(DockerTestEnvironment.Client).IsAvailableOrBuildableAsync().GetAwaiter().GetResult();
            using (var auto = SandboxProviderFactory.Create(new SwarmOptions { Isolation = IsolationMode.Auto }, RunId, NullLoggerFactory.Instance))
                Assert.Equal(buildable ? "docker" : "process", auto.Kind);
            var error = Assert.Throws<SwarmException>(() => SandboxProviderFactory.Create(
                new SwarmOptions { Isolation = IsolationMode.Docker, DockerEndpoint = "unix:///tmp/neuraltrader-none-" + RunId + ".sock" }, RunId, NullLoggerFactory.Instance));
            Assert.Equal(SwarmErrorIds.DockerUnavailable, error.ErrorId);
        }

        [DockerFact]
        public async Task Warm_pool_hands_out_a_ready_sandbox_and_refills()
        {
            RequireBusybox();
            var provider = NewProvider(new DockerSandboxOptions
            {
                DefaultImage = null,
                BuiltInImageTag = Images.FakeBuiltInTag,
                RunnerDirectory = Images.FakeRunnerDirectory,
                WarmPoolSize = 2,
                WarmPoolMemoryLimitMb = 64,
                WarmPoolCpuLimit = 0.5,
            });
            await provider.WarmUpAsync();
            Assert.Equal(2, provider.WarmPoolCount);
            var spec = new SandboxSpec { AgentId = "agent-warm", Strategy = "warm", MemoryLimitMb = 64, CpuLimit = 0.5 };
            var watch = Stopwatch.StartNew();
            var sandbox = await provider.CreateAsync(spec, CancellationToken.None);
            var acquire = watch.Elapsed;
            Assert.True(acquire < TimeSpan.FromMilliseconds(100), "warm acquire took " + acquire.TotalMilliseconds + " ms");
            Assert.Equal("agent-warm", sandbox.Info.AgentId);
            var response = await sandbox.SendAsync(Run("momentum"), TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.True(response.Ok);
            await provider.WarmUpAsync();
            Assert.Equal(2, provider.WarmPoolCount);
            Assert.Equal(1, await provider.CleanupAsync());
            Assert.Empty(await DockerTestEnvironment.ListByRunAsync(RunId));
        }

        [DockerFact]
        public async Task A_run_with_its_own_image_and_retries_uses_the_same_coordinator_and_its_warm_agents_keep_the_default()
        {
            RequireBusybox();
            // The provider's default image is the busybox runner too, under another tag, so the tag tells which ran.
            var defaultTag = Images.BusyboxImage.Replace("busybox:", "busybox-default:");
            await DockerTestEnvironment.Client.Images.TagImageAsync(Images.BusyboxImage, new global::Docker.DotNet.Models.ImageTagParameters { RepositoryName = defaultTag.Split(':')[0], Tag = defaultTag.Split(':')[1] });
            try
            {
                var provider = NewProvider(new DockerSandboxOptions { DefaultImage = defaultTag });
                using var coordinator = new SwarmCoordinator(new SwarmOptions { MaxAgents = 1, Isolation = IsolationMode.Docker, LearningEnabled = false }, provider);
                var request = new[] { new DeploymentRequest("momentum", "SPY") };
                var run = new SwarmRun { Image = Images.BusyboxImage, Resilience = new NeuralTrader.Swarm.Core.Resilience.ResilienceOptions { RetryCount = 2 } };

                var custom = Assert.Single(await coordinator.DeploySwarmAsync(request, null, CancellationToken.None, run));
                Assert.True(custom.Success, custom.Error);
                Assert.Equal(Images.BusyboxImage, Assert.Single(coordinator.GetSandboxes()).Image);

                var plain = Assert.Single(await coordinator.DeploySwarmAsync(request));
                Assert.True(plain.Success, plain.Error);
                Assert.Equal(defaultTag, Assert.Single(coordinator.GetSandboxes()).Image);
            }
            finally
            {
                await DockerTestEnvironment.RemoveImageAsync(defaultTag);
            }
        }

        [Fact]
        public async Task A_run_image_on_process_isolation_is_refused_before_anything_runs()
        {
            using var coordinator = new SwarmCoordinator(new SwarmOptions { Isolation = IsolationMode.Process, LearningEnabled = false });
            var error = await Assert.ThrowsAsync<SwarmException>(() => coordinator.DeploySwarmAsync(new[] { new DeploymentRequest("momentum", "SPY") }, null, CancellationToken.None, new SwarmRun { Image = "example/strategy:1" }));
            Assert.Equal(SwarmErrorIds.InvalidConfiguration, error.ErrorId);
            Assert.Equal(0, coordinator.GetMetrics().TotalExecutions);
        }
    }
}
