using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Core.Sandboxing.Swarm;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>Chooses the sandbox provider for an isolation mode.</summary>
    internal static class SandboxProviderFactory
    {
        /// <summary>How long <see cref="IsolationMode.Auto"/> waits for the Docker engine before falling back.</summary>
        public static readonly TimeSpan AutoProbeTimeout = TimeSpan.FromSeconds(2);

        /// <summary>
        /// Creates the provider the options ask for: Docker for <see cref="IsolationMode.Docker"/> (DockerUnavailable
        /// when the engine does not answer), the process sandbox for <see cref="IsolationMode.Process"/>, and for
        /// <see cref="IsolationMode.Auto"/> Docker when the engine answers a short probe, else a warning and the process sandbox;
        /// Swarm services for <see cref="IsolationMode.Swarm"/> (never chosen by Auto).
        /// </summary>
        public static ISandboxProvider Create(SwarmOptions options, string coordinatorId, ILoggerFactory loggerFactory)
        {
            if (options.WarmPoolSize < 0 || options.WarmPoolSize > 1000)
            {
                throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                    $"WarmPoolSize {options.WarmPoolSize} is invalid: it must be between 0 and 1000.", nameof(SwarmOptions.WarmPoolSize));
            }

            var logger = loggerFactory.CreateLogger(typeof(SandboxProviderFactory).FullName!);
            switch (options.Isolation)
            {
                case IsolationMode.Process:
                    return CreateProcess(options, coordinatorId, loggerFactory);
                case IsolationMode.Swarm:
                {
                    var provider = CreateSwarm(options, coordinatorId, loggerFactory);
                    Probe(provider.Manager, TimeSpan.FromSeconds(5));
                    return provider;
                }
                case IsolationMode.Docker:
                {
                    var endpoint = DockerEngine.ResolveEndpoint(options.DockerEndpoint);
                    // Fail here with one clear error rather than at the first deployment.
                    Probe(endpoint, TimeSpan.FromSeconds(5));
                    return CreateDocker(options, coordinatorId, loggerFactory);
                }
                default:
                    try
                    {
                        var endpoint = DockerEngine.ResolveEndpoint(options.DockerEndpoint);
                        Probe(endpoint, AutoProbeTimeout);
                        if (options.SandboxImage == null && !BuiltInImageUsable(endpoint))
                        {
                            FactoryLog.FallingBackToProcess(logger,
                                $"this module has no linux runner to build its sandbox image {SandboxImageBuilder.VersionTag}-<runner digest> from " +
                                $"(publish one and set {SandboxImageBuilder.RunnerDirectoryVariable}, or use {{isolation=docker}} to see the details)");
                            return CreateProcess(options, coordinatorId, loggerFactory);
                        }
                        FactoryLog.ChoseDocker(logger, endpoint);
                        return CreateDocker(options, coordinatorId, loggerFactory);
                    }
                    catch (SwarmException e) when (e.ErrorId == SwarmErrorIds.DockerUnavailable)
                    {
                        FactoryLog.FallingBackToProcess(logger, e.Message);
                        return CreateProcess(options, coordinatorId, loggerFactory);
                    }
            }
        }

        /// <summary>The Docker provider for these options, without probing the engine.</summary>
        public static DockerSandboxProvider CreateDocker(SwarmOptions options, string coordinatorId, ILoggerFactory loggerFactory) =>
            new DockerSandboxProvider(new DockerSandboxOptions
            {
                Endpoint = options.DockerEndpoint,
                DefaultImage = options.SandboxImage,
                WarmPoolSize = options.WarmPoolSize,
                WarmPoolMemoryLimitMb = options.MemoryLimitMb,
                WarmPoolCpuLimit = options.CpuLimit,
            }, coordinatorId, loggerFactory.CreateLogger<DockerSandboxProvider>());

        /// <summary>The Swarm provider for these options (the manager is <see cref="SwarmOptions.DockerEndpoint"/>), without probing it.</summary>
        public static SwarmSandboxProvider CreateSwarm(SwarmOptions options, string coordinatorId, ILoggerFactory loggerFactory) =>
            new SwarmSandboxProvider(new SwarmSandboxOptions
            {
                ManagerEndpoint = options.DockerEndpoint,
                NodeEndpoints = new Dictionary<string, string>(options.NodeEndpoints, StringComparer.OrdinalIgnoreCase),
                Constraints = options.Constraints.ToList(),
                Registry = options.Registry,
                Container = new DockerSandboxOptions { DefaultImage = options.SandboxImage },
            }, coordinatorId, loggerFactory.CreateLogger<SwarmSandboxProvider>());

        private static ISandboxProvider CreateProcess(SwarmOptions options, string coordinatorId, ILoggerFactory loggerFactory) =>
            new ProcessSandboxProvider(RunnerLocator.Locate(options.RunnerPath), coordinatorId,
                loggerFactory.CreateLogger<ProcessSandboxProvider>());

        private static bool BuiltInImageUsable(Uri endpoint)
        {
            try
            {
                var check = new SandboxImageBuilder(DockerEngine.GetClient(endpoint)).IsAvailableOrBuildableAsync();
                return check.Wait(AutoProbeTimeout) && check.Result;
            }
            catch (Exception)
            {
                return false;
            }
        }

        private static void Probe(Uri endpoint, TimeSpan timeout)
        {
            // Called from a synchronous factory (the coordinator creates its provider lazily); the probe is bounded.
            try
            {
                DockerEngine.PingAsync(endpoint, timeout).GetAwaiter().GetResult();
            }
            catch (SwarmException)
            {
                throw;
            }
            catch (Exception e)
            {
                throw new SwarmException(SwarmErrorIds.DockerUnavailable, SwarmErrorKind.Unavailable,
                    $"The Docker engine at {endpoint} is not reachable ({e.Message}). Start Docker, point DOCKER_HOST at a running engine, or use {{isolation=process}}.", endpoint.ToString(), e);
            }
        }
    }

    internal static partial class FactoryLog
    {
        [LoggerMessage(EventId = 320, Level = LogLevel.Warning, Message = "Docker is not available, so sandboxes run as child processes with weaker isolation (no network or filesystem confinement): {Reason}")]
        public static partial void FallingBackToProcess(ILogger logger, string reason);

        [LoggerMessage(EventId = 321, Level = LogLevel.Information, Message = "Isolation Auto chose Docker: the engine at {Endpoint} answers, so every agent runs in a hardened container")]
        public static partial void ChoseDocker(ILogger logger, Uri endpoint);
    }
}
