using System;
using System.CommandLine;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>register / unregister: Register-Strategy and Unregister-Strategy, kept in the store like theirs.</summary>
    internal static class RegisterCommand
    {
        public static Command Create()
        {
            var common = new CommonOptions();
            var name = new Option<string>("--name", "-n") { Description = "Name to deploy the strategy by (deploy -s <name>).", Required = true };
            var type = new Option<string?>("--type") { Description = "Strategy type: momentum, mean-reversion or neural-forecast, or the type a custom --image implements. Defaults to the name." };
            var symbols = new Option<string?>("--symbols") { Description = "Comma-separated symbols; deploy without --symbols runs one deployment per symbol (default SPY)." };
            var parameters = new Option<string?>("--params", "-p") { Description = "Parameter overrides as a JSON object, e.g. '{\"lookback\":30}'." };
            var image = new Option<string?>("--image") { Description = "A custom Docker image speaking the runner protocol." };
            var description = new Option<string?>("--description") { Description = "What the strategy is for." };
            var force = new Option<bool>("--force") { Description = "Replace a registration of the same name." };
            var command = new Command("register", "Register a strategy under a name, with its symbols and parameter overrides.")
            {
                name, type, symbols, parameters, image, description, force,
            };
            common.AddTo(command);
            command.SetAction(parse => Run(common, parse, () =>
            {
                var strategy = parse.GetValue(name)!;
                using var coordinator = new SwarmCoordinator(Options(common, parse));
                var registration = coordinator.RegisterStrategy(strategy, parse.GetValue(type) ?? strategy,
                    parse.GetValue(symbols)?.Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries),
                    DeployCommand.ParseParameters(parse.GetValue(parameters)), parse.GetValue(image), parse.GetValue(description), parse.GetValue(force));
                Console.WriteLine($"registered {registration.Name} ({registration.Type}) on {string.Join(", ", registration.Symbols)}");
            }));
            return command;
        }

        public static Command CreateUnregister()
        {
            var common = new CommonOptions();
            var name = new Option<string>("--name", "-n") { Description = "Registered name to remove.", Required = true };
            var command = new Command("unregister", "Remove a registered strategy (its recorded trajectories stay).") { name };
            common.AddTo(command);
            command.SetAction(parse => Run(common, parse, () =>
            {
                using var coordinator = new SwarmCoordinator(Options(common, parse));
                var strategy = parse.GetValue(name)!;
                if (!coordinator.UnregisterStrategy(strategy))
                    throw new ArgumentException($"No strategy named '{strategy}' is registered.");
                Console.WriteLine("unregistered " + strategy);
            }));
            return command;
        }

        private static SwarmOptions Options(CommonOptions common, ParseResult parse)
        {
            var options = common.ToSwarmOptions(parse);
            options.EncryptionKey = StoreProbe.ReadKey(options.StorePath, required: false, "registering strategies");
            return options;
        }

        private static int Run(CommonOptions common, ParseResult parse, Action action)
        {
            try
            {
                action();
                return 0;
            }
            catch (System.Text.Json.JsonException e)
            {
                return CliError.Write(new ArgumentException("--params is not valid JSON: " + e.Message, e));
            }
            catch (Exception e) when (CliError.Handles(e))
            {
                return CliError.Write(e);
            }
        }
    }
}
