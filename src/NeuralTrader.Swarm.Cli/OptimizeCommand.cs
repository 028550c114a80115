using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>optimize: Invoke-SwarmOptimization, the suggest, deploy, record loop as one command.</summary>
    internal static class OptimizeCommand
    {
        public static Command Create()
        {
            var run = new RunOptions();
            var validation = new ValidationArguments();
            var strategy = new Option<string>("--strategy", "-s") { Description = "Strategy type or registered name.", Required = true };
            var symbol = new Option<string?>("--symbol") { Description = "Symbol to tune on (default: the registered strategy's first symbol, else SPY)." };
            var trials = new Option<int>("--trials", "-n") { Description = "Deployments to run in all.", DefaultValueFactory = _ => 30 };
            var parallel = new Option<int>("--parallel") { Description = "Trials in flight at once.", DefaultValueFactory = _ => 1 };
            var parameters = new Option<string?>("--params", "-p") { Description = "Parameters held fixed in every trial, as a JSON object, e.g. '{\"allocation\":0.5}'." };
            var task = new Option<string?>("--task", "-t") { Description = "Task text recorded with every trial." };
            var command = new Command("optimize", "Tune a strategy: suggest, deploy and record trial after trial, then print the robust choice in and out of sample beside buy-and-hold.")
            {
                strategy, symbol, trials, parallel, parameters, task,
            };
            validation.AddTo(command);
            run.AddTo(command);
            command.SetAction((parse, cancellationToken) => RunAsync(parse, run, new OptimizationRequest(parse.GetValue(strategy)!)
            {
                Symbol = parse.GetValue(symbol),
                Trials = parse.GetValue(trials),
                Parallel = parse.GetValue(parallel),
                Task = parse.GetValue(task),
            }, validation, parse.GetValue(parameters), cancellationToken));
            return command;
        }

        private static async Task<int> RunAsync(ParseResult parse, RunOptions run, OptimizationRequest request, ValidationArguments validation,
            string? parametersJson, CancellationToken cancellationToken)
        {
            try
            {
                request.Parameters = DeployCommand.ParseParameters(parametersJson);
                request.Validation = validation.From(parse);
                using var coordinator = new SwarmCoordinator(run.ToSwarmOptions(parse));
                var outcome = await coordinator.OptimizeAsync(request, trial =>
                    Console.Error.WriteLine($"[{trial.Number}/{request.Trials}] {Describe(trial)} {trial.Result.Status} score {Text.Number(trial.Score)}" +
                        (trial.OutOfSampleScore is double oos ? $" (out of sample {Text.Number(oos)})" : "")), cancellationToken);
                if (parse.GetValue(run.Common.Json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { outcome.Strategy, outcome.Symbol, outcome.Parameters, outcome.Confidence, outcome.Reason,
                        outcome.Validation, outcome.Seed, outcome.InSample, outcome.OutOfSample, outcome.FoldParameters,
                        Trials = outcome.Trials.Select(t => new { t.Number, t.Parameters, t.Method, t.Score, t.OutOfSampleScore, Status = t.Result.Status.ToString() }) }, CliJson.Options));
                }
                else
                {
                    Write(Console.Out, outcome);
                }

                return 0;
            }
            catch (JsonException e)
            {
                return CliError.Write(new ArgumentException("--params is not valid JSON: " + e.Message, e));
            }
            catch (Exception e) when (CliError.Handles(e))
            {
                return CliError.Write(e);
            }
        }

        private static string Describe(OptimizationTrial trial) =>
            string.Join(" ", trial.Parameters.Select(p => p.Key + "=" + Text.Number(p.Value)));

        private static void Write(TextWriter output, OptimizationOutcome outcome)
        {
            output.WriteLine($"{outcome.Strategy} on {outcome.Symbol}: {outcome.Trials.Count} trials, validation {outcome.Validation}, seed {outcome.Seed}");
            output.WriteLine("Chosen:     " + string.Join(" ", outcome.Parameters.Select(p => p.Key + "=" + Convert.ToString(p.Value, CultureInfo.InvariantCulture))));
            output.WriteLine($"Confidence: {Text.Percent(outcome.Confidence)}");
            foreach (var (fold, parameters) in outcome.FoldParameters.Select((p, i) => (i + 1, p)))
                output.WriteLine($"Fold {fold}:     " + string.Join(" ", parameters.Select(p => p.Key + "=" + Text.Number(p.Value))));
            output.WriteLine();
            var samples = new[] { outcome.InSample, outcome.OutOfSample }.Where(s => s != null).Select(s => s!).ToList();
            Text.Table(output, new[] { "Sample", "Period", "Bars", "Score", "Annualised", "Sharpe", "MaxDD", "B&H annualised", "B&H Sharpe", "B&H MaxDD" },
                samples.Select(s => new[]
                {
                    s.Sample, s.StartDate + ".." + s.EndDate, s.Bars.ToString(CultureInfo.InvariantCulture), Text.Number(s.Score),
                    Text.Percent(s.AnnualizedReturn), Text.Number(s.Sharpe), Text.Percent(s.MaxDrawdown),
                    Text.Percent(s.BuyAndHoldAnnualizedReturn), Text.Number(s.BuyAndHoldSharpe), Text.Percent(s.BuyAndHoldMaxDrawdown),
                }).ToList());
            output.WriteLine();
            output.WriteLine(outcome.Reason);
        }
    }
}
