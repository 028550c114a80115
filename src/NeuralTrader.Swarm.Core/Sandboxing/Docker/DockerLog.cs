using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    internal static partial class DockerLog
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Building sandbox image {Tag} from {From} with the runner in {RunnerDirectory}")]
        public static partial void BuildingImage(ILogger logger, string tag, string from, string runnerDirectory);

        [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Built sandbox image {Tag}")]
        public static partial void BuiltImage(ILogger logger, string tag);

        [LoggerMessage(EventId = 302, Level = LogLevel.Debug, Message = "Container {ContainerId} ready for agent {AgentId} in {ElapsedMs} ms")]
        public static partial void ContainerReady(ILogger logger, string containerId, string agentId, long elapsedMs);

        [LoggerMessage(EventId = 303, Level = LogLevel.Debug, Message = "Container {ContainerId}: {Line}")]
        public static partial void RunnerStderr(ILogger logger, string containerId, string line);

        [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "Could not remove container {ContainerId}: {Reason}")]
        public static partial void RemoveFailed(ILogger logger, string containerId, string reason);

        [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "Removed orphaned sandbox container {ContainerId} of dead owner {Owner}")]
        public static partial void ReapedOrphan(ILogger logger, string containerId, string owner);

        [LoggerMessage(EventId = 306, Level = LogLevel.Warning, Message = "Orphan sweep failed: {Reason}")]
        public static partial void ReapFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 307, Level = LogLevel.Information, Message = "Sandbox image {Tag} is missing; rebuilding it")]
        public static partial void ImageMissing(ILogger logger, string tag);

        [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Warm pool refill failed: {Reason}")]
        public static partial void WarmPoolFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 309, Level = LogLevel.Warning, Message = "Following container events failed, so an auto-removed container's exit is diagnosed from its output only: {Reason}")]
        public static partial void EventsFailed(ILogger logger, string reason);
    }
}
