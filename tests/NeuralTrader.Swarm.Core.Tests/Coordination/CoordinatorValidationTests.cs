using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Tests.Strategies;

namespace NeuralTrader.Swarm.Tests.Coordination
{
    /// <summary>
    /// The new result fields end to end: real runner processes, the bundled daily data and an intraday file
    /// written by <see cref="IntradayFiles"/>'s rule, and a real SQLite store in a temp folder.
    /// </summary>
    public sealed class CoordinatorValidationTests : IDisposable
    {
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "nts-valid-" + Guid.NewGuid().ToString("N"));

        public CoordinatorValidationTests() => Directory.CreateDirectory(_dir);

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private SwarmOptions Options(bool learning, bool ownData = false) => new SwarmOptions
        {
            Isolation = IsolationMode.Process,
            StorePath = Path.Combine(_dir, "swarm.db"),
            LearningEnabled = learning,
            DataPath = ownData ? _dir : null,
            MaxAgents = 2,
        };

        [Fact]
        public async Task Intraday_and_daily_data_of_one_symbol_run_side_by_side()
        {
            IntradayFiles.Write(_dir, "SPY.5min.csv", 5, sessions: 5);
            using var coordinator = new SwarmCoordinator(Options(learning: false, ownData: true));
            var results = await coordinator.DeploySwarmAsync(new[]
            {
                new DeploymentRequest("momentum", "SPY", new Dictionary<string, object?> { ["interval"] = "5min", ["lookback"] = 12 }),
                new DeploymentRequest("momentum", "SPY"),
                new DeploymentRequest("momentum", "SPY", new Dictionary<string, object?> { ["interval"] = "1h" }),
            });

            Assert.True(results[0].Success, results[0].Error);
            Assert.Equal("5min", results[0].Backtest!.Metrics.Interval);
            Assert.Equal(5 * 78, results[0].Backtest!.Metrics.Bars);
            Assert.Equal(252 * 78, results[0].Backtest!.Metrics.BarsPerYear);
            Assert.True(results[1].Success, results[1].Error);
            Assert.Equal("1d", results[1].Backtest!.Metrics.Interval);
            Assert.Equal(2600, results[1].Backtest!.Metrics.Bars);

            Assert.False(results[2].Success);
            Assert.Equal(SwarmErrorIds.UnknownSymbol, results[2].ErrorId);
            Assert.Contains("No '1h' market data for symbol 'SPY'. Its intervals: 5min, 1d", results[2].Error);
        }

        [Fact]
        public async Task A_bad_validation_scheme_fails_before_a_sandbox_starts()
        {
            using var coordinator = new SwarmCoordinator(Options(learning: false));
            var result = await coordinator.DeploySwarmAsync(new[]
            {
                new DeploymentRequest("momentum", "SPY") { Options = new RunOptions { Validation = new ValidationOptions { Split = 0.3, WalkForward = 3 } } },
            });

            Assert.False(result[0].Success);
            Assert.Equal(SwarmErrorIds.InvalidParameter, result[0].ErrorId);
            Assert.Contains("either split or walkForward, not both", result[0].Error);
            Assert.Empty(result[0].SandboxId ?? "");
        }

        [Fact]
        public async Task Trajectories_carry_the_new_metrics_and_both_samples()
        {
            using var coordinator = new SwarmCoordinator(Options(learning: true));
            var result = (await coordinator.DeploySwarmAsync(new[]
            {
                new DeploymentRequest("momentum", "QQQ", new Dictionary<string, object?> { ["start"] = "2018-01-01" })
                {
                    Options = new RunOptions { IncludeTrades = false, Validation = new ValidationOptions { WalkForward = 3, Mode = "rolling" } },
                },
            }))[0];
            Assert.True(result.Success, result.Error);
            Assert.Equal(6, result.Backtest!.Segments!.Count);

            var stored = coordinator.Store.Query(new TrajectoryFilter { Strategy = "momentum", Symbol = "QQQ" }).Single().Trajectory!;
            var metrics = stored.Outcome.Metrics;
            var m = result.Backtest.Metrics;
            Assert.Equal(m.Sortino, metrics["sortino"]);
            Assert.Equal(m.Volatility, metrics["volatility"]);
            Assert.Equal(m.Trades, metrics["trades"]);
            Assert.Equal(m.Fills, metrics["fills"]);
            Assert.Equal(m.BuyAndHold.Sharpe, metrics["buyAndHoldSharpe"]);
            Assert.Equal(m.BuyAndHold.MaxDrawdown, metrics["buyAndHoldMaxDrawdown"]);
            Assert.Equal(6, metrics["validationSegments"]);

            // Each sample's figure is the mean over its folds.
            var outSharpe = result.Backtest.Segments.Where(s => s.Sample == SegmentSamples.Out).Average(s => s.Metrics.Sharpe);
            var inReturn = result.Backtest.Segments.Where(s => s.Sample == SegmentSamples.In).Average(s => s.Metrics.TotalReturn);
            Assert.Equal(outSharpe, metrics["outOfSample.sharpe"], 12);
            Assert.Equal(inReturn, metrics["inSample.totalReturn"], 12);
            Assert.True(metrics.ContainsKey("outOfSample.buyAndHoldSharpe"));
        }
    }
}
