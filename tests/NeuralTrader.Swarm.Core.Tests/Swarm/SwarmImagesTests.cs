using NeuralTrader.Swarm.Core.Sandboxing.Swarm;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>How an image reference is renamed into the user's registry before it is pushed and pinned.</summary>
    public sealed class SwarmImagesTests
    {
        [Theory]
        [InlineData("neuraltrader-swarm-runner:0.1.0-abc", "neuraltrader-swarm-runner", "0.1.0-abc")]
        [InlineData("busybox", "busybox", "latest")]
        [InlineData("team/strategy:2", "team/strategy", "2")]
        [InlineData("registry.lan:5000/team/strategy:2", "team/strategy", "2")]
        [InlineData("localhost/strategy", "strategy", "latest")]
        [InlineData("registry.lan/strategy@sha256:0905b015ab5919f3a2ad36f6f23c84e32b6780e1", "strategy", "sha-0905b015ab59")]
        public void A_reference_keeps_its_repository_path_and_tag_but_not_its_registry(string image, string repository, string tag)
        {
            var (r, t) = SwarmImages.SplitReference(image);
            Assert.Equal(repository, r);
            Assert.Equal(tag, t);
        }
    }
}
