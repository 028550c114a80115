using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>Log messages of the store. Never keys or decrypted data.</summary>
    internal static partial class StoreLog
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Opened trajectory store {Path} (schema {Version}, encrypted {Encrypted}, key id {KeyId})")]
        internal static partial void Opened(ILogger logger, string path, long version, bool encrypted, string? keyId);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Migrated trajectory store {Path} from schema {From} to {To}")]
        internal static partial void Migrated(ILogger logger, string path, long from, long to);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Store busy, retry {Attempt} after {DelayMs} ms")]
        internal static partial void BusyRetry(ILogger logger, int attempt, int delayMs);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Debug, Message = "Appended {Count} trajectories ({Skipped} duplicates skipped)")]
        internal static partial void Appended(ILogger logger, int count, int skipped);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Store verification failed at record {RecordId}: {Problem}")]
        internal static partial void VerifyFailed(ILogger logger, string? recordId, string? problem);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Reset learning data: {Count} trajectories deleted")]
        internal static partial void ResetDone(ILogger logger, long count);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Imported {Imported} trajectories, skipped {Skipped} already present, {Strategies} strategies")]
        internal static partial void Imported(ILogger logger, int imported, int skipped, int strategies);

    }
}
