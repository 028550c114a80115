using System;
using System.CommandLine;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>--validation-split / --walk-forward / --walk-forward-mode, shared by deploy and optimize.</summary>
    internal sealed class ValidationArguments
    {
        public Option<double?> Split { get; } = new Option<double?>("--validation-split")
        { Description = "Hold out this share of the bars at the end (0.3: in sample the first 70 %, out of sample the last 30 %)." };

        public Option<int?> WalkForward { get; } = new Option<int?>("--walk-forward")
        { Description = "Walk-forward folds: the window is cut into folds + 1 blocks, each fold tested on its block." };

        public Option<string> Mode { get; } = new Option<string>("--walk-forward-mode")
        { Description = "anchored (in sample: every block before the test block) or rolling (the one block before it).", DefaultValueFactory = _ => "anchored" };

        public ValidationArguments() => Mode.AcceptOnlyFromAmong("anchored", "rolling");

        public void AddTo(Command command)
        {
            command.Options.Add(Split);
            command.Options.Add(WalkForward);
            command.Options.Add(Mode);
        }

        /// <summary>The scheme asked for, or null; the ranges are Core's to check (the same messages as the module's).</summary>
        public ValidationOptions? From(ParseResult parse)
        {
            var split = parse.GetValue(Split);
            var folds = parse.GetValue(WalkForward);
            if (split != null && folds != null)
                throw new ArgumentException("Give either --validation-split or --walk-forward, not both.");
            if (split != null)
                return new ValidationOptions { Split = split };
            return folds != null ? new ValidationOptions { WalkForward = folds, Mode = parse.GetValue(Mode) } : null;
        }
    }
}
