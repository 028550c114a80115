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
            var run = new RunOptions();
            var validation = new ValidationArguments();
            var strategy = new Option<string>("--strategy", "-s") { Description = "Strategy type or registered name (momentum, mean-reversion, neural-forecast).", Required = true };
            var agents = new Option<int?>("--agents", "-a") { Description = "Deployments to run, spread across the symbols (default: one per symbol); rounds beyond one per symbol try distinct parameters." };
            var parameters = new Option<string?>("--params", "-p") { Description = "Strategy parameters as a JSON object, e.g. '{\"lookback\":30,\"threshold\":0.03}'." };
            var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols (default: a registered strategy's symbols, else SPY)." };
            var task = new Option<string?>("--task", "-t") { Description = "What this deployment is for, recorded with its trajectories (patterns -t finds similar ones)." };

            var command = new Command("deploy", "Deploy a strategy as a swarm of agents and print their results.")
            {
                strategy, agents, parameters, symbols, task,
            };
            validation.AddTo(command);
            run.AddTo(command);
            command.SetAction((parse, cancellationToken) => RunAsync(parse, run, validation, parse.GetValue(strategy)!, parse.GetValue(agents),
                parse.GetValue(parameters), parse.GetValue(symbols), parse.GetValue(task), cancellationToken));
            return command;
        }

        private static async Task<int> RunAsync(ParseResult parse, RunOptions run, ValidationArguments validation, string strategy, int? agents,
            string? parametersJson, string? symbolList, string? task, CancellationToken cancellationToken)
        {
            bool json = parse.GetValue(run.Common.Json);
            try
            {
                var parameters = ParseParameters(parametersJson);
                if (agents < 1)
                    throw new ArgumentException($"--agents must be at least 1 (got {agents}).");
                var symbols = symbolList?.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);

                using var coordinator = new SwarmCoordinator(run.ToSwarmOptions(parse));
                var requests = coordinator.PlanDeployments(strategy, symbols, agents, parameters, task);
                if (validation.From(parse) is { } scheme)
                    foreach (var request in requests)
                        request.Options = new NeuralTrader.Swarm.Protocol.RunOptions { Validation = scheme };
                int count = requests.Count;
                int done = 0;
                var results = await coordinator.DeploySwarmAsync(requests, result =>
                {
                    int n = Interlocked.Increment(ref done);
                    Console.Error.WriteLine($"[{n}/{count}] {result.Strategy} {result.Symbol} {result.Status} {result.Duration.TotalMilliseconds:0.0} ms");
                }, cancellationToken);

                if (coordinator.Options.LearningEnabled)
                    Console.Error.WriteLine($"learning: {results.Count(r => r.TrajectoryId != null)} trajectories recorded in {coordinator.Store.Path}" +
                        (coordinator.Store.IsEncrypted ? $" (encrypted, key id {coordinator.Store.KeyId})" : ""));
                if (json)
                    Console.WriteLine(JsonSerializer.Serialize(results.Select(ResultView.From).ToList(), CliJson.Options));
                else
                    ResultTable.Write(Console.Out, results, coordinator.GetMetrics());
                // A bad option value (parameters, strategy, symbol) is a usage error even though Core settles it as a failed result.
                var usage = results.Where(r => r.ErrorId != null && UsageErrors.Contains(r.ErrorId)).Select(r => r.Error).Distinct().ToList();
                foreach (var message in usage)
                    Console.Error.WriteLine("deploy-swarm: " + message);
                return usage.Count > 0 ? CliError.Usage : results.All(r => r.Success) ? 0 : 1;
            }
            catch (JsonException e)
            {
                // The parser's message names the position; say which option it was.
                return CliError.Write(new ArgumentException("--params is not valid JSON: " + e.Message, e));
            }
            catch (Exception e) when (CliError.Handles(e))
            {
                return CliError.Write(e);
            }
        }

        private static readonly HashSet<string> UsageErrors = new HashSet<string>(StringComparer.Ordinal)
        {
            SwarmErrorIds.InvalidParameter, SwarmErrorIds.UnknownStrategyType, SwarmErrorIds.UnknownSymbol, SwarmErrorIds.StrategyNotRegistered,
        };

        internal static Dictionary<string, object?>? ParseParameters(string? json)
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
