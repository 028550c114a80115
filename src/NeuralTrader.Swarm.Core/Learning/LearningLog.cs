using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>Log messages of the learning model. Never keys or decrypted data.</summary>
    internal static partial class LearningLog
    {
        [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "Suggestion for {Strategy}/{Symbol} by {Method} from {Observations} observations")]
        internal static partial void Suggested(ILogger logger, string strategy, string symbol, string method, int observations);
    }
}
