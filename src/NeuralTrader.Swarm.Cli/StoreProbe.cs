using System;
using System.IO;
using System.Text;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>Looks at a store without changing it.</summary>
    internal static class StoreProbe
    {
        public static string PathOf(string? path) => StoreFile.Check(path);

        /// <summary>A store file that exists, or a server store (whose tables are made on first open).</summary>
        public static bool Exists(string? path) => TrajectoryStore.IsServer(path) || File.Exists(PathOf(path));

        /// <summary>True when the store file exists and its payloads are encrypted. Opening it without a key never adopts one.</summary>
        public static bool IsEncrypted(string? path)
        {
            if (!Exists(path))
                return false;
            using var store = StoreFile.Open(new StoreOptions { Path = path });
            return store.IsEncrypted;
        }

        /// <summary>
        /// The key for a command that reads the store: only when it is encrypted (a key given to a plaintext
        /// store would be adopted and encrypt it from then on, which reading must not do).
        /// </summary>
        public static StoreKey? ReadKey(string? path, bool required, string purpose) =>
            IsEncrypted(path) ? KeySource.Resolve(required, purpose) : null;
    }
}
