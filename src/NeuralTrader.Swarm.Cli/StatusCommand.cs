using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>status: the store and coordinator summary; --learning adds learning statistics, --patterns the top patterns.</summary>
    internal static class StatusCommand
    {
        public static Command Create()
        {
            var common = new CommonOptions();
            var learning = new Option<bool>("--learning") { Description = "Add learning statistics, overall and per strategy." };
            var patterns = new Option<bool>("--patterns") { Description = "Add the most confident success and failure patterns." };
            var top = new Option<int>("--top") { Description = "How many patterns --patterns lists.", DefaultValueFactory = _ => 10 };
            var command = new Command("status", "Show the trajectory store, the coordinator's settings and, optionally, what it has learned.")
            {
                learning, patterns, top,
            };
            common.AddTo(command);
            command.SetAction(parse => Run(parse, common, parse.GetValue(learning), parse.GetValue(patterns), parse.GetValue(top)));
            return command;
        }

        internal sealed class StatusView
        {
            public string StorePath { get; set; } = "";
            public bool StoreExists { get; set; }
            public bool Encrypted { get; set; }
            public string? KeyId { get; set; }
            public bool PayloadsReadable { get; set; }
            public long Trajectories { get; set; }
            public bool? ChainValid { get; set; }
            public string? ChainProblem { get; set; }
            public string Isolation { get; set; } = "";
            public List<string> Strategies { get; set; } = new List<string>();
            public List<string> Symbols { get; set; } = new List<string>();
            public LearningStats? Learning { get; set; }
            public List<Pattern>? Patterns { get; set; }
        }

        private static int Run(ParseResult parse, CommonOptions common, bool withLearning, bool withPatterns, int top)
        {
            try
            {
                var options = common.ToSwarmOptions(parse);
                var view = new StatusView
                {
                    StorePath = StoreProbe.PathOf(options.StorePath),
                    StoreExists = StoreProbe.Exists(options.StorePath),
                    Isolation = options.Isolation.ToString(),
                };
                // Status must not create a store that is not there.
                options.LearningEnabled = view.StoreExists;
                if (view.StoreExists)
                    options.EncryptionKey = StoreProbe.ReadKey(options.StorePath, required: false, "reading the store");
                using var coordinator = new SwarmCoordinator(options);
                view.Symbols = coordinator.Symbols.ToList();
                view.Strategies = NeuralTrader.Swarm.Strategies.StrategyCatalog.Names.ToList();
                if (view.StoreExists)
                {
                    var store = coordinator.GetStoreStatus();
                    view.StorePath = store.Path; // a server store's location without its password
                    view.Strategies = view.Strategies.Concat(coordinator.GetStrategies().Select(s => $"{s.Name} ({s.Type})")).ToList();
                    view.Encrypted = store.IsEncrypted;
                    view.KeyId = store.KeyId;
                    view.PayloadsReadable = store.PayloadsReadable;
                    view.Trajectories = coordinator.CountTrajectories();
                    var verification = coordinator.VerifyStore();
                    view.ChainValid = verification.IsValid;
                    view.ChainProblem = verification.IsValid ? null : $"{verification.Problem} (first bad record {verification.FirstBadRecordId})";
                    if (withLearning)
                        view.Learning = coordinator.GetLearningStats();
                    if (withPatterns)
                        view.Patterns = coordinator.GetPatterns().Take(Math.Max(0, top)).ToList();
                }
                else if (withLearning || withPatterns)
                {
                    view.Learning = withLearning ? new LearningStats() : null;
                    view.Patterns = withPatterns ? new List<Pattern>() : null;
                }

                if (parse.GetValue(common.Json))
                    Console.WriteLine(JsonSerializer.Serialize(view, CliJson.Options));
                else
                    Write(Console.Out, view);
                return 0;
            }
            catch (Exception e) when (CliError.Handles(e))
            {
                return CliError.Write(e);
            }
        }

        private static void Write(TextWriter output, StatusView view)
        {
            output.WriteLine($"Store:         {view.StorePath}{(view.StoreExists ? "" : " (not created yet)")}");
            if (view.StoreExists)
            {
                output.WriteLine($"Encryption:    {(view.Encrypted ? $"encrypted (key id {view.KeyId}); payloads {(view.PayloadsReadable ? "readable" : "not readable without the key")}" : "none")}");
                output.WriteLine($"Trajectories:  {view.Trajectories}");
                output.WriteLine($"Chain:         {(view.ChainValid == true ? "valid" : "INVALID: " + view.ChainProblem)}");
            }
            output.WriteLine($"Isolation:     {view.Isolation}");
            output.WriteLine($"Strategies:    {string.Join(", ", view.Strategies)}");
            output.WriteLine($"Symbols:       {string.Join(", ", view.Symbols)}");

            if (view.Learning is LearningStats stats)
            {
                output.WriteLine();
                output.WriteLine("Learning:");
                var rows = new List<string[]> { Row("(all)", stats.TotalTrajectories, stats.AvgSuccessRate, stats.ExecutionSuccessRate, stats.ImprovementRate, stats.PredictionsMade, stats.PredictionAccuracy) };
                rows.AddRange(stats.ByStrategy.Select(s => Row(s.Strategy ?? "", s.TotalTrajectories, s.AvgSuccessRate, s.ExecutionSuccessRate, s.ImprovementRate, s.PredictionsMade, s.PredictionAccuracy)));
                Text.Table(output, new[] { "Strategy", "TotalTrajectories", "AvgSuccessRate", "ExecutionSuccess", "ImprovementRate", "PredictionsMade", "PredictionAccuracy" }, rows);
                output.WriteLine($"TotalPatterns: {stats.TotalPatterns}");
                if (!stats.PayloadsReadable)
                    output.WriteLine($"Some payloads are encrypted and were not readable: set {KeySource.EnvironmentVariable} for complete prediction numbers.");
            }

            if (view.Patterns is List<Pattern> patterns)
            {
                output.WriteLine();
                output.WriteLine("Patterns:");
                if (patterns.Count == 0)
                    output.WriteLine("  none yet (a pattern needs at least 5 matching runs and a 50% confidence bound).");
                else
                    PatternText.Table(output, patterns);
            }
        }

        private static string[] Row(string name, int total, double avg, double exec, double improvement, int predictions, double? accuracy) => new[]
        {
            name, total.ToString(CultureInfo.InvariantCulture), Text.Percent(avg), Text.Percent(exec),
            improvement.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture), predictions.ToString(CultureInfo.InvariantCulture),
            Text.Percent(accuracy),
        };
    }
}
