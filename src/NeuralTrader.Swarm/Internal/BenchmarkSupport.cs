using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>Completes -ScenarioName with the built-in scenarios.</summary>
    internal sealed class ScenarioNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters) =>
            Completion.Complete(BenchmarkScenario.Defaults.Select(s => s.Name), wordToComplete);
    }

    internal static class BenchmarkSupport
    {
        /// <summary>A scenario from a BenchmarkScenario, a hashtable or an object with Name, Agents, Iterations (and optional Strategies, Symbols).</summary>
        public static BenchmarkScenario ParseScenario(object input)
        {
            var value = input is PSObject pso ? pso.BaseObject : input;
            if (value is BenchmarkScenario scenario)
                return scenario;
            // A bare name (-Scenario light-load) means a built-in scenario, as -ScenarioName does; unknown names say so.
            if (value is string text)
                return BenchmarkScenario.Select(new[] { text }).Single();
            Func<string, object?> get;
            if (value is IDictionary table)
            {
                get = key =>
                {
                    foreach (DictionaryEntry e in table)
                    {
                        if (string.Equals(Convert.ToString(e.Key, CultureInfo.InvariantCulture), key, StringComparison.OrdinalIgnoreCase))
                            return e.Value is PSObject p ? p.BaseObject : e.Value;
                    }

                    return null;
                };
            }
            else
            {
                var wrapped = PSObject.AsPSObject(input);
                get = key => wrapped.Properties[key]?.Value is PSObject p ? p.BaseObject : wrapped.Properties[key]?.Value;
            }
            var name = Convert.ToString(get("Name"), CultureInfo.InvariantCulture);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    "A benchmark scenario needs a Name, e.g. @{ Name = 'tiny'; Agents = 2; Iterations = 5 }.", input);
            }

            var result = new BenchmarkScenario(name!.Trim(), ToInt(get("Agents"), 1, name!, "Agents"), ToInt(get("Iterations"), 1, name!, "Iterations"));
            var strategies = ToStrings(get("Strategies") ?? get("Strategy"));
            if (strategies != null)
                result.Strategies = strategies;
            var symbols = ToStrings(get("Symbols") ?? get("Symbol"));
            if (symbols != null)
                result.Symbols = symbols;
            result.Validate();
            return result;
        }

        private static int ToInt(object? value, int fallback, string scenario, string property)
        {
            if (value == null)
                return fallback;
            try
            {
                return Convert.ToInt32(value, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException || e is InvalidCastException || e is OverflowException)
            {
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument,
                    $"{property} of benchmark scenario '{scenario}' must be a whole number, not '{value}'.", scenario);
            }
        }

        private static List<string>? ToStrings(object? value)
        {
            if (value == null)
                return null;
            if (value is string s)
                return new List<string> { s };
            if (value is IEnumerable items)
            {
                return items.Cast<object?>().Select(i => Convert.ToString(i is PSObject p ? p.BaseObject : i, CultureInfo.InvariantCulture))
                    .Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!).ToList();
            }

            return new List<string> { Convert.ToString(value, CultureInfo.InvariantCulture)! };
        }

        /// <summary>
        /// The learning numbers for recommendations and the coordinator report (Core's one summary), from the
        /// coordinator's store; null when learning is off or the store cannot be read (the reason goes to <paramref name="verbose"/>).
        /// </summary>
        public static LearningSummary? Learning(SwarmCoordinator coordinator, Action<string> verbose)
        {
            if (!coordinator.Options.LearningEnabled)
                return null;
            try
            {
                return coordinator.GetLearningSummary();
            }
            catch (Exception e) when (e is SwarmException || e is InvalidOperationException || e is System.IO.IOException)
            {
                verbose("Learning numbers are left out: " + e.Message);
                return null;
            }
        }
    }
}
