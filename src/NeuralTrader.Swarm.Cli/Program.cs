using System;
using System.CommandLine;
using System.Threading.Tasks;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>deploy-swarm: the cmdlets' commands for machines without PowerShell.</summary>
    internal static class Program
    {
        private static async Task<int> Main(string[] args)
        {
            // Checked before parsing: a parse error would echo the offending token, and here that token is a key.
            var keyMisuse = KeySource.CheckArguments(args);
            if (keyMisuse != null)
            {
                Console.Error.WriteLine("deploy-swarm: " + keyMisuse);
                return CliError.Usage;
            }

            var parse = CreateRoot().Parse(args);
            if (parse.Errors.Count > 0)
            {
                // One line per problem and exit code 2, like every other usage error (System.CommandLine would print help and return 1).
                foreach (var error in parse.Errors)
                    Console.Error.WriteLine("deploy-swarm: " + error.Message);
                return CliError.Usage;
            }
            using var signals = new TerminationSignals();
            int code;
            try
            {
                // Our handlers, not System.CommandLine's: the command decides when cleanup is done (ProcessTerminationTimeout
                // null), and an unexpected exception is one line, never a stack trace (EnableDefaultExceptionHandler false).
                code = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false },
                    signals.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Console.Error.WriteLine($"deploy-swarm: unexpected error ({e.GetType().Name}): {e.Message}");
                code = 1;
            }
            return signals.ExitCode ?? code;
        }

        public static RootCommand CreateRoot() => new RootCommand("Run swarms of trading-strategy agents in sandboxes and learn from every run.")
        {
            Subcommands =
            {
                DeployCommand.Create(),
                RegisterCommand.Create(),
                RegisterCommand.CreateUnregister(),
                OptimizeCommand.Create(),
                BenchmarkCommand.Create(),
                StatusCommand.Create(),
                PatternsCommand.Create(),
                ExportCommand.Create(),
                ImportCommand.Create(),
            },
        };
    }
}
