using System;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// The one place that turns Core failures into ErrorRecords. FullyQualifiedErrorId starts with Core's stable
    /// ErrorId (PowerShell appends the cmdlet type), the category follows the error's kind.
    /// </summary>
    internal static class SwarmErrorMapper
    {
        /// <summary>Id used for exceptions that are not <see cref="SwarmException"/>s (bugs, not contract).</summary>
        public const string UnexpectedErrorId = SwarmErrorIds.UnexpectedError;

        public static ErrorCategory Category(SwarmErrorKind kind)
        {
            switch (kind)
            {
                case SwarmErrorKind.NotFound: return ErrorCategory.ObjectNotFound;
                case SwarmErrorKind.AlreadyExists: return ErrorCategory.ResourceExists;
                case SwarmErrorKind.Unavailable: return ErrorCategory.ResourceUnavailable;
                case SwarmErrorKind.Timeout: return ErrorCategory.OperationTimeout;
                case SwarmErrorKind.InvalidData: return ErrorCategory.InvalidData;
                case SwarmErrorKind.Security: return ErrorCategory.SecurityError;
                case SwarmErrorKind.InvalidArgument: return ErrorCategory.InvalidArgument;
                case SwarmErrorKind.ResourceLimit: return ErrorCategory.LimitsExceeded;
                case SwarmErrorKind.Cancelled: return ErrorCategory.OperationStopped;
                default: return ErrorCategory.NotSpecified;
            }
        }

        /// <summary>An ErrorRecord for any exception; <paramref name="target"/> wins over the exception's own target.</summary>
        public static ErrorRecord FromException(Exception exception, object? target = null)
        {
            if (exception is AggregateException aggregate && aggregate.InnerExceptions.Count == 1)
                exception = aggregate.InnerExceptions[0];
            switch (exception)
            {
                case SwarmException swarm:
                    // Core's advice is neutral ({retry-count=3}); users of the module read it as -RetryCount 3.
                    var rendered = Advice.ForPowerShell(swarm.Message);
                    if (rendered != swarm.Message)
                        swarm = new SwarmException(swarm.ErrorId, swarm.Kind, rendered, swarm.Target, swarm);
                    return new ErrorRecord(swarm, swarm.ErrorId, Category(swarm.Kind), target ?? swarm.Target);
                // Core lets these through from RegisterStrategy (an unknown symbol, a bad CSV): give them Core's ids.
                case MarketDataException data:
                    return new ErrorRecord(data, SwarmErrorIds.UnknownSymbol, ErrorCategory.InvalidData, target);
                case StrategyException strategy:
                    return new ErrorRecord(strategy, SwarmErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, target);
                case OperationCanceledException _:
                    return new ErrorRecord(exception, SwarmErrorIds.DeploymentCancelled, ErrorCategory.OperationStopped, target);
                case ArgumentException _:
                    return new ErrorRecord(exception, SwarmErrorIds.InvalidArgument, ErrorCategory.InvalidArgument, target);
                case ObjectDisposedException _:
                    return new ErrorRecord(exception, SwarmErrorIds.CoordinatorDisposed, ErrorCategory.InvalidOperation, target);
                case NotImplementedException _:
                case NotSupportedException _:
                    return new ErrorRecord(exception, SwarmErrorIds.NotSupported, ErrorCategory.NotImplemented, target);
                default:
                    return new ErrorRecord(exception, UnexpectedErrorId, ErrorCategory.NotSpecified, target);
            }
        }

        /// <summary>The ErrorRecord for a deployment that settled without success; the target is the result.</summary>
        public static ErrorRecord FromResult(SwarmResult result)
        {
            var kind = result.Kind ?? SwarmErrorKind.Failed;
            var id = string.IsNullOrEmpty(result.ErrorId) ? SwarmErrorIds.StrategyFailed : result.ErrorId!;
            var message = $"Deployment of '{result.Strategy}' on {(string.IsNullOrEmpty(result.Symbol) ? "(no symbol)" : result.Symbol)} {result.Status}: {result.Error}";
            var exception = new SwarmException(id, kind, message, result);
            var record = new ErrorRecord(exception, id, Category(kind), result);
            record.ErrorDetails = new ErrorDetails(message);
            return record;
        }
    }
}
