using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Internal
{
    internal static class Completion
    {
        /// <summary>The built-in strategy types; the catalog when it answers, else the documented three.</summary>
        public static IReadOnlyList<string> BuiltInTypes()
        {
            try
            {
                return StrategyCatalog.All.Select(s => s.Name).ToList();
            }
            catch (Exception e) when (!(e is OutOfMemoryException))
            {
                return new[] { "momentum", "mean-reversion", "neural-forecast" };
            }
        }

        public static IEnumerable<CompletionResult> Complete(IEnumerable<string> candidates, string wordToComplete)
        {
            var word = (wordToComplete ?? "").Trim('\'', '"');
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            foreach (var candidate in candidates.Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(c => c, StringComparer.OrdinalIgnoreCase))
            {
                if (!pattern.IsMatch(candidate))
                    continue;
                var text = candidate.IndexOfAny(new[] { ' ', '\'', '"', '$' }) >= 0 ? "'" + candidate.Replace("'", "''") + "'" : candidate;
                yield return new CompletionResult(text, candidate, CompletionResultType.ParameterValue, candidate);
            }
        }

        public static SwarmCoordinator? Coordinator(IDictionary fakeBoundParameters)
        {
            if (fakeBoundParameters != null && fakeBoundParameters["Coordinator"] is object bound)
            {
                var value = bound is PSObject pso ? pso.BaseObject : bound;
                if (value is SwarmCoordinatorInfo { IsDisposed: false } given)
                    return given.Coordinator;
                if (value is string id && SwarmSession.FindCoordinator(id) is SwarmCoordinatorInfo named)
                    return named.Coordinator;
            }
            return SwarmSession.Current.Existing;
        }
    }

    /// <summary>Completes the Ids of the open coordinators New-SwarmCoordinator made.</summary>
    public sealed class CoordinatorIdCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) => Completion.Complete(SwarmSession.CoordinatorIds, wordToComplete);
    }

    /// <summary>Completes registered strategy names and built-in types.</summary>
    public sealed class StrategyNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var names = new List<string>();
            var coordinator = Completion.Coordinator(fakeBoundParameters);
            if (coordinator != null)
                names.AddRange(coordinator.GetStrategies().Select(s => s.Name));
            if (!string.Equals(commandName, "Unregister-Strategy", StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(commandName, "Get-Strategy", StringComparison.OrdinalIgnoreCase))
            {
                names.AddRange(Completion.BuiltInTypes());
            }

            return Completion.Complete(names, wordToComplete);
        }
    }

    /// <summary>Completes the built-in strategy types.</summary>
    public sealed class StrategyTypeCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.Complete(Completion.BuiltInTypes(), wordToComplete);
    }

    /// <summary>Completes the symbols with market data: the configured data path and the bundled data.</summary>
    public sealed class SymbolCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var symbols = new List<string>();
            var dataPath = Completion.Coordinator(fakeBoundParameters)?.Options.DataPath ?? SwarmSession.Current.Options.DataPath;
            foreach (var dir in new[] { dataPath, BundledData.Directory })
            {
                if (string.IsNullOrEmpty(dir))
                    continue;
                try
                {
                    if (Directory.Exists(dir))
                        symbols.AddRange(Directory.GetFiles(dir!, "*.csv").Select(f => Path.GetFileNameWithoutExtension(f).ToUpperInvariant()));
                    else if (File.Exists(dir))
                        symbols.Add(Path.GetFileNameWithoutExtension(dir).ToUpperInvariant());
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                }
            }
            return Completion.Complete(symbols, wordToComplete);
        }
    }
}
