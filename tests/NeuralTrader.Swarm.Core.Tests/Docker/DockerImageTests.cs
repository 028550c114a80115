using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Docker
{
    /// <summary>The built-in image: built offline on first use, reused, rebuilt when removed.</summary>
    [Collection(DockerCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class DockerImageTests : DockerTestBase
    {
        public DockerImageTests(DockerImagesFixture images) : base(images) { }

        private DockerSandboxOptions FakeBuiltIn() => new DockerSandboxOptions
        {
            BuiltInImageTag = Images.FakeBuiltInTag,
            RunnerDirectory = Images.FakeRunnerDirectory,
        };

        private static SandboxSpec BuiltInSpec(string strategy) => new SandboxSpec
        {
            AgentId = "agent-" + strategy,
            Strategy = strategy,
            MemoryLimitMb = 64,
            CpuLimit = 0.5,
            StartTimeout = TimeSpan.FromSeconds(30),
        };

        [DockerFact]
        public async Task Built_in_image_is_built_from_scratch_as_non_root_and_reused()
        {
            RequireBusybox();
            var builder = new SandboxImageBuilder(DockerTestEnvironment.Client, Images.FakeRunnerDirectory, Images.FakeBuiltInTag);
            await builder.EnsureAsync();
            var first = await DockerTestEnvironment.Client.Images.InspectImageAsync(Images.FakeBuiltInTag);
            Assert.Equal(SandboxImageBuilder.SandboxUser, first.Config.User);
            Assert.Equal("/runner/" + SandboxImageBuilder.RunnerFileName, first.Config.Entrypoint.Single());
            Assert.Equal("runner", first.Config.Labels[SwarmLabels.ImageRole]);
            // FROM scratch: the history has no base image layers, only what the Dockerfile added.
            var history = await DockerTestEnvironment.Client.Images.GetImageHistoryAsync(Images.FakeBuiltInTag);
            Assert.DoesNotContain(history, h => (h.CreatedBy ?? "").Contains("ADD file:"));
            await builder.EnsureAsync();
            var second = await DockerTestEnvironment.Client.Images.InspectImageAsync(Images.FakeBuiltInTag);
            Assert.Equal(first.ID, second.ID);
        }

        [DockerFact]
        public async Task Image_removed_between_runs_is_rebuilt_on_the_next_create()
        {
            RequireBusybox();
            var provider = NewProvider(FakeBuiltIn());
            var first = await provider.CreateAsync(BuiltInSpec("first"), CancellationToken.None);
            Assert.Equal(Images.FakeBuiltInTag, first.Info.Image);
            Assert.True((await first.SendAsync(Run("momentum"), TimeSpan.FromSeconds(10), CancellationToken.None)).Ok);
            await provider.CleanupAsync();

            await DockerTestEnvironment.RemoveImageAsync(Images.FakeBuiltInTag);
            Assert.False(await new SandboxImageBuilder(DockerTestEnvironment.Client, null, Images.FakeBuiltInTag).ExistsAsync());

            // Same provider (cached "image is there") and a fresh one both recover.
            var again = await provider.CreateAsync(BuiltInSpec("again"), CancellationToken.None);
            Assert.True((await again.SendAsync(Run("momentum"), TimeSpan.FromSeconds(10), CancellationToken.None)).Ok);
            await DockerTestEnvironment.RemoveImageAsync(Images.FakeBuiltInTag);
            var fresh = NewProvider(FakeBuiltIn());
            var third = await fresh.CreateAsync(BuiltInSpec("fresh"), CancellationToken.None);
            Assert.True(third.IsAlive);
        }

        [DockerFact]
        public async Task Without_a_runner_no_image_is_picked_by_version_alone()
        {
            // An image tagged only with the module version may hold another build's runner (other parameters, other
            // numbers): without a runner to name the image by its digest, the built-in image is unavailable.
            var builder = new SandboxImageBuilder(DockerTestEnvironment.Client, "/nonexistent/runner-" + RunId);
            Assert.False(await builder.IsAvailableOrBuildableAsync());
            var error = await Assert.ThrowsAsync<SwarmException>(() => builder.EnsureAsync());
            Assert.Equal(SwarmErrorIds.RunnerNotFound, error.ErrorId);
            Assert.Contains(SandboxImageBuilder.VersionTag + "-<runner digest>", error.Message);
        }

        [DockerFact]
        public async Task Missing_runner_names_where_it_looked()
        {
            var tag = "neuraltrader-swarm-test-norunner:" + RunId;
            var builder = new SandboxImageBuilder(DockerTestEnvironment.Client, "/nonexistent/runner-" + RunId, tag);
            var error = await Assert.ThrowsAsync<SwarmException>(() => builder.EnsureAsync());
            Assert.Equal(SwarmErrorIds.RunnerNotFound, error.ErrorId);
            Assert.Contains("/nonexistent/runner-" + RunId, error.Message);
        }

        [Fact]
        [Trait("Category", "Docker")]
        public void Dockerfile_is_from_scratch_non_root_with_the_runner_as_entrypoint()
        {
            var dockerfile = SandboxImageBuilder.GenerateDockerfile("scratch", true);
            Assert.StartsWith("FROM scratch\n", dockerfile);
            Assert.Contains("COPY sysroot/ /", dockerfile);
            Assert.Contains("USER 65532:65532", dockerfile);
            Assert.Contains("ENTRYPOINT [\"/runner/NeuralTrader.Swarm.Runner\"]", dockerfile);
            Assert.Equal("neuraltrader-swarm-runner:" + SwarmLabels.ModuleVersion, SandboxImageBuilder.VersionTag);
        }
    }
}
