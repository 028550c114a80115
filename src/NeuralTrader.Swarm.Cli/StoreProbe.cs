using System.IO;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>Looks at a store without changing it.</summary>
    internal static class StoreProbe
    {
        public static string PathOf(string? path) => StoreFile.Check(path);

        /// <summary>A store file that exists, or a server store (whose tables are made on first open).</summary>
        public static bool Exists(string? path) => TrajectoryStore.IsServer(path) || File.Exists(PathOf(path));

        /// <summary>True when the store file exists and its payloads are encrypted. Opening it without a key never adopts one.</summary>
        public static bool IsEncrypted(string? path) => SwarmCoordinator.ProbeStore(path)?.IsEncrypted == true;

        /// <summary>
        /// The key for a command that reads the store: only when it is encrypted (a key given to a plaintext
        /// store would be adopted and encrypt it from then on, which reading must not do).
        /// </summary>
        public static StoreKey? ReadKey(string? path, bool required, string purpose) =>
            IsEncrypted(path) ? KeySource.Resolve(required, purpose) : null;
    }
}
