using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Resilience;

namespace NeuralTrader.Swarm.Core.Tests.Resilience
{
    /// <summary>A clock the test moves by hand; timers (retry delays) fire when it passes their due time.</summary>
    internal sealed class ManualTimeProvider : TimeProvider
    {
        private readonly object _gate = new object();
        private readonly List<ManualTimer> _timers = new List<ManualTimer>();
        private DateTimeOffset _now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow()
        {
            lock (_gate)
                return _now;
        }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => GetUtcNow().UtcTicks;

        public void Advance(TimeSpan by)
        {
            List<ManualTimer> due;
            lock (_gate)
            {
                _now += by;
                due = _timers.Where(t => t.Due <= _now).ToList();
                foreach (var t in due)
                    _timers.Remove(t);
            }
            foreach (var t in due)
                t.Fire();
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(this, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }

        private sealed class ManualTimer : ITimer
        {
            private readonly ManualTimeProvider _owner;
            private readonly TimerCallback _callback;
            private readonly object? _state;

            public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
            {
                _owner = owner;
                _callback = callback;
                _state = state;
            }

            public DateTimeOffset Due { get; private set; }

            public void Fire() => _callback(_state);

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                lock (_owner._gate)
                {
                    _owner._timers.Remove(this);
                    if (dueTime == Timeout.InfiniteTimeSpan)
                        return true;
                    Due = _owner._now + dueTime;
                    _owner._timers.Add(this);
                }
                if (dueTime == TimeSpan.Zero)
                    _owner.Advance(TimeSpan.Zero);
                return true;
            }

            public void Dispose()
            {
                lock (_owner._gate)
                    _owner._timers.Remove(this);
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return default;
            }
        }
    }

    public class DeploymentResilienceTests
    {
        private static DeploymentResult Ok(string strategy = "momentum") =>
            new DeploymentResult { Strategy = strategy, Status = DeploymentStatus.Succeeded };

        private static DeploymentResult Fail(string errorId, string strategy = "momentum") =>
            new DeploymentResult
            {
                Strategy = strategy,
                Status = errorId == SwarmErrorIds.SandboxTimeout ? DeploymentStatus.TimedOut : DeploymentStatus.Failed,
                ErrorId = errorId,
                Error = "injected " + errorId,
            };

        [Theory]
        [InlineData(SwarmErrorIds.DockerUnavailable)]
        [InlineData(SwarmErrorIds.SandboxStartFailed)]
        [InlineData(SwarmErrorIds.SandboxExited)]
        public async Task Retries_recover_from_an_injected_transient_sandbox_fault(string errorId)
        {
            var retries = new ConcurrentQueue<RetryEvent>();
            var resilience = new DeploymentResilience(new ResilienceOptions
            {
                RetryCount = 3,
                RetryDelay = TimeSpan.FromMilliseconds(1),
                OnRetry = retries.Enqueue,
            });
            var attempts = new List<int>();
            var result = await resilience.ExecuteAsync("momentum", (attempt, ct) =>
            {
                attempts.Add(attempt);
                return Task.FromResult(attempt < 3 ? Fail(errorId) : Ok());
            });

            Assert.True(result.Success);
            Assert.Equal(3, result.Attempts);
            Assert.Equal(new[] { 1, 2, 3 }, attempts);
            Assert.Equal(new[] { 2, 3 }, retries.Select(r => r.NextAttempt));
            Assert.All(retries, r => Assert.Equal(errorId, r.ErrorId));
        }

        [Theory]
        [InlineData(SwarmErrorIds.InvalidParameter)]
        [InlineData(SwarmErrorIds.StrategyFailed)]
        [InlineData(SwarmErrorIds.UnknownSymbol)]
        [InlineData(SwarmErrorIds.SandboxOutOfMemory)]
        [InlineData(SwarmErrorIds.ProtocolViolation)]
        [InlineData(SwarmErrorIds.SandboxTimeout)]
        public async Task Strategy_errors_and_timeouts_are_not_retried(string errorId)
        {
            var resilience = new DeploymentResilience(new ResilienceOptions { RetryCount = 3, RetryDelay = TimeSpan.Zero });
            int calls = 0;
            var result = await resilience.ExecuteAsync("momentum", (attempt, ct) =>
            {
                calls++;
                return Task.FromResult(Fail(errorId));
            });
            Assert.Equal(1, calls);
            Assert.Equal(1, result.Attempts);
            Assert.Equal(errorId, result.ErrorId);
        }

        [Fact]
        public void A_retry_delay_above_the_cap_raises_the_cap_for_both_front_ends()
        {
            var options = new ResilienceOptions { RetryDelay = TimeSpan.FromSeconds(45) };
            Assert.Equal(TimeSpan.FromSeconds(45), options.MaxRetryDelay);
            options.Validate();
            var small = new ResilienceOptions { RetryDelay = TimeSpan.FromSeconds(1) };
            Assert.Equal(TimeSpan.FromSeconds(30), small.MaxRetryDelay);
        }

        [Fact]
        public async Task Timeouts_are_retried_when_configured()
        {
            var resilience = new DeploymentResilience(new ResilienceOptions { RetryCount = 1, RetryDelay = TimeSpan.Zero, RetryOnTimeout = true });
            var result = await resilience.ExecuteAsync("momentum", (attempt, ct) =>
                Task.FromResult(attempt == 1 ? Fail(SwarmErrorIds.SandboxTimeout) : Ok()));
            Assert.True(result.Success);
            Assert.Equal(2, result.Attempts);
        }

        [Fact]
        public async Task Retries_run_out_and_return_the_last_failure()
        {
            var resilience = new DeploymentResilience(new ResilienceOptions { RetryCount = 2, RetryDelay = TimeSpan.Zero });
            var result = await resilience.ExecuteAsync("momentum", (attempt, ct) => Task.FromResult(Fail(SwarmErrorIds.SandboxStartFailed)));
            Assert.False(result.Success);
            Assert.Equal(3, result.Attempts);
            Assert.Equal(SwarmErrorIds.SandboxStartFailed, result.ErrorId);
        }

        [Fact]
        public async Task Backoff_is_exponential_with_jitter()
        {
            var runs = new List<TimeSpan[]>();
            for (int run = 0; run < 12; run++)
            {
                var delays = new ConcurrentQueue<TimeSpan>();
                var clock = new ManualTimeProvider();
                var resilience = new DeploymentResilience(new ResilienceOptions
                {
                    RetryCount = 4,
                    RetryDelay = TimeSpan.FromSeconds(1),
                    MaxRetryDelay = TimeSpan.FromMinutes(5),
                    TimeProvider = clock,
                    OnRetry = e => delays.Enqueue(e.Delay),
                });
                var task = resilience.ExecuteAsync("momentum", (attempt, ct) => Task.FromResult(Fail(SwarmErrorIds.DockerUnavailable)));
                for (int i = 0; i < 400 && !task.IsCompleted; i++)
                {
                    await Task.Delay(2);
                    clock.Advance(TimeSpan.FromMinutes(1));
                }
                var result = await task.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(5, result.Attempts);
                runs.Add(delays.ToArray());
            }
            Assert.All(runs, d => Assert.Equal(4, d.Length));
            Assert.All(runs.SelectMany(d => d), x => Assert.InRange(x, TimeSpan.FromTicks(1), TimeSpan.FromMinutes(5)));
            // Jitter: the delays are not all the same from run to run.
            Assert.True(runs.Select(d => d[0]).Distinct().Count() > 1);
            // Exponential: on average (jitter is per run) the 4th wait is several times the 1st (nominal 8 s vs 1 s).
            double first = runs.Average(d => d[0].TotalSeconds), fourth = runs.Average(d => d[3].TotalSeconds);
            Assert.True(fourth > 3 * first, $"mean first {first:0.00} s, mean fourth {fourth:0.00} s");
        }

        [Fact]
        public async Task Cancellation_during_a_retry_delay_returns_the_last_failure()
        {
            using var cts = new CancellationTokenSource();
            var resilience = new DeploymentResilience(new ResilienceOptions { RetryCount = 3, RetryDelay = TimeSpan.FromSeconds(30) });
            var run = resilience.ExecuteAsync("momentum", (attempt, ct) => Task.FromResult(Fail(SwarmErrorIds.SandboxStartFailed)), null, cts.Token);
            await Task.Delay(50);
            cts.Cancel();
            var result = await run.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(SwarmErrorIds.SandboxStartFailed, result.ErrorId);
            Assert.Equal(1, result.Attempts);
        }

        [Fact]
        public async Task Circuit_opens_on_an_always_failing_strategy_rejects_then_closes_after_the_break()
        {
            var clock = new ManualTimeProvider();
            var events = new ConcurrentQueue<CircuitEvent>();
            var resilience = new DeploymentResilience(new ResilienceOptions
            {
                CircuitBreakerThreshold = 3,
                CircuitBreakerWindow = TimeSpan.FromSeconds(60),
                CircuitBreakerDuration = TimeSpan.FromSeconds(30),
                TimeProvider = clock,
                OnCircuitChanged = events.Enqueue,
            });
            int calls = 0;
            bool healthy = false;
            Task<DeploymentResult> Deploy(string strategy = "broken") => resilience.ExecuteAsync(strategy, (a, ct) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(healthy ? Ok(strategy) : Fail(SwarmErrorIds.StrategyFailed, strategy));
            }, e => new DeploymentResult { Strategy = strategy, Symbol = "SPY", Index = 42 });

            for (int i = 0; i < 3; i++)
                Assert.Equal(DeploymentStatus.Failed, (await Deploy()).Status);
            Assert.Equal(CircuitState.Open, resilience.GetCircuitState("broken"));
            var opened = Assert.Single(events);
            Assert.Equal((CircuitState.Open, "broken", SwarmErrorIds.StrategyFailed), (opened.State, opened.Strategy, opened.LastErrorId));

            // Open: rejected without running, reported as Rejected/CircuitOpen with the caller's details.
            var rejected = await Deploy();
            Assert.Equal(3, calls);
            Assert.Equal(DeploymentStatus.Rejected, rejected.Status);
            Assert.Equal(SwarmErrorIds.CircuitOpen, rejected.ErrorId);
            Assert.Equal(0, rejected.Attempts);
            Assert.Equal(42, rejected.Index);
            Assert.Contains("circuit breaker is open", rejected.Error);

            // Other strategies have their own circuit.
            healthy = true;
            Assert.True((await Deploy("momentum")).Success);
            Assert.Equal(CircuitState.Closed, resilience.GetCircuitState("momentum"));

            // After the break one probe runs; its success closes the circuit.
            clock.Advance(TimeSpan.FromSeconds(31));
            var probe = await Deploy();
            Assert.True(probe.Success);
            Assert.Equal(CircuitState.Closed, resilience.GetCircuitState("broken"));
            Assert.Equal(new[] { CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed }, events.Select(e => e.State));
        }

        [Fact]
        public async Task Rejection_without_a_factory_names_the_strategy_and_when_the_probe_runs()
        {
            var clock = new ManualTimeProvider();
            var resilience = new DeploymentResilience(new ResilienceOptions { CircuitBreakerThreshold = 2, CircuitBreakerDuration = TimeSpan.FromSeconds(20), TimeProvider = clock });
            for (int i = 0; i < 2; i++)
                await resilience.ExecuteAsync("x", (a, ct) => Task.FromResult(Fail(SwarmErrorIds.StrategyFailed, "x")));
            var rejected = await resilience.ExecuteAsync("x", (a, ct) => throw new InvalidOperationException("must not run"));
            Assert.Equal(("x", DeploymentStatus.Rejected, SwarmErrorIds.CircuitOpen, SwarmErrorKind.Unavailable, 0),
                (rejected.Strategy, rejected.Status, rejected.ErrorId, rejected.ErrorKind!.Value, rejected.Attempts));
            Assert.Contains("Strategy 'x'", rejected.Error);
            Assert.Contains("20 s", rejected.Error);
        }

        [Fact]
        public async Task A_failed_probe_opens_the_circuit_again()
        {
            var clock = new ManualTimeProvider();
            var resilience = new DeploymentResilience(new ResilienceOptions
            {
                CircuitBreakerThreshold = 2,
                CircuitBreakerDuration = TimeSpan.FromSeconds(5),
                TimeProvider = clock,
            });
            Func<int, CancellationToken, Task<DeploymentResult>> failing = (a, ct) => Task.FromResult(Fail(SwarmErrorIds.InvalidParameter));
            await resilience.ExecuteAsync("x", failing);
            await resilience.ExecuteAsync("x", failing);
            Assert.Equal(CircuitState.Open, resilience.GetCircuitState("x"));
            clock.Advance(TimeSpan.FromSeconds(6));
            Assert.Equal(DeploymentStatus.Failed, (await resilience.ExecuteAsync("x", failing)).Status);
            Assert.Equal(CircuitState.Open, resilience.GetCircuitState("x"));
            Assert.Equal(DeploymentStatus.Rejected, (await resilience.ExecuteAsync("x", failing)).Status);
        }

        [Fact]
        public async Task A_success_inside_the_window_keeps_the_circuit_closed_and_cancelled_results_do_not_count()
        {
            var clock = new ManualTimeProvider();
            var resilience = new DeploymentResilience(new ResilienceOptions { CircuitBreakerThreshold = 3, TimeProvider = clock });
            await resilience.ExecuteAsync("m", (a, ct) => Task.FromResult(Ok("m")));
            for (int i = 0; i < 3; i++)
                await resilience.ExecuteAsync("m", (a, ct) => Task.FromResult(Fail(SwarmErrorIds.StrategyFailed, "m")));
            Assert.Equal(CircuitState.Closed, resilience.GetCircuitState("m"));

            var other = new DeploymentResilience(new ResilienceOptions { CircuitBreakerThreshold = 2, TimeProvider = clock });
            for (int i = 0; i < 5; i++)
                await other.ExecuteAsync("c", (a, ct) => Task.FromResult(new DeploymentResult { Strategy = "c", Status = DeploymentStatus.Cancelled, ErrorId = SwarmErrorIds.DeploymentCancelled }));
            Assert.Equal(CircuitState.Closed, other.GetCircuitState("c"));
        }

        [Fact]
        public async Task Breaker_counts_deployments_after_retries_not_attempts()
        {
            var resilience = new DeploymentResilience(new ResilienceOptions
            {
                RetryCount = 2,
                RetryDelay = TimeSpan.Zero,
                CircuitBreakerThreshold = 2,
                TimeProvider = new ManualTimeProvider(),
            });
            // Each deployment fails twice transiently then succeeds: 3 attempts, one success for the breaker.
            for (int i = 0; i < 3; i++)
            {
                var r = await resilience.ExecuteAsync("m", (a, ct) => Task.FromResult(a < 3 ? Fail(SwarmErrorIds.SandboxExited, "m") : Ok("m")));
                Assert.True(r.Success);
                Assert.Equal(3, r.Attempts);
            }
            Assert.Equal(CircuitState.Closed, resilience.GetCircuitState("m"));
        }

        [Fact]
        public async Task Pass_through_without_options_and_exceptions_propagate()
        {
            var resilience = new DeploymentResilience();
            Assert.True(resilience.IsPassThrough);
            var r = await resilience.ExecuteAsync("m", (a, ct) => Task.FromResult(Fail(SwarmErrorIds.SandboxStartFailed)));
            Assert.Equal(1, r.Attempts);

            var withRetry = new DeploymentResilience(new ResilienceOptions { RetryCount = 1 });
            await Assert.ThrowsAsync<OperationCanceledException>(() =>
                withRetry.ExecuteAsync("m", (a, ct) => throw new OperationCanceledException()));
        }

        [Theory]
        [InlineData(-1, 0)]
        [InlineData(11, 0)]
        [InlineData(0, 1)]
        [InlineData(0, -2)]
        public void Invalid_options_are_refused_with_InvalidConfiguration(int retries, int threshold)
        {
            var e = Assert.Throws<SwarmException>(() => new DeploymentResilience(new ResilienceOptions { RetryCount = retries, CircuitBreakerThreshold = threshold }));
            Assert.Equal(SwarmErrorIds.InvalidConfiguration, e.ErrorId);
        }

        [Fact]
        public void Transient_set_is_the_documented_one_and_configurable()
        {
            Assert.Equal(new[] { SwarmErrorIds.DockerUnavailable, SwarmErrorIds.SandboxStartFailed, SwarmErrorIds.SandboxExited },
                ResilienceOptions.DefaultTransientErrorIds);
            var custom = new DeploymentResilience(new ResilienceOptions { RetryCount = 1, TransientErrorIds = new List<string> { SwarmErrorIds.ProtocolViolation } });
            Assert.True(custom.IsTransient(Fail(SwarmErrorIds.ProtocolViolation)));
            Assert.False(custom.IsTransient(Fail(SwarmErrorIds.SandboxExited)));
        }
    }
}
