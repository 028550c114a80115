using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Sandboxing
{
    /// <summary>The one rule for sandbox limits, as the options, both providers and so both front ends apply it.</summary>
    public sealed class SandboxLimitTests
    {
        [Theory]
        [InlineData(512, 0.0000000001, "CpuLimit 1E-10")] // rounded to NanoCpus=0, i.e. no limit
        [InlineData(512, 0.009, "CpuLimit 0.009")]
        [InlineData(512, 0, "CpuLimit 0 ")]
        [InlineData(512, -1, "CpuLimit -1")]
        [InlineData(512, double.PositiveInfinity, "CpuLimit Infinity")]
        [InlineData(512, double.NaN, "CpuLimit NaN")]
        [InlineData(512, 1025, "CpuLimit 1025")]
        [InlineData(99999999, 1, "MemoryLimitMb 99999999")]
        [InlineData(15, 1, "MemoryLimitMb 15")]
        [InlineData(-512, 1, "MemoryLimitMb -512")]
        public async Task Out_of_range_limits_are_refused_everywhere_naming_the_value(int memoryMb, double cpu, string named)
        {
            var options = new SwarmOptions { MemoryLimitMb = memoryMb, CpuLimit = cpu };
            var e = Assert.Throws<SwarmException>(() => options.Validate());
            Assert.Equal(SwarmErrorIds.InvalidConfiguration, e.ErrorId);
            Assert.StartsWith(named.TrimEnd(), e.Message);

            // A provider used directly (not through a coordinator) applies the same rule before starting anything.
            var spec = new SandboxSpec { AgentId = "a", Strategy = "s", MemoryLimitMb = memoryMb, CpuLimit = cpu };
            using var process = new ProcessSandboxProvider(RunnerLocator.Locate(), "limits-test");
            Assert.Equal(e.Message, (await Assert.ThrowsAsync<SwarmException>(() => process.CreateAsync(spec, CancellationToken.None))).Message);
            Assert.Empty(process.ListSandboxes());
            using var docker = new DockerSandboxProvider(new DockerSandboxOptions { Endpoint = "unix:///nonexistent/docker.sock" }, "limits-test");
            Assert.Equal(e.Message, (await Assert.ThrowsAsync<SwarmException>(() => docker.CreateAsync(spec, CancellationToken.None))).Message);
        }

        [Theory]
        [InlineData(16, 0.01)]
        [InlineData(1048576, 1024)]
        [InlineData(512, 1)]
        public void The_bounds_themselves_are_accepted(int memoryMb, double cpu) =>
            SwarmOptions.ValidateLimits(memoryMb, cpu);
    }
}
