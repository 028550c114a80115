using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>patterns: learned success and failure patterns; with -t, a parameter suggestion for a task.</summary>
    internal static class PatternsCommand
    {
        public static Command Create()
        {
            var common = new CommonOptions();
            var task = new Option<string?>("--task", "-t") { Description = "Describe a task (e.g. \"momentum on SPY\") to get a suggestion for it instead of the pattern list." };
            var strategy = new Option<string?>("--strategy") { Description = "Only this strategy." };
            var symbol = new Option<string?>("--symbol") { Description = "Only this symbol." };
            var minSuccess = new Option<double?>("--min-success") { Description = "Only patterns whose rate is at least this (0..1)." };
            var kind = new Option<PatternKind?>("--kind") { Description = "Success or Failure (default both)." };
            var minObservations = new Option<int>("--min-observations") { Description = "Fewest matching runs for a pattern.", DefaultValueFactory = _ => new PatternFilter().MinObservations };
            var minConfidence = new Option<double>("--min-confidence") { Description = "Lowest confidence (Wilson 95% lower bound).", DefaultValueFactory = _ => new PatternFilter().MinConfidence };
            var parameters = new Option<string?>("--params", "-p") { Description = "With -t: parameters to hold fixed, as a JSON object." };

            var command = new Command("patterns", "List learned patterns, or suggest parameters for a task with -t.")
            {
                task, strategy, symbol, minSuccess, kind, minObservations, minConfidence, parameters,
            };
            common.AddTo(command);
            command.SetAction(parse =>
            {
                try
                {
                    var t = parse.GetValue(task);
                    if (t != null)
                        return Suggest(parse, common, t, parse.GetValue(strategy), parse.GetValue(symbol), parse.GetValue(parameters));
                    return List(parse, common, new PatternFilter
                    {
                        Strategy = parse.GetValue(strategy),
                        Symbol = parse.GetValue(symbol)?.ToUpperInvariant(),
                        Kind = parse.GetValue(kind),
                        MinObservations = parse.GetValue(minObservations),
                        MinConfidence = parse.GetValue(minConfidence),
                    }, parse.GetValue(minSuccess));
                }
                catch (Exception e) when (CliError.Handles(e))
                {
                    return CliError.Write(e);
                }
            });
            return command;
        }

        private static SwarmCoordinator Open(ParseResult parse, CommonOptions common)
        {
            var options = common.ToSwarmOptions(parse);
            if (!StoreProbe.Exists(options.StorePath))
                throw new ArgumentException($"There is no trajectory store at {StoreProbe.PathOf(options.StorePath)} yet: deploy something first, or name the store with --store.");
            // Patterns and suggestions are built from the payloads (parameters, outcomes), so an encrypted store needs its key.
            options.EncryptionKey = StoreProbe.ReadKey(options.StorePath, required: true, "reading the store's patterns");
            return new SwarmCoordinator(options);
        }

        private static int List(ParseResult parse, CommonOptions common, PatternFilter filter, double? minSuccess)
        {
            if (minSuccess is double rate && !(rate >= 0 && rate <= 1))
                throw new ArgumentException($"--min-success must be between 0 and 1 (got {rate.ToString(CultureInfo.InvariantCulture)}).");
            using var coordinator = Open(parse, common);
            var patterns = coordinator.GetPatterns(filter).Where(p => minSuccess == null || p.SuccessRate >= minSuccess).ToList();
            if (parse.GetValue(common.Json))
                Console.WriteLine(JsonSerializer.Serialize(patterns, CliJson.Options));
            else if (patterns.Count == 0)
                Console.WriteLine($"No patterns match (a pattern needs at least {filter.MinObservations} matching runs and a confidence bound of {Text.Percent(filter.MinConfidence)}).");
            else
                PatternText.Table(Console.Out, patterns);
            return 0;
        }

        /// <summary>What patterns -t prints: the chosen strategy and symbol, why, and the suggestion.</summary>
        internal sealed class TaskSuggestion
        {
            public string Task { get; set; } = "";
            public string Strategy { get; set; } = "";
            public string Symbol { get; set; } = "";
            public string ChosenBecause { get; set; } = "";
            public Suggestion Suggestion { get; set; } = new Suggestion();
        }

        private static int Suggest(ParseResult parse, CommonOptions common, string task, string? strategy, string? symbol, string? parametersJson)
        {
            if (string.IsNullOrWhiteSpace(task))
                throw new ArgumentException("--task needs a description, e.g. -t \"momentum on SPY\".");
            using var coordinator = Open(parse, common);
            Dictionary<string, object?>? fixedParameters;
            try
            {
                fixedParameters = DeployCommand.ParseParameters(parametersJson);
            }
            catch (JsonException e)
            {
                throw new ArgumentException("--params is not valid JSON: " + e.Message, e);
            }
            var choice = Choose(coordinator, task, strategy, symbol);
            var suggestion = coordinator.GetSuggestion(choice.Strategy, choice.Symbol, fixedParameters);
            choice.Suggestion = suggestion;

            if (parse.GetValue(common.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(choice, CliJson.Options));
                return 0;
            }
            var o = Console.Out;
            o.WriteLine($"Task:                  {task}");
            o.WriteLine($"Strategy / symbol:     {suggestion.Strategy} on {suggestion.Symbol} ({choice.ChosenBecause})");
            o.WriteLine($"Confidence:            {Text.Percent(suggestion.Confidence)}");
            o.WriteLine($"ExpectedSuccessRate:   {Text.Percent(suggestion.ExpectedSuccessRate)}");
            o.WriteLine($"EstimatedDurationMs:   {(suggestion.EstimatedDurationMs is double d ? Text.Ms(d) : "unknown")}");
            o.WriteLine($"Observations:          {suggestion.Observations} ({suggestion.Method})");
            o.WriteLine("RecommendedParameters: " + string.Join(", ", suggestion.RecommendedParameters.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => $"{p.Key}={Text.Number(p.Value)}")));
            if (suggestion.RecommendedOperations.Count > 0)
                o.WriteLine("RecommendedOperations: " + string.Join(" > ", suggestion.RecommendedOperations));
            o.WriteLine($"Reasoning:             {suggestion.Reasoning}");
            if (suggestion.SupportingPatterns.Count > 0)
            {
                o.WriteLine();
                o.WriteLine("Supporting patterns:");
                PatternText.Table(o, suggestion.SupportingPatterns);
            }
            var json = JsonSerializer.Serialize(suggestion.RecommendedParameters.ToDictionary(p => p.Key, p => Math.Round(p.Value, 6)));
            o.WriteLine();
            o.WriteLine($"Deploy it: deploy-swarm deploy -s {suggestion.Strategy} --symbols {suggestion.Symbol} -p '{json}'");
            return 0;
        }

        /// <summary>
        /// The strategy and symbol named in the task text (or by --strategy/--symbol); what the text leaves open
        /// comes from the trajectories whose task text is most similar (TF-IDF cosine), weighted by similarity.
        /// </summary>
        internal static TaskSuggestion Choose(SwarmCoordinator coordinator, string task, string? strategy, string? symbol)
        {
            var reasons = new List<string>();
            var normalized = " " + Normalize(task) + " ";
            var candidates = coordinator.GetStrategies().Select(s => s.Name).Concat(StrategyCatalog.Names).Distinct(StringComparer.OrdinalIgnoreCase);
            if (strategy == null)
            {
                // Longest name first, so a registered "momentum-fast" wins over the built-in "momentum".
                strategy = candidates.OrderByDescending(n => n.Length).FirstOrDefault(n => normalized.Contains(" " + Normalize(n) + " ", StringComparison.Ordinal));
                if (strategy != null)
                    reasons.Add("the task names the strategy");
            }
            else
            {
                reasons.Add("--strategy");
            }

            if (symbol == null)
            {
                var tokens = new HashSet<string>(normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
                symbol = coordinator.Symbols.FirstOrDefault(s => tokens.Contains(s));
                if (symbol != null)
                    reasons.Add("the task names the symbol");
            }
            else
            {
                reasons.Add("--symbol");
            }

            var (trend, volatility) = RegimeOf(normalized);
            if (trend != null || volatility != null)
                reasons.Add("understood " + string.Join(", ", new[] { trend == null ? null : trend + " trend", volatility == null ? null : volatility + " volatility" }.Where(w => w != null)));

            if (strategy == null || symbol == null)
            {
                var similar = coordinator.GetTrajectories(new TrajectoryFilter { Similar = task, Strategy = strategy, Symbol = symbol?.ToUpperInvariant(), Limit = 200 });
                if (trend != null || volatility != null)
                {
                    // Runs in markets like the task's first: "momentum with high volatility" picks where volatility was high.
                    var inRegime = similar.Where(t => t.Trajectory?.Context is { } c && (trend == null || c.Trend == trend) && (volatility == null || c.Volatility == volatility)).ToList();
                    if (inRegime.Count > 0)
                        similar = inRegime;
                    else
                        reasons.Add("no recorded run was in such a market");
                }
                var pick = similar.GroupBy(t => (t.StrategyName, t.Symbol))
                    .Select(g => (g.Key, Weight: g.Sum(t => t.Similarity ?? 0), Count: g.Count()))
                    .OrderByDescending(g => g.Weight).ThenByDescending(g => g.Count).FirstOrDefault();
                if (pick.Count == 0)
                {
                    throw new ArgumentException($"The task names no {(strategy == null ? "strategy" : "symbol")} and no recorded trajectory resembles it. " +
                        $"Name one, e.g. -t \"momentum on SPY\" (strategies: {string.Join(", ", candidates)}).");
                }

                if (strategy == null)
                    strategy = pick.Key.StrategyName;
                if (symbol == null)
                    symbol = pick.Key.Symbol;
                reasons.Add($"{pick.Count} similar past trajectories ran {pick.Key.StrategyName} on {pick.Key.Symbol}");
            }
            return new TaskSuggestion { Task = task, Strategy = strategy, Symbol = symbol.ToUpperInvariant(), ChosenBecause = string.Join("; ", reasons) };
        }

        /// <summary>The market regime a task's words name (MarketContext's trend up/down/sideways, volatility low/normal/high).</summary>
        internal static (string? Trend, string? Volatility) RegimeOf(string normalized)
        {
            bool Has(params string[] phrases) => phrases.Any(p => normalized.Contains(" " + p + " ", StringComparison.Ordinal));
            string? volatility = Has("high volatility", "highly volatile", "volatile", "turbulent") ? "high"
                : Has("low volatility", "calm", "quiet") ? "low" : null;
            string? trend = Has("uptrend", "up trend", "bull", "bullish", "rising") ? "up"
                : Has("downtrend", "down trend", "bear", "bearish", "falling") ? "down"
                : Has("sideways", "range bound", "rangebound", "flat") ? "sideways" : null;
            return (trend, volatility);
        }

        private static string Normalize(string text) =>
            new string(text.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray());
    }
}
