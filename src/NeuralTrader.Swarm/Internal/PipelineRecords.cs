using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// Core's benchmark records (scenario, strategy and threshold results, latency statistics, executions) as
    /// PowerShell objects named after the module (NeuralTrader.Swarm.SwarmBenchmarkScenario, ...): the same
    /// properties, but no Core type reaches the pipeline, so scripts never bind to the module's load context.
    /// </summary>
    internal static class PipelineRecords
    {
        public const string TypePrefix = "NeuralTrader.Swarm.";

        private static readonly Dictionary<string, string> Names = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ScenarioResult"] = "SwarmBenchmarkScenario",
            ["StrategyResult"] = "SwarmBenchmarkStrategy",
            ["ThresholdResult"] = "SwarmBenchmarkThreshold",
            ["BenchmarkExecution"] = "SwarmBenchmarkExecution",
            ["LatencyStatistics"] = "SwarmLatency",
            ["CleanupTiming"] = "SwarmCleanupTiming",
        };

        /// <summary>The module's type name for a Core record type.</summary>
        public static string NameOf(Type coreType) =>
            TypePrefix + (Names.TryGetValue(coreType.Name, out var name) ? name : "Swarm" + coreType.Name);

        /// <summary>A PowerShell object with the record's public properties, nested records converted too.</summary>
        public static PSObject From(object record)
        {
            var o = new PSObject();
            o.TypeNames.Insert(0, NameOf(record.GetType()));
            foreach (var property in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length == 0)
                    o.Properties.Add(new PSNoteProperty(property.Name, Value(property.GetValue(record))));
            }

            return o;
        }

        /// <summary>Records converted one by one.</summary>
        public static PSObject[] FromAll(IEnumerable records) => records.Cast<object>().Select(From).ToArray();

        private static object? Value(object? value)
        {
            switch (value)
            {
                case null:
                case string _:
                    return value;
                case Enum e:
                    return e.ToString();
                case IDictionary dictionary:
                    var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
                    foreach (DictionaryEntry entry in dictionary)
                        table[entry.Key] = Value(entry.Value);
                    return table;
                case IEnumerable items:
                    return items.Cast<object?>().Select(Value).ToArray();
                default:
                    // Only the module's own records are converted; numbers, dates, times and other .NET values pass as they are.
                    return value.GetType().Namespace?.StartsWith("NeuralTrader.Swarm", StringComparison.Ordinal) == true ? From(value) : value;
            }
        }
    }
}
