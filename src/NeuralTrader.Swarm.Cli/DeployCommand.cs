using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>deploy: the original design's deploy-swarm, on real data in real sandboxes.</summary>
    internal static class DeployCommand
    {
        public static Command Create()
        {
            var common = new CommonOptions();
            var strategy = new Option<string>("--strategy", "-s") { Description = "Strategy type or registered name (momentum, mean-reversion, neural-forecast).", Required = true };
            var agents = new Option<int?>("--agents", "-a") { Description = "Deployments to run, spread across the symbols (default: one per symbol)." };
            var parameters = new Option<string?>("--params", "-p") { Description = "Strategy parameters as a JSON object, e.g. '{\"lookback\":30,\"threshold\":0.03}'." };
            var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols (default SPY)." };

            var command = new Command("deploy", "Deploy a strategy as a swarm of agents and print their results.")
            {
                strategy, agents, parameters, symbols,
            };
            common.AddTo(command);
            command.SetAction((parse, cancellationToken) => RunAsync(parse, common, parse.GetValue(strategy)!, parse.GetValue(agents),
                parse.GetValue(parameters), parse.GetValue(symbols), cancellationToken));
            return command;
        }

        private static async Task<int> RunAsync(ParseResult parse, CommonOptions common, string strategy, int? agents,
            string? parametersJson, string? symbolList, CancellationToken cancellationToken)
        {
            bool json = parse.GetValue(common.Json);
            try
            {
                var parameters = ParseParameters(parametersJson);
                var symbols = (symbolList ?? "SPY").Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => s.Trim().ToUpperInvariant()).ToList();
                int count = agents ?? symbols.Count;
                if (count < 1)
                    throw new ArgumentException($"--agents must be at least 1 (got {count}).");

                var requests = Enumerable.Range(0, count)
                    .Select(i => new DeploymentRequest(strategy, symbols[i % symbols.Count], parameters))
                    .ToList();

                using var coordinator = new SwarmCoordinator(common.ToSwarmOptions(parse));
                int done = 0;
                var results = await coordinator.DeploySwarmAsync(requests, result =>
                {
                    int n = Interlocked.Increment(ref done);
                    Console.Error.WriteLine($"[{n}/{count}] {result.Strategy} {result.Symbol} {result.Status} {result.Duration.TotalMilliseconds:0.0} ms");
                }, cancellationToken);

                if (json)
                    Console.WriteLine(JsonSerializer.Serialize(results.Select(ResultView.From).ToList(), CliJson.Options));
                else
                    ResultTable.Write(Console.Out, results, coordinator.GetMetrics());
                return results.All(r => r.Success) ? 0 : 1;
            }
            catch (Exception e) when (e is SwarmException || e is ArgumentException || e is JsonException)
            {
                Console.Error.WriteLine("deploy-swarm: " + e.Message);
                return 2;
            }
        }

        private static Dictionary<string, object?>? ParseParameters(string? json)
        {
            if (string.IsNullOrWhiteSpace(json))
                return null;
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException("--params must be a JSON object, e.g. '{\"lookback\":30}'.");
            return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone(), StringComparer.OrdinalIgnoreCase);
        }
    }
}
