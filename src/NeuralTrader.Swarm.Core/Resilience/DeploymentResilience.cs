using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Coordination;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace NeuralTrader.Swarm.Core.Resilience
{
    /// <summary>
    /// Retries transient sandbox failures and keeps one circuit breaker per strategy, on Polly.Core.
    /// One instance serves a coordinator (breaker state lives as long as it does); thread-safe.
    /// </summary>
    /// <remarks>
    /// Per strategy the pipeline is breaker (outer) then retry (inner): the breaker counts deployments, not
    /// attempts, so a deployment that recovered on a retry is a success for the breaker, and an open circuit
    /// rejects a deployment before any attempt runs. Only results whose ErrorId is transient
    /// (<see cref="ResilienceOptions.DefaultTransientErrorIds"/>) are retried; cancelled deployments are never
    /// retried and never count against the breaker; every other failure, retried or not, counts.
    /// </remarks>
    internal sealed class DeploymentResilience
    {
        private readonly ResilienceOptions _options;
        private readonly HashSet<string> _transient;
        private readonly ILogger _logger;
        private readonly ConcurrentDictionary<string, Lazy<StrategyCircuit>> _circuits =
            new ConcurrentDictionary<string, Lazy<StrategyCircuit>>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Creates the policies; throws InvalidConfiguration for invalid options.</summary>
        public DeploymentResilience(ResilienceOptions? options = null, ILogger<DeploymentResilience>? logger = null)
        {
            _options = (options ?? new ResilienceOptions()).Clone();
            _options.Validate();
            _transient = new HashSet<string>((IEnumerable<string>?)_options.TransientErrorIds ?? ResilienceOptions.DefaultTransientErrorIds, StringComparer.Ordinal);
            if (_options.RetryOnTimeout)
                _transient.Add(SwarmErrorIds.SandboxTimeout);
            _logger = (ILogger?)logger ?? NullLogger.Instance;
        }

        /// <summary>The options in use (a copy).</summary>
        public ResilienceOptions Options => _options;

        /// <summary>True when neither retries nor the breaker are on; callers may skip the wrapper.</summary>
        public bool IsPassThrough => _options.RetryCount == 0 && _options.CircuitBreakerThreshold == 0;

        /// <summary>Whether a result's error is retried under these options.</summary>
        public bool IsTransient(DeploymentResult result) =>
            result != null && !result.Success && result.ErrorId != null && _transient.Contains(result.ErrorId);

        /// <summary>Current state of a strategy's circuit (Closed when the breaker is off or the strategy unseen).</summary>
        public CircuitState GetCircuitState(string strategy)
        {
            if (_options.CircuitBreakerThreshold == 0 || !_circuits.TryGetValue(strategy, out var lazy) || !lazy.IsValueCreated)
                return CircuitState.Closed;
            switch (lazy.Value.State.CircuitState)
            {
                case Polly.CircuitBreaker.CircuitState.Open:
                case Polly.CircuitBreaker.CircuitState.Isolated:
                    return CircuitState.Open;
                case Polly.CircuitBreaker.CircuitState.HalfOpen:
                    return CircuitState.HalfOpen;
                default:
                    return CircuitState.Closed;
            }
        }

        /// <summary>
        /// Runs a deployment of <paramref name="strategy"/>: calls <paramref name="attempt"/> (with the 1-based
        /// attempt number) until it succeeds, fails with a non-transient error, or retries run out. Returns the
        /// last attempt's result with <see cref="DeploymentResult.Attempts"/> set. When the strategy's circuit
        /// is open no attempt runs and the result is Status Rejected, ErrorId CircuitOpen, Attempts 0; it is
        /// built by <paramref name="rejected"/> when given (to fill index, symbol, agent), otherwise with the
        /// strategy name only. Cancellation during a retry delay returns the last failed result; an
        /// <see cref="OperationCanceledException"/> thrown by the attempt propagates.
        /// </summary>
        public async Task<DeploymentResult> ExecuteAsync(string strategy,
            Func<int, CancellationToken, Task<DeploymentResult>> attempt,
            Func<SwarmException, DeploymentResult>? rejected = null,
            CancellationToken cancellationToken = default)
        {
            if (strategy == null)
                throw new ArgumentNullException(nameof(strategy));
            if (attempt == null)
                throw new ArgumentNullException(nameof(attempt));

            if (IsPassThrough)
            {
                var only = await attempt(1, cancellationToken).ConfigureAwait(false);
                only.Attempts = 1;
                return only;
            }

            var circuit = _circuits.GetOrAdd(strategy, s => new Lazy<StrategyCircuit>(() => Build(s), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
            var state = new AttemptState(attempt);
            var context = ResilienceContextPool.Shared.Get(cancellationToken);
            try
            {
                var outcome = await circuit.Pipeline.ExecuteOutcomeAsync(
                    async (ctx, s) =>
                    {
                        int number = Interlocked.Increment(ref s.Count);
                        try
                        {
                            var result = await s.Attempt(number, ctx.CancellationToken).ConfigureAwait(false);
                            s.Last = result;
                            return Outcome.FromResult(result);
                        }
                        catch (Exception e)
                        {
                            return Outcome.FromException<DeploymentResult>(e);
                        }
                    },
                    context, state).ConfigureAwait(false);

                if (outcome.Exception is BrokenCircuitException broken)
                    return Reject(strategy, broken, rejected);
                if (outcome.Exception is OperationCanceledException && state.Last != null && cancellationToken.IsCancellationRequested)
                {
                    // Cancelled while waiting to retry: the last attempt's result is the honest outcome.
                    state.Last.Attempts = state.Count;
                    return state.Last;
                }
                outcome.ThrowIfException();
                var final = outcome.Result!;
                final.Attempts = state.Count;
                return final;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        private DeploymentResult Reject(string strategy, BrokenCircuitException broken, Func<SwarmException, DeploymentResult>? rejected)
        {
            var retryAfter = broken.RetryAfter;
            var message = $"Strategy '{strategy}' is not deployed: its circuit breaker is open after {_options.CircuitBreakerThreshold} failures"
                + (retryAfter.HasValue ? $"; it lets a probe through in {retryAfter.Value.TotalSeconds:0.#} s." : ".");
            var error = new SwarmException(SwarmErrorIds.CircuitOpen, SwarmErrorKind.Unavailable, message, strategy, broken);
            ResilienceLog.Rejected(_logger, strategy);
            var result = rejected?.Invoke(error) ?? new DeploymentResult { Strategy = strategy, StartedAt = DateTimeOffset.UtcNow };
            result.Status = DeploymentStatus.Rejected;
            result.ErrorId = SwarmErrorIds.CircuitOpen;
            result.ErrorKind = SwarmErrorKind.Unavailable;
            result.Error = message;
            result.Attempts = 0;
            return result;
        }

        private StrategyCircuit Build(string strategy)
        {
            var builder = new ResiliencePipelineBuilder<DeploymentResult> { Name = "deployment", InstanceName = strategy };
            if (_options.TimeProvider != null)
                builder.TimeProvider = _options.TimeProvider;

            var stateProvider = new CircuitBreakerStateProvider();
            if (_options.CircuitBreakerThreshold > 0)
            {
                builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<DeploymentResult>
                {
                    // Polly breaks on a failure ratio over a sampling window with a minimum throughput; ratio 1.0
                    // with MinimumThroughput N means "N or more deployments in the window and none succeeded".
                    FailureRatio = 1.0,
                    MinimumThroughput = _options.CircuitBreakerThreshold,
                    SamplingDuration = _options.CircuitBreakerWindow,
                    BreakDuration = _options.CircuitBreakerDuration,
                    StateProvider = stateProvider,
                    ShouldHandle = args => new ValueTask<bool>(CountsAsFailure(args.Outcome)),
                    OnOpened = args =>
                    {
                        var errorId = args.Outcome.Result?.ErrorId ?? (args.Outcome.Exception as SwarmException)?.ErrorId;
                        ResilienceLog.CircuitOpened(_logger, strategy, args.BreakDuration.TotalSeconds, errorId ?? "");
                        _options.OnCircuitChanged?.Invoke(new CircuitEvent(strategy, CircuitState.Open, args.BreakDuration, errorId));
                        return default;
                    },
                    OnHalfOpened = args =>
                    {
                        ResilienceLog.CircuitHalfOpened(_logger, strategy);
                        _options.OnCircuitChanged?.Invoke(new CircuitEvent(strategy, CircuitState.HalfOpen, null, null));
                        return default;
                    },
                    OnClosed = args =>
                    {
                        ResilienceLog.CircuitClosed(_logger, strategy);
                        _options.OnCircuitChanged?.Invoke(new CircuitEvent(strategy, CircuitState.Closed, null, null));
                        return default;
                    },
                });
            }

            if (_options.RetryCount > 0)
            {
                builder.AddRetry(new RetryStrategyOptions<DeploymentResult>
                {
                    MaxRetryAttempts = _options.RetryCount,
                    Delay = _options.RetryDelay,
                    MaxDelay = _options.MaxRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    ShouldHandle = args => new ValueTask<bool>(args.Outcome.Result != null && IsTransient(args.Outcome.Result)),
                    OnRetry = args =>
                    {
                        var last = args.Outcome.Result;
                        // AttemptNumber is 0-based and names the attempt that failed; the next one is +2 in 1-based terms.
                        int next = args.AttemptNumber + 2;
                        ResilienceLog.Retrying(_logger, strategy, next, _options.RetryCount + 1, args.RetryDelay.TotalMilliseconds, last?.ErrorId ?? "");
                        _options.OnRetry?.Invoke(new RetryEvent(strategy, next, args.RetryDelay, last?.ErrorId, last?.Error));
                        return default;
                    },
                });
            }

            return new StrategyCircuit(builder.Build(), stateProvider);
        }

        private static bool CountsAsFailure(Outcome<DeploymentResult> outcome)
        {
            if (outcome.Exception != null)
                return !(outcome.Exception is OperationCanceledException);
            var result = outcome.Result;
            return result != null && !result.Success && result.Status != DeploymentStatus.Cancelled;
        }

        private sealed class AttemptState
        {
            public AttemptState(Func<int, CancellationToken, Task<DeploymentResult>> attempt) => Attempt = attempt;
            public Func<int, CancellationToken, Task<DeploymentResult>> Attempt { get; }
            public int Count;
            public DeploymentResult? Last;
        }

        private sealed class StrategyCircuit
        {
            public StrategyCircuit(ResiliencePipeline<DeploymentResult> pipeline, CircuitBreakerStateProvider state)
            {
                Pipeline = pipeline;
                State = state;
            }

            public ResiliencePipeline<DeploymentResult> Pipeline { get; }
            public CircuitBreakerStateProvider State { get; }
        }
    }

    internal static partial class ResilienceLog
    {
        [LoggerMessage(EventId = 501, Level = LogLevel.Warning, Message = "Retrying {Strategy}: attempt {Attempt} of {MaxAttempts} in {DelayMs:0} ms after {ErrorId}")]
        public static partial void Retrying(ILogger logger, string strategy, int attempt, int maxAttempts, double delayMs, string errorId);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Circuit of {Strategy} opened for {BreakSeconds:0.#} s after {ErrorId}; its deployments are rejected")]
        public static partial void CircuitOpened(ILogger logger, string strategy, double breakSeconds, string errorId);

        [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Circuit of {Strategy} half-open: one probe deployment runs")]
        public static partial void CircuitHalfOpened(ILogger logger, string strategy);

        [LoggerMessage(EventId = 504, Level = LogLevel.Information, Message = "Circuit of {Strategy} closed")]
        public static partial void CircuitClosed(ILogger logger, string strategy);

        [LoggerMessage(EventId = 505, Level = LogLevel.Debug, Message = "Deployment of {Strategy} rejected: circuit open")]
        public static partial void Rejected(ILogger logger, string strategy);
    }
}
