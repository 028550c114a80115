using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Tests.Coordination
{
    /// <summary>The one fan-out rule behind Start-Swarm and deploy-swarm deploy.</summary>
    public sealed class DeploymentPlanTests
    {
        private static SwarmCoordinator NewCoordinator() => new SwarmCoordinator(new SwarmOptions { Isolation = IsolationMode.Process, LearningEnabled = false });

        [Fact]
        public void A_registered_strategy_fans_out_over_its_own_symbols()
        {
            using var coordinator = NewCoordinator();
            coordinator.RegisterStrategy("trio", "momentum", new[] { "spy", "QQQ", "IWM" });
            var plan = coordinator.PlanDeployments("trio");
            Assert.Equal(new[] { "SPY", "QQQ", "IWM" }, plan.Select(r => r.Symbol));
            Assert.All(plan, r => Assert.Equal("trio", r.Strategy));
        }

        [Fact]
        public void Explicit_symbols_override_and_agents_spread_round_robin()
        {
            using var coordinator = NewCoordinator();
            coordinator.RegisterStrategy("trio", "momentum", new[] { "SPY", "QQQ", "IWM" });
            Assert.Equal(new[] { "TSLA" }, coordinator.PlanDeployments("trio", new[] { "tsla" }).Select(r => r.Symbol));
            Assert.Equal(new[] { "SPY", "QQQ", "IWM", "SPY" }, coordinator.PlanDeployments("trio", agents: 4).Select(r => r.Symbol));
            Assert.Equal(new[] { "SPY", "SPY" }, coordinator.PlanDeployments("momentum", agents: 2).Select(r => r.Symbol));
        }

        [Fact]
        public void More_agents_than_symbols_try_distinct_parameters_instead_of_repeating_a_deterministic_run()
        {
            using var coordinator = NewCoordinator();
            var plan = coordinator.PlanDeployments("momentum", new[] { "SPY", "QQQ" }, agents: 6,
                parameters: new Dictionary<string, object?> { ["threshold"] = 0.02 });
            Assert.Equal(6, plan.Count);
            // The first round runs what was asked; the later rounds vary lookback, holding the given threshold.
            Assert.False(plan[0].Parameters!.ContainsKey("lookback"));
            Assert.All(plan, r => Assert.Equal(0.02, Convert.ToDouble(r.Parameters!["threshold"])));
            var runs = plan.Select(r => r.Symbol + ":" + (r.Parameters!.TryGetValue("lookback", out var l) ? l : "default")).ToList();
            Assert.Equal(runs.Count, runs.Distinct().Count());
            Assert.Equal(3, plan.Count(r => r.Symbol == "SPY"));
        }

        [Fact]
        public void With_nothing_left_to_vary_the_repeats_are_dropped()
        {
            using var coordinator = NewCoordinator();
            var all = new Dictionary<string, object?> { ["lookback"] = 20, ["threshold"] = 0.01 };
            Assert.Single(coordinator.PlanDeployments("momentum", new[] { "SPY" }, agents: 3, parameters: all));
            coordinator.RegisterStrategy("boxed", "custom", new[] { "SPY" }, image: "example/strategy:1");
            Assert.Single(coordinator.PlanDeployments("boxed", agents: 4));
        }

        [Fact]
        public void Each_request_gets_its_own_parameters_and_the_task()
        {
            var parameters = new Dictionary<string, object?> { ["lookback"] = 30 };
            var plan = DeploymentPlan.Expand("momentum", new[] { "SPY", "QQQ" }, null, null, parameters, "trend");
            Assert.Equal(2, plan.Count);
            Assert.NotSame(plan[0].Parameters, plan[1].Parameters);
            Assert.All(plan, r => Assert.Equal(30, r.Parameters!["LOOKBACK"]));
            Assert.All(plan, r => Assert.Equal("trend", r.Task));
        }

        [Fact]
        public void An_unknown_strategy_still_plans_one_deployment_that_settles_as_not_registered()
        {
            using var coordinator = NewCoordinator();
            var request = Assert.Single(coordinator.PlanDeployments("no-such"));
            Assert.Null(request.Symbol);
        }

        [Fact]
        public void Fewer_than_one_agent_is_rejected_naming_the_value()
        {
            var e = Assert.Throws<SwarmException>(() => DeploymentPlan.Expand("momentum", null, null, 0, null, null));
            Assert.Equal(SwarmErrorIds.InvalidParameter, e.ErrorId);
            Assert.Contains("got 0", e.Message);
        }
    }
}
