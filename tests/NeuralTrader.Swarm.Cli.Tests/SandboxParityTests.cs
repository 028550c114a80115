using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>
    /// Where an agent runs must not change what it computes: the CLI as built from this repo, deploying the same
    /// strategies on real prices in a Docker sandbox (the image it builds or picks itself) and in a process sandbox,
    /// gives the same backtest to the last digit. A stale image of another build once gave other numbers here.
    /// </summary>
    public sealed class SandboxParityTests : IClassFixture<TempFolder>
    {
        private readonly TempFolder _temp;

        public SandboxParityTests(TempFolder temp) => _temp = temp;

        [DockerFact]
        public void Docker_and_process_sandboxes_give_the_same_backtest_on_real_prices()
        {
            var session = "parity-" + Guid.NewGuid().ToString("N").Substring(0, 10);
            var environment = new Dictionary<string, string?> { ["NEURALTRADER_SESSION"] = session };
            try
            {
                var runs = new[] { "docker", "process" }.ToDictionary(isolation => isolation, isolation =>
                {
                    var r = CliRunner.Run(environment, "deploy", "-s", "momentum", "-a", "3", "--symbols", "SPY,TSLA", "--isolation", isolation,
                        "--store", _temp.File("parity-" + isolation + ".db"), "--json");
                    Assert.True(r.ExitCode == 0, isolation + ": " + r);
                    using var document = JsonDocument.Parse(r.Stdout);
                    return document.RootElement.EnumerateArray()
                        .Select(d => (Symbol: d.GetProperty("symbol").GetString(), Backtest: Comparable(d.GetProperty("backtest"))))
                        .OrderBy(d => d.Symbol + d.Backtest, StringComparer.Ordinal).ToList();
                });

                Assert.Equal(3, runs["docker"].Count);
                Assert.All(runs["docker"], d => Assert.Contains("\"interval\":\"1d\"", d.Backtest));
                Assert.Equal(runs["process"], runs["docker"]);
                Assert.Empty(DockerCli.ContainersOfSession(session));
            }
            finally
            {
                DockerCli.RemoveSession(session);
            }
        }

        /// <summary>The backtest as JSON without the timings (computeMs and the like), which differ from run to run.</summary>
        private static string Comparable(JsonElement backtest)
        {
            var node = JsonNode.Parse(backtest.GetRawText())!;
            foreach (var o in new[] { node.AsObject(), node["metrics"]!.AsObject() })
            {
                foreach (var timing in o.Select(p => p.Key).Where(k => k.EndsWith("Ms", StringComparison.Ordinal)).ToList())
                    o.Remove(timing);
            }

            return node.ToJsonString();
        }
    }
}
