using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>The Docker variants of scenarios 1-4 (hardened containers) with their bare-engine baselines.</summary>
    internal static class DockerScenarios
    {
        public static Task RunAsync(ResultsFile results, string workDir, bool quick)
        {
            try
            {
                using var provider = SandboxProviderFactory.Create(new SwarmOptions { Isolation = IsolationMode.Docker }, "bench", Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
            }
            catch (SwarmException e)
            {
                results.Skip("Docker scenarios 1-4", "the Docker sandbox provider is not available in this build (" + e.Message + "); the process-sandbox figures above stand in.");
                return Task.CompletedTask;
            }
            results.Skip("Docker scenarios 1-4", "the Docker provider is present but its scenarios are not wired into the harness yet.");
            return Task.CompletedTask;
        }
    }
}
