using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>deploy: the original design's deploy-swarm, on real data in real sandboxes.</summary>
    internal static class DeployCommand
    {
        public static Command Create()
        {
            var run = new RunOptions();
            var validation = new ValidationArguments();
            var strategy = new Option<string?>("--strategy", "-s") { Description = "Strategy type or registered name (momentum, mean-reversion, neural-forecast)." };
            var from = new Option<string?>("--from") { Description = "A JSON file listing deployments, the original design's [{ \"strategyName\": ..., \"params\": {...} }] (also strategy, symbols, agents, task); for a mixed swarm." };
            var agents = new Option<int?>("--agents", "-a") { Description = "Deployments to run, spread across the symbols (default: one per symbol); rounds beyond one per symbol try distinct parameters." };
            var parameters = new Option<string?>("--params", "-p") { Description = "Strategy parameters as a JSON object, e.g. '{\"lookback\":30,\"threshold\":0.03}'." };
            var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols (default: a registered strategy's symbols, else SPY)." };
            var task = new Option<string?>("--task", "-t") { Description = "What this deployment is for, recorded with its trajectories (patterns -t finds similar ones)." };

            var command = new Command("deploy", "Deploy a strategy as a swarm of agents and print their results.")
            {
                strategy, from, agents, parameters, symbols, task,
            };
            validation.AddTo(command);
            run.AddTo(command);
            command.SetAction((parse, cancellationToken) => RunAsync(parse, run, validation, parse.GetValue(strategy), parse.GetValue(from), parse.GetValue(agents),
                parse.GetValue(parameters), parse.GetValue(symbols), parse.GetValue(task), cancellationToken));
            return command;
        }

        private static async Task<int> RunAsync(ParseResult parse, RunOptions run, ValidationArguments validation, string? strategy, string? from, int? agents,
            string? parametersJson, string? symbolList, string? task, CancellationToken cancellationToken)
        {
            bool json = parse.GetValue(run.Common.Json);
            try
            {
                var parameters = ParseParameters(parametersJson);
                if (agents < 1 || agents > DeploymentPlan.MaxAgents)
                    throw new ArgumentException($"--agents must be between 1 and {DeploymentPlan.MaxAgents} (got {agents}).");
                var symbols = symbolList?.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);
                if (symbols is { Length: 0 })
                    throw new ArgumentException($"--symbols names no symbol (got '{symbolList}'); give e.g. --symbols SPY,QQQ.");
                if ((strategy == null) == (from == null))
                    throw new ArgumentException("deploy needs either --strategy or --from <deployments.json>.");
                var entries = from == null
                    ? new List<DeploymentEntry> { new DeploymentEntry { Strategy = strategy } }
                    : DeploymentEntry.Read(from);

                using var coordinator = new SwarmCoordinator(run.ToSwarmOptions(parse));
                var requests = entries.SelectMany(e => coordinator.PlanDeployments(e.Name, e.SymbolList ?? symbols, e.Agents ?? agents,
                    e.Merge(parameters), e.Task ?? task)).ToList();
                if (validation.From(parse) is { } scheme)
                {
                    foreach (var request in requests)
                        request.Options = new NeuralTrader.Swarm.Protocol.RunOptions { Validation = scheme };
                }

                int count = requests.Count;
                int done = 0;
                var results = await coordinator.DeploySwarmAsync(requests, result =>
                {
                    int n = Interlocked.Increment(ref done);
                    Console.Error.WriteLine($"[{n}/{count}] {result.Strategy} {result.Symbol} {result.Status} {result.Duration.TotalMilliseconds:0.0} ms");
                }, cancellationToken);

                int recorded = results.Count(r => r.TrajectoryId != null);
                // Only when something was recorded: looking at the store would create it, and input that never ran records nothing.
                if (coordinator.Options.LearningEnabled && recorded > 0 && coordinator.GetStoreStatus() is var store)
                {
                    Console.Error.WriteLine($"learning: {recorded} trajectories recorded in {store.Path}" +
                        (store.IsEncrypted ? $" (encrypted, key id {store.KeyId})" : ""));
                }

                if (json)
                    Console.WriteLine(JsonSerializer.Serialize(results.Select(ResultView.From).ToList(), CliJson.Options));
                else
                    ResultTable.Write(Console.Out, results, coordinator.GetMetrics());
                // A bad option value (parameters, strategy, symbol) is a usage error even though Core settles it as a failed result.
                var usage = results.Where(SwarmCoordinator.NeverRan).Select(r => r.Error).Distinct().ToList();
                foreach (var message in usage)
                    Console.Error.WriteLine("deploy-swarm: " + Advice.ForCli(message ?? ""));
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

        /// <summary>One entry of a --from file: the original design's { strategyName, params }, plus symbols, agents and task.</summary>
        internal sealed class DeploymentEntry
        {
            public string? StrategyName { get; set; }
            public string? Strategy { get; set; }
            public Dictionary<string, JsonElement>? Params { get; set; }
            public Dictionary<string, JsonElement>? Parameters { get; set; }
            public JsonElement? Symbols { get; set; }
            public JsonElement? Symbol { get; set; }
            public int? Agents { get; set; }
            public string? Task { get; set; }

            public string Name => StrategyName ?? Strategy ?? "";

            public IReadOnlyList<string>? SymbolList
            {
                get
                {
                    var table = new Dictionary<string, object?>();
                    if (Symbols is JsonElement many) table["symbols"] = many;
                    if (Symbol is JsonElement one) table["symbol"] = one;
                    return DeploymentPlan.TakeSymbols(table);
                }
            }

            /// <summary>The entry's parameters over the command line's --params.</summary>
            public Dictionary<string, object?>? Merge(Dictionary<string, object?>? common)
            {
                var own = Params ?? Parameters;
                if (own == null)
                    return common;
                var merged = new Dictionary<string, object?>(common ?? new Dictionary<string, object?>(), StringComparer.OrdinalIgnoreCase);
                foreach (var p in own)
                    merged[p.Key] = p.Value;
                return merged;
            }

            public static List<DeploymentEntry> Read(string path)
            {
                var full = System.IO.Path.GetFullPath(path);
                if (!System.IO.File.Exists(full))
                    throw new ArgumentException($"--from: no such file: {full}");
                List<DeploymentEntry>? entries;
                try
                {
                    entries = JsonSerializer.Deserialize<List<DeploymentEntry>>(System.IO.File.ReadAllText(full), CliJson.Options);
                }
                catch (JsonException e)
                {
                    throw new ArgumentException($"--from: {full} is not a valid deployments file: {e.Message}", e);
                }
                if (entries == null || entries.Count == 0)
                    throw new ArgumentException($"--from: {full} lists no deployments; expected [{{ \"strategyName\": \"momentum\", \"params\": {{ ... }} }}, ...].");
                var unnamed = entries.FindIndex(e => string.IsNullOrWhiteSpace(e.Name));
                if (unnamed >= 0)
                    throw new ArgumentException($"--from: deployment {unnamed + 1} in {full} names no strategy (strategyName or strategy).");
                return entries;
            }
        }

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
