using System;
using System.CommandLine;
using NeuralTrader.Swarm.Core;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>Options every command that builds a coordinator shares.</summary>
    internal sealed class CommonOptions
    {
        public Option<string?> Data { get; } = new Option<string?>("--data")
        { Description = "CSV file or folder of SYMBOL.csv files; searched before the bundled data." };

        public Option<IsolationMode> Isolation { get; } = new Option<IsolationMode>("--isolation")
        { Description = "Where agents run: Auto, Docker or Process.", DefaultValueFactory = _ => IsolationMode.Auto };

        public Option<int> MaxAgents { get; } = new Option<int>("--max-agents")
        { Description = "Most agents running at once; the rest queue.", DefaultValueFactory = _ => 10 };

        public Option<int> TimeoutMs { get; } = new Option<int>("--timeout")
        { Description = "Sandbox timeout per execution, in milliseconds.", DefaultValueFactory = _ => 300000 };

        public Option<bool> Json { get; } = new Option<bool>("--json")
        { Description = "Write machine-readable JSON to standard output." };

        public void AddTo(Command command)
        {
            command.Options.Add(Data);
            command.Options.Add(Isolation);
            command.Options.Add(MaxAgents);
            command.Options.Add(TimeoutMs);
            command.Options.Add(Json);
        }

        public SwarmOptions ToSwarmOptions(ParseResult parse) => new SwarmOptions
        {
            DataPath = parse.GetValue(Data),
            Isolation = parse.GetValue(Isolation),
            MaxAgents = parse.GetValue(MaxAgents),
            SandboxTimeout = TimeSpan.FromMilliseconds(parse.GetValue(TimeoutMs)),
        };
    }
}
