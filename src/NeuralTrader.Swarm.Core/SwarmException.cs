using System;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>What kind of failure a <see cref="SwarmException"/> is; the cmdlets map it to an ErrorCategory.</summary>
    public enum SwarmErrorKind
    {
        /// <summary>A named thing does not exist.</summary>
        NotFound,
        /// <summary>A named thing exists already.</summary>
        AlreadyExists,
        /// <summary>An argument, parameter or file was invalid.</summary>
        InvalidArgument,
        /// <summary>A required service (the Docker engine, the runner) is not available.</summary>
        Unavailable,
        /// <summary>An operation ran past its time limit.</summary>
        Timeout,
        /// <summary>Stored or received data is corrupt or malformed.</summary>
        InvalidData,
        /// <summary>A key is wrong or missing.</summary>
        Security,
        /// <summary>A sandbox exceeded its memory or process limit.</summary>
        ResourceLimit,
        /// <summary>An operation was cancelled.</summary>
        Cancelled,
        /// <summary>Anything else that failed.</summary>
        Failed,
    }

    /// <summary>Stable error identifiers; they end up in FullyQualifiedErrorId.</summary>
    public static class SwarmErrorIds
    {
#pragma warning disable CS1591 // The names say what they are.
        public const string StrategyNotRegistered = "StrategyNotRegistered";
        public const string StrategyAlreadyRegistered = "StrategyAlreadyRegistered";
        public const string UnknownStrategyType = "UnknownStrategyType";
        public const string InvalidParameter = "InvalidParameter";
        public const string InvalidMarketData = "InvalidMarketData";
        public const string UnknownSymbol = "UnknownSymbol";
        public const string InvalidConfiguration = "InvalidConfiguration";
        public const string RunnerNotFound = "RunnerNotFound";
        public const string DockerUnavailable = "DockerUnavailable";
        public const string SandboxStartFailed = "SandboxStartFailed";
        public const string SandboxTimeout = "SandboxTimeout";
        public const string SandboxOutOfMemory = "SandboxOutOfMemory";
        public const string SandboxExited = "SandboxExited";
        public const string ProtocolViolation = "ProtocolViolation";
        public const string StrategyFailed = "StrategyFailed";
        public const string DeploymentCancelled = "DeploymentCancelled";
        public const string CircuitOpen = "CircuitOpen";
        public const string StoreCorrupt = "StoreCorrupt";
        public const string WrongKey = "WrongKey";
        public const string KeyRequired = "KeyRequired";
        // Front-end errors: bad arguments, missing or existing files, benchmark gates, host conditions.
        public const string InvalidArgument = "InvalidArgument";
        public const string TrajectoryNotFound = "TrajectoryNotFound";
        public const string StateFileExists = "StateFileExists";
        public const string StateFileNotFound = "StateFileNotFound";
        public const string KeyFileExists = "KeyFileExists";
        public const string KeyFileNotFound = "KeyFileNotFound";
        public const string StoreNotFound = "StoreNotFound";
        public const string InvalidStorePath = "InvalidStorePath";
        public const string StoreReadOnly = "StoreReadOnly";
        public const string BenchmarkThresholdFailed = "BenchmarkThresholdFailed";
        public const string BenchmarkReportNotWritten = "BenchmarkReportNotWritten";
        public const string CoordinatorDisposed = "CoordinatorDisposed";
        public const string NotSupported = "NotSupported";
        public const string UnexpectedError = "UnexpectedError";
#pragma warning restore CS1591
    }

    /// <summary>
    /// The one exception type Core throws on purpose. <see cref="ErrorId"/> is stable (tests and scripts
    /// match on it); <see cref="Kind"/> says how the caller should treat it.
    /// </summary>
    public class SwarmException : Exception
    {
        /// <summary>Creates an exception with a stable id, a kind and an optional target.</summary>
        public SwarmException(string errorId, SwarmErrorKind kind, string message, object? target = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Target = target;
        }

        /// <summary>Stable identifier, one of <see cref="SwarmErrorIds"/>.</summary>
        public string ErrorId { get; }

        /// <summary>What kind of failure this is.</summary>
        public SwarmErrorKind Kind { get; }

        /// <summary>The strategy, swarm or file the error is about.</summary>
        public object? Target { get; }
    }
}
