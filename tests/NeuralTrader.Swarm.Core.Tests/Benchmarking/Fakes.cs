using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Tests.Benchmarking
{
    /// <summary>Constructed results and a fake swarm that behaves like the coordinator (agents, queue, cancellation).</summary>
    internal static class Fakes
    {
        public static DeploymentResult Result(string strategy, DeploymentStatus status, double ms, string agent = "agent-1",
            string symbol = "SPY", int index = 0, string? errorId = null, double createMs = 0, DateTimeOffset? started = null)
        {
            var r = new DeploymentResult
            {
                Index = index,
                AgentId = agent,
                SandboxId = "sbx-" + agent,
                Strategy = strategy,
                StrategyType = strategy,
                Symbol = symbol,
                Status = status,
                Duration = TimeSpan.FromMilliseconds(ms),
                StartedAt = started ?? new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddMilliseconds(index),
                Operations = new[]
                {
                    new OperationTiming("create-sandbox", createMs, status != DeploymentStatus.Rejected),
                    new OperationTiming("load-data", 1, true),
                    new OperationTiming("run", Math.Max(0, ms - createMs - 1), status == DeploymentStatus.Succeeded),
                },
            };
            if (status != DeploymentStatus.Succeeded)
            {
                r.ErrorId = errorId ?? (status == DeploymentStatus.TimedOut ? SwarmErrorIds.SandboxTimeout
                    : status == DeploymentStatus.Rejected ? SwarmErrorIds.CircuitOpen
                    : status == DeploymentStatus.Cancelled ? SwarmErrorIds.DeploymentCancelled
                    : status == DeploymentStatus.OutOfMemory ? SwarmErrorIds.SandboxOutOfMemory : SwarmErrorIds.StrategyFailed);
                r.Error = "failed: " + r.ErrorId;
            }
            else
            {
                r.Backtest = Backtest(strategy, symbol);
            }
            return r;
        }

        /// <summary>A deterministic equity curve per strategy/symbol so charts have distinct lines.</summary>
        public static BacktestResult Backtest(string strategy, string symbol)
        {
            int seed = Math.Abs((strategy + symbol).Aggregate(17, (h, c) => h * 31 + c)) % 1000;
            double drift = (seed % 7 - 2) * 0.0009;
            double equity = 100000;
            var points = new List<EquityPoint>();
            var day = new DateTime(2023, 1, 3);
            for (int i = 0; i < 120; i++)
            {
                equity *= 1 + drift + 0.01 * Math.Sin((i + seed) * 0.37);
                points.Add(new EquityPoint { Date = day.AddDays(i * 7).ToString("yyyy-MM-dd"), Equity = equity });
            }
            return new BacktestResult
            {
                Strategy = strategy,
                Symbol = symbol,
                Signal = "Hold",
                Metrics = new BacktestMetrics { TotalReturn = equity / 100000 - 1, Sharpe = drift * 500, MaxDrawdown = 0.1, Trades = 6, Fills = 12, BuyAndHold = new BuyAndHoldMetrics { Return = 0.2 }, Bars = 600 },
                Equity = points,
            };
        }
    }

    /// <summary>
    /// Runs requests on maxAgents async workers like SwarmCoordinator: each worker is an agent whose first
    /// deployment pays a create-sandbox cost; on cancellation the remaining requests settle as Cancelled
    /// (or the executor throws, with <see cref="ThrowOnCancel"/>).
    /// </summary>
    internal sealed class FakeSwarm : ISwarmExecutor
    {
        private readonly Func<DeploymentRequest, int, DeploymentStatus> _status;

        public FakeSwarm(Func<DeploymentRequest, int, DeploymentStatus>? status = null, double latencyMs = 2, int delayMs = 0)
        {
            _status = status ?? ((r, i) => DeploymentStatus.Succeeded);
            LatencyMs = latencyMs;
            DelayMs = delayMs;
        }

        public double LatencyMs { get; }
        public int DelayMs { get; }
        public bool ThrowOnCancel { get; set; }
        public List<int> MaxAgentsSeen { get; } = new List<int>();
        public int Calls => MaxAgentsSeen.Count;

        public async Task<SwarmExecution> ExecuteAsync(IReadOnlyList<DeploymentRequest> requests, int maxAgents,
            Action<DeploymentResult>? onResult, CancellationToken cancellationToken)
        {
            lock (MaxAgentsSeen)
                MaxAgentsSeen.Add(maxAgents);
            var results = new DeploymentResult[requests.Count];
            var queue = new ConcurrentQueue<int>(Enumerable.Range(0, requests.Count));
            var cleanups = new ConcurrentBag<CleanupTiming>();
            var workers = Enumerable.Range(1, Math.Min(maxAgents, requests.Count)).Select(a => Task.Run(async () =>
            {
                string agent = "agent-" + a;
                bool first = true;
                while (queue.TryDequeue(out int i))
                {
                    var req = requests[i];
                    DeploymentResult r;
                    if (cancellationToken.IsCancellationRequested)
                    {
                        r = Fakes.Result(req.Strategy, DeploymentStatus.Cancelled, 0, agent, req.Symbol ?? "SPY", i);
                    }
                    else
                    {
                        if (DelayMs > 0)
                        {
                            try { await Task.Delay(DelayMs, cancellationToken).ConfigureAwait(false); }
                            catch (OperationCanceledException) { }
                        }
                        var status = cancellationToken.IsCancellationRequested ? DeploymentStatus.Cancelled : _status(req, i);
                        r = Fakes.Result(req.Strategy, status, LatencyMs + (first ? 40 : 0) + (i % 10), agent, req.Symbol ?? "SPY", i,
                            createMs: first ? 40 : 0.01, started: DateTimeOffset.UtcNow);
                    }
                    first = false;
                    results[i] = r;
                    onResult?.Invoke(r);
                }
                cleanups.Add(new CleanupTiming(agent, 5 + a));
            })).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
            if (ThrowOnCancel)
                cancellationToken.ThrowIfCancellationRequested();
            return new SwarmExecution(results, cleanups.ToList(), "fake");
        }
    }
}
