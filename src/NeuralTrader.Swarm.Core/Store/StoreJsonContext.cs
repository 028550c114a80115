using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// Source-generated serialisation of the payload: no reflection, and the fast path writes straight to UTF-8, which
    /// matters for append throughput (every record is serialised before it is encrypted).
    /// </summary>
    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UseStringEnumConverter = true)]
    [JsonSerializable(typeof(Trajectory))]
    [JsonSerializable(typeof(List<StoredStrategy>))]
    [JsonSerializable(typeof(IReadOnlyList<StoredStrategy>))]
    internal sealed partial class StoreJsonContext : JsonSerializerContext
    {
    }
}
