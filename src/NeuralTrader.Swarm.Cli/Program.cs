using System.CommandLine;
using System.Threading.Tasks;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>deploy-swarm: the cmdlets' commands for machines without PowerShell.</summary>
    internal static class Program
    {
        private static Task<int> Main(string[] args)
        {
            var root = new RootCommand("Run swarms of trading-strategy agents in sandboxes and learn from every run.")
            {
                Subcommands = { DeployCommand.Create() },
            };
            return root.Parse(args).InvokeAsync();
        }
    }
}
