using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Sandboxing.Swarm
{
    internal static partial class SwarmLog
    {
        [LoggerMessage(EventId = 330, Level = LogLevel.Debug, Message = "Swarm sandbox {Service} ready on node {Node} for agent {AgentId} in {ElapsedMs} ms")]
        public static partial void SandboxReady(ILogger logger, string service, string node, string agentId, long elapsedMs);

        [LoggerMessage(EventId = 331, Level = LogLevel.Debug, Message = "Swarm sandbox {Service}: {Line}")]
        public static partial void RunnerStderr(ILogger logger, string service, string line);

        [LoggerMessage(EventId = 332, Level = LogLevel.Warning, Message = "The Swarm engines ignore NoNewPrivileges for services (engine 20.10; checked on node {Node} {NodeId}): a setuid binary in a sandbox image could still raise privileges. All capabilities are dropped and the user is not root, so build sandbox images without setuid files, or run engines whose swarmkit applies it (see docs/cluster.md)")]
        public static partial void NoNewPrivilegesIgnored(ILogger logger, string node, string nodeId);

        [LoggerMessage(EventId = 333, Level = LogLevel.Information, Message = "Pushed sandbox image {Image} to the registry as {Pinned}")]
        public static partial void ImagePushed(ILogger logger, string image, string pinned);

        [LoggerMessage(EventId = 334, Level = LogLevel.Warning, Message = "Could not remove Swarm sandbox {Id}: {Reason}")]
        public static partial void RemoveFailed(ILogger logger, string id, string reason);

        [LoggerMessage(EventId = 335, Level = LogLevel.Information, Message = "Removed Swarm sandbox service {Service} of a finished or dead owner")]
        public static partial void SweptService(ILogger logger, string service);

        [LoggerMessage(EventId = 336, Level = LogLevel.Warning, Message = "Swarm sandbox sweep failed: {Reason}")]
        public static partial void SweepFailed(ILogger logger, string reason);
    }
}
