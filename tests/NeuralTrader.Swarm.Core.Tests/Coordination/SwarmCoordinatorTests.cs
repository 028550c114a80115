using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Coordination
{
    /// <summary>The coordinator with real runner child processes (process sandbox) and the bundled market data.</summary>
    public sealed class SwarmCoordinatorTests
    {
        private static SwarmOptions ProcessOptions(int maxAgents = 10) => new SwarmOptions
        {
            Isolation = IsolationMode.Process,
            MaxAgents = maxAgents,
            LearningEnabled = false,
        };

        [Fact]
        public async Task Deploys_a_builtin_strategy_on_bundled_data()
        {
            using var coordinator = new SwarmCoordinator(ProcessOptions());
            var result = await coordinator.DeployStrategyAsync("momentum", symbol: "SPY");

            Assert.True(result.Success, result.Error);
            Assert.Equal("SPY", result.Symbol);
            Assert.Equal("momentum", result.StrategyType);
            Assert.StartsWith("proc-", result.SandboxId);
            Assert.NotNull(result.Backtest);
            Assert.Equal(2600, result.Backtest!.Metrics.Bars);
            Assert.Contains(result.Backtest.Signal, new[] { "Buy", "Sell", "Hold" });
            Assert.Equal(new[] { "create-sandbox", "load-data", "run", "collect" }, result.Operations.Select(o => o.Name));
            // Warm by default: the agent keeps its sandbox, idle, for the next swarm; cleanup stops it.
            Assert.Equal("Idle", Assert.Single(coordinator.GetSandboxes()).State);
            Assert.Equal(1, await coordinator.CleanupAsync());
            Assert.Empty(coordinator.GetSandboxes());
        }

        [Fact]
        public async Task Swarm_of_25_with_5_agents_never_exceeds_5_sandboxes_and_settles_every_deployment()
        {
            using var provider = new CountingProvider(new ProcessSandboxProvider(RunnerLocator.Locate(), "test"));
            using var coordinator = new SwarmCoordinator(ProcessOptions(maxAgents: 5), provider);
            var symbols = new[] { "SPY", "QQQ", "IWM", "TSLA" };
            var strategies = new[] { "momentum", "mean-reversion" };
            var requests = Enumerable.Range(0, 25)
                .Select(i => new DeploymentRequest(strategies[i % 2], symbols[i % 4],
                    i == 7 ? new Dictionary<string, object?> { ["lookback"] = -5 } : null)
                { Options = new RunOptions { DelayMs = 20, IncludeTrades = false } })
                .ToList();
            var streamed = new ConcurrentBag<int>();

            var results = await coordinator.DeploySwarmAsync(requests, r => streamed.Add(r.Index));

            Assert.Equal(25, results.Count);
            Assert.Equal(Enumerable.Range(0, 25), results.Select(r => r.Index));
            Assert.Equal(25, streamed.Count);
            Assert.Equal(24, results.Count(r => r.Success));
            Assert.Equal(SwarmErrorIds.InvalidParameter, results[7].ErrorId);
            Assert.Contains("lookback", results[7].Error);
            Assert.InRange(provider.PeakLive, 1, 5);
            Assert.InRange(coordinator.GetMetrics().PeakActiveAgents, 1, 5);
            // The agents stay warm for the next swarm (the default idle time), and no sandbox is lost track of.
            Assert.InRange(provider.Live, 1, 5);
            Assert.Equal(provider.Live, coordinator.GetSandboxes().Count);
            await coordinator.CleanupAsync();
            Assert.Equal(0, provider.Live);
        }

        [Fact]
        public async Task A_large_sweep_returns_metrics_without_trades_or_equity_unless_asked_and_the_same_metrics()
        {
            // 101 deployments is past ResultDetails.CompactAbove: by default (Auto) the results leave out the trade list and
            // the equity curve, a request's own options still get them, and ResultDetail.Full gets them for all. Every
            // figure that stays is the same as in the full results, in the same order.
            int n = ResultDetails.CompactAbove + 1;
            var plan = Enumerable.Range(0, n)
                .Select(i => new DeploymentRequest("momentum", "SPY", new Dictionary<string, object?> { ["lookback"] = 5 + i })
                { Options = i == 3 ? new RunOptions { EquityPoints = 10 } : null })
                .ToList();

            async Task<IReadOnlyList<DeploymentResult>> SweepAsync(ResultDetail detail)
            {
                var options = ProcessOptions(maxAgents: 2);
                options.ResultDetail = detail;
                using var coordinator = new SwarmCoordinator(options);
                var results = await coordinator.DeploySwarmAsync(plan);
                await coordinator.CleanupAsync();
                return results;
            }

            var compact = await SweepAsync(ResultDetail.Auto);
            var full = await SweepAsync(ResultDetail.Full);

            Assert.Equal(Enumerable.Range(0, n), compact.Select(r => r.Index));
            Assert.All(compact, r => Assert.True(r.Success, r.Error));
            for (int i = 0; i < n; i++)
            {
                var c = compact[i].Backtest!;
                var f = full[i].Backtest!;
                Assert.NotEmpty(f.Trades);
                Assert.NotEmpty(f.Equity);
                if (i == 3)
                {
                    Assert.Equal(10, c.Equity.Count);
                    Assert.NotEmpty(c.Trades);
                }
                else
                {
                    Assert.Empty(c.Trades);
                    Assert.Empty(c.Equity);
                }
                Assert.Equal(compact[i].Parameters.OrderBy(p => p.Key), full[i].Parameters.OrderBy(p => p.Key));
                c.Metrics.ComputeMs = f.Metrics.ComputeMs = 0; // time, not a figure of the backtest
                Assert.Equal(System.Text.Json.JsonSerializer.Serialize(f.Metrics), System.Text.Json.JsonSerializer.Serialize(c.Metrics));
                Assert.Equal(f.Signal, c.Signal);
                Assert.Equal(f.Position, c.Position);
            }
            Assert.False(ResultDetails.IsCompact(ResultDetail.Auto, ResultDetails.CompactAbove));
            Assert.True(ResultDetails.IsCompact(ResultDetail.Metrics, 1));
        }

        [Fact]
        public async Task A_sweep_travels_in_batches_and_settles_each_deployment_as_one_at_a_time_would()
        {
            // 2 agents x 40 deployments: each agent takes 5 at a time (40 / (2 x 4)) and sends them as one batch.
            // The same plan one at a time (retries on: every attempt is judged alone, so nothing is batched) must
            // settle every deployment the same way, the invalid one included.
            var symbols = new[] { "SPY", "QQQ" };
            var strategies = new[] { "momentum", "mean-reversion" };
            var plan = Enumerable.Range(0, 40)
                .Select(i => new DeploymentRequest(strategies[i % 2], symbols[(i / 2) % 2],
                    new Dictionary<string, object?> { ["lookback"] = i == 13 ? -5 : 5 + i }))
                .ToList();

            async Task<(IReadOnlyList<DeploymentResult> Results, CountingProvider Provider, List<int> Streamed)> SweepAsync(SwarmOptions options)
            {
                var provider = new CountingProvider(new ProcessSandboxProvider(RunnerLocator.Locate(), "test"));
                using var coordinator = new SwarmCoordinator(options, provider);
                var streamed = new List<int>();
                var results = await coordinator.DeploySwarmAsync(plan, r => { lock (streamed) streamed.Add(r.Index); });
                await coordinator.CleanupAsync();
                return (results, provider, streamed);
            }

            var batched = await SweepAsync(ProcessOptions(maxAgents: 2));
            var single = ProcessOptions(maxAgents: 2);
            single.Resilience.RetryCount = 1;
            var alone = await SweepAsync(single);

            Assert.True(batched.Provider.Ops.GetValueOrDefault(RunnerOps.Batch) >= 2, "the sweep was sent in batches");
            Assert.InRange(batched.Provider.Ops.GetValueOrDefault(RunnerOps.Run), 0, 0);
            Assert.Equal(0, alone.Provider.Ops.GetValueOrDefault(RunnerOps.Batch));
            Assert.Equal(Enumerable.Range(0, 40), batched.Results.Select(r => r.Index));
            Assert.Equal(40, batched.Streamed.Count);
            Assert.Equal(SwarmErrorIds.InvalidParameter, batched.Results[13].ErrorId);
            for (int i = 0; i < 40; i++)
            {
                var b = batched.Results[i];
                var a = alone.Results[i];
                Assert.Equal(a.Status, b.Status);
                Assert.Equal(a.ErrorId, b.ErrorId);
                Assert.Equal(a.Strategy, b.Strategy);
                Assert.Equal(a.Symbol, b.Symbol);
                Assert.Equal(1, b.Attempts);
                if (!a.Success)
                    continue;
                Assert.Equal(a.Parameters.OrderBy(p => p.Key), b.Parameters.OrderBy(p => p.Key));
                Assert.Equal(a.Backtest!.Metrics.TotalReturn, b.Backtest!.Metrics.TotalReturn);
                Assert.Equal(a.Backtest.Metrics.Sharpe, b.Backtest.Metrics.Sharpe);
                Assert.Equal(a.Backtest.Signal, b.Backtest.Signal);
                Assert.Equal(a.Backtest.Trades.Select(t => (t.EntryDate, t.ExitDate, t.Pnl)), b.Backtest.Trades.Select(t => (t.EntryDate, t.ExitDate, t.Pnl)));
                Assert.Equal(a.Backtest.Equity.Select(e => (e.Date, e.Equity)), b.Backtest.Equity.Select(e => (e.Date, e.Equity)));
                Assert.Equal(a.Operations.Select(o => o.Name), b.Operations.Select(o => o.Name));
                Assert.StartsWith("proc-", b.SandboxId);
            }
        }

        [Fact]
        public async Task Cancelling_while_cleanup_kills_the_sandboxes_settles_every_deployment_without_throwing()
        {
            // Stop-Swarm cancels a swarm and cleans its sandboxes up at once: agents then write to runners that are
            // being killed. Several rounds, because which agent meets a dead pipe is a race.
            using var coordinator = new SwarmCoordinator(ProcessOptions(maxAgents: 4));
            for (int round = 0; round < 8; round++)
            {
                using var cts = new CancellationTokenSource();
                var requests = Enumerable.Range(0, 40).Select(i => new DeploymentRequest("momentum", "SPY",
                    new Dictionary<string, object?> { ["lookback"] = 5 + i })).ToList();
                Task cleanup = Task.CompletedTask;
                int settled = 0;
                var results = await coordinator.DeploySwarmAsync(requests, _ =>
                {
                    if (Interlocked.Increment(ref settled) == 2)
                    {
                        cts.Cancel();
                        cleanup = coordinator.CleanupAsync();
                    }
                }, cts.Token);
                await cleanup;

                Assert.Equal(40, results.Count);
                Assert.All(results, r => Assert.True(r.Success || r.Status == DeploymentStatus.Cancelled || r.ErrorId == SwarmErrorIds.SandboxExited,
                    $"{r.Status} {r.ErrorId}: {r.Error}"));
                Assert.Contains(results, r => r.Status == DeploymentStatus.Cancelled);
            }
            Assert.Empty(coordinator.GetSandboxes());
        }

        [Fact]
        public async Task Timeout_kills_the_child_process_and_reports_TimedOut()
        {
            var options = ProcessOptions();
            options.SandboxTimeout = TimeSpan.FromMilliseconds(500);
            using var provider = new CountingProvider(new ProcessSandboxProvider(RunnerLocator.Locate(), "test"));
            using var coordinator = new SwarmCoordinator(options, provider);

            var result = (await coordinator.DeploySwarmAsync(new[]
            {
                new DeploymentRequest("momentum", "SPY") { Options = new RunOptions { DelayMs = 30000 } },
            }))[0];

            Assert.Equal(DeploymentStatus.TimedOut, result.Status);
            Assert.Equal(SwarmErrorIds.SandboxTimeout, result.ErrorId);
            Assert.All(provider.Pids, pid => Assert.False(IsRunning(pid), $"runner {pid} is still running"));
        }

        [Fact]
        public async Task Cancellation_stops_running_agents_and_leaves_no_child_process()
        {
            using var provider = new CountingProvider(new ProcessSandboxProvider(RunnerLocator.Locate(), "test"));
            using var coordinator = new SwarmCoordinator(ProcessOptions(maxAgents: 3), provider);
            using var cancel = new CancellationTokenSource();
            var requests = Enumerable.Range(0, 9)
                .Select(_ => new DeploymentRequest("momentum", "SPY") { Options = new RunOptions { DelayMs = 30000 } });

            var swarm = coordinator.DeploySwarmAsync(requests, null, cancel.Token);
            // Wait until three runners are started and busy with their first (30 s) execution.
            while (provider.Pids.Count < 3 || coordinator.GetSandboxes().Count(s => s.State == "Busy") < 3)
                await Task.Delay(20);
            cancel.Cancel();
            var results = await swarm;

            Assert.Equal(9, results.Count);
            Assert.All(results, r => Assert.Equal(DeploymentStatus.Cancelled, r.Status));
            Assert.Equal(3, provider.Pids.Count);
            Assert.All(provider.Pids, pid => Assert.False(IsRunning(pid), $"runner {pid} is still running"));
        }

        [Fact]
        public async Task Unknown_strategy_and_symbol_fail_with_clear_errors()
        {
            using var coordinator = new SwarmCoordinator(ProcessOptions());
            var results = await coordinator.DeploySwarmAsync(new[]
            {
                new DeploymentRequest("no-such-strategy", "SPY"),
                new DeploymentRequest("momentum", "XYZ"),
            });

            Assert.Equal(SwarmErrorIds.StrategyNotRegistered, results[0].ErrorId);
            Assert.Contains("momentum", results[0].Error);
            Assert.Equal(SwarmErrorIds.UnknownSymbol, results[1].ErrorId);
            Assert.Contains("SPY", results[1].Error);
        }

        [Fact]
        public void Registration_validates_type_parameters_and_duplicates()
        {
            using var coordinator = new SwarmCoordinator(ProcessOptions());
            var registered = coordinator.RegisterStrategy("fast-momentum", "momentum", new[] { "spy", "QQQ" },
                new Dictionary<string, object?> { ["lookback"] = 5 });

            Assert.Equal(new[] { "SPY", "QQQ" }, registered.Symbols);
            var duplicate = Assert.Throws<SwarmException>(() => coordinator.RegisterStrategy("FAST-MOMENTUM", "momentum"));
            Assert.Equal(SwarmErrorIds.StrategyAlreadyRegistered, duplicate.ErrorId);
            var badType = Assert.Throws<SwarmException>(() => coordinator.RegisterStrategy("x", "arbitrage"));
            Assert.Equal(SwarmErrorIds.UnknownStrategyType, badType.ErrorId);
            var badParameter = Assert.Throws<SwarmException>(() => coordinator.RegisterStrategy("y", "momentum", null,
                new Dictionary<string, object?> { ["threshold"] = "abc" }));
            Assert.Equal(SwarmErrorIds.InvalidParameter, badParameter.ErrorId);
            Assert.Contains("threshold", badParameter.Message);
            var badSymbol = Assert.Throws<SwarmException>(() => coordinator.RegisterStrategy("z", "momentum", new[] { "XYZ" }));
            Assert.Equal(SwarmErrorIds.UnknownSymbol, badSymbol.ErrorId);
            Assert.Contains("Available", badSymbol.Message);
            Assert.True(coordinator.UnregisterStrategy("fast-momentum"));
            Assert.Empty(coordinator.GetStrategies());
        }

        private static bool IsRunning(int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }

        /// <summary>Wraps the real provider to count live sandboxes and remember their process ids.</summary>
        private sealed class CountingProvider : ISandboxProvider
        {
            private readonly ISandboxProvider _inner;
            private int _live;
            private int _peak;

            public CountingProvider(ISandboxProvider inner) => _inner = inner;

            public ConcurrentBag<int> Pids { get; } = new ConcurrentBag<int>();
            /// <summary>Requests sent, by op.</summary>
            public ConcurrentDictionary<string, int> Ops { get; } = new ConcurrentDictionary<string, int>();
            public int Live => Volatile.Read(ref _live);
            public int PeakLive => Volatile.Read(ref _peak);
            public string Kind => _inner.Kind;

            public async Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
            {
                int live = Interlocked.Increment(ref _live);
                int peak;
                while (live > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, live, peak) != peak)
                {
                }
                try
                {
                    var sandbox = await _inner.CreateAsync(spec, cancellationToken);
                    Pids.Add(int.Parse(sandbox.Id.Substring("proc-".Length)));
                    return new Counted(sandbox, () => Interlocked.Decrement(ref _live), Ops);
                }
                catch
                {
                    Interlocked.Decrement(ref _live);
                    throw;
                }
            }

            public IReadOnlyList<SandboxInfo> ListSandboxes() => _inner.ListSandboxes();
            public Task<int> CleanupAsync() => _inner.CleanupAsync();
            public void Dispose() => _inner.Dispose();

            private sealed class Counted : ISandbox
            {
                private readonly ISandbox _inner;
                private readonly ConcurrentDictionary<string, int> _ops;
                private Action? _onStop;

                public Counted(ISandbox inner, Action onStop, ConcurrentDictionary<string, int> ops)
                {
                    _inner = inner;
                    _onStop = onStop;
                    _ops = ops;
                }

                public string Id => _inner.Id;
                public SandboxInfo Info => _inner.Info;
                public bool IsAlive => _inner.IsAlive;
                public Task<RunnerResponse> SendAsync(RunnerRequest request, TimeSpan timeout, CancellationToken cancellationToken)
                {
                    _ops.AddOrUpdate(request.Op ?? "", 1, (_, n) => n + 1);
                    return _inner.SendAsync(request, timeout, cancellationToken);
                }

                public async Task StopAsync()
                {
                    await _inner.StopAsync();
                    Interlocked.Exchange(ref _onStop, null)?.Invoke();
                }

                public void Dispose() => StopAsync().GetAwaiter().GetResult();
            }
        }
    }
}
