using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>Chooses the sandbox provider for an isolation mode.</summary>
    public static class SandboxProviderFactory
    {
        /// <summary>Creates the provider the options ask for.</summary>
        public static ISandboxProvider Create(SwarmOptions options, string coordinatorId, ILoggerFactory loggerFactory)
        {
            // Docker arrives with issue [3/6]; until then Auto means the process sandbox.
            if (options.Isolation == IsolationMode.Docker)
                throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.Unavailable,
                    "Docker isolation is not available in this build. Use -Isolation Process or Auto.");
            return new ProcessSandboxProvider(RunnerLocator.Locate(options.RunnerPath), coordinatorId,
                loggerFactory.CreateLogger<ProcessSandboxProvider>());
        }
    }
}
