namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>Stable FNV-1a hashing for seeds and ids (string.GetHashCode is randomised per process).</summary>
    internal static class StableHash
    {
        internal static int Of(params string[] parts)
        {
            unchecked
            {
                var hash = 2166136261u;
                foreach (var part in parts)
                {
                    foreach (var c in part ?? string.Empty)
                    {
                        hash = (hash ^ c) * 16777619u;
                    }

                    hash = (hash ^ 0xFFu) * 16777619u;
                }

                return (int)(hash & 0x7FFFFFFF);
            }
        }
    }
}
