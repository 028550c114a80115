using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>Source-generated serialisation of what the learning model adds to an export (patterns and statistics).</summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UseStringEnumConverter = true)]
    [JsonSerializable(typeof(IReadOnlyList<Pattern>))]
    [JsonSerializable(typeof(LearningStats))]
    internal sealed partial class LearningJsonContext : JsonSerializerContext
    {
    }
}
