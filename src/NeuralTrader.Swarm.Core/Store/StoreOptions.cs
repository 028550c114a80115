using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>Options for <see cref="TrajectoryStore.Open"/>.</summary>
    public sealed class StoreOptions
    {
        /// <summary>Database file; <see cref="TrajectoryStore.DefaultPath"/> when null or empty.</summary>
        public string? Path { get; set; }

        /// <summary>Encryption key, or null for a plaintext store (or to read only the plaintext columns of an encrypted one).</summary>
        public StoreKey? Key { get; set; }

        /// <summary>Logger factory; null logs nothing.</summary>
        public ILoggerFactory? LoggerFactory { get; set; }

        /// <summary>How long a write waits for other writers before failing with <c>StoreBusy</c> (default 30 s).</summary>
        public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);
    }

    /// <summary>Default locations.</summary>
    internal static class StorePaths
    {
        /// <summary>The store file for a configured path: the default when none, <c>swarm.db</c> inside an existing folder.</summary>
        internal static string Resolve(string? path)
        {
            var full = System.IO.Path.GetFullPath(string.IsNullOrEmpty(path) ? Default() : path!);
            return System.IO.Directory.Exists(full) ? System.IO.Path.Combine(full, "swarm.db") : full;
        }

        internal static string Default()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
                return System.IO.Path.Combine(local, "NeuralTrader.Swarm", "swarm.db");
            }

            var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrEmpty(xdg) || !System.IO.Path.IsPathRooted(xdg))
            {
                var home = Environment.GetEnvironmentVariable("HOME");
                if (string.IsNullOrEmpty(home))
                {
                    home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                }

                xdg = System.IO.Path.Combine(home!, ".local", "share");
            }

            return System.IO.Path.Combine(xdg!, "NeuralTrader.Swarm", "swarm.db");
        }
    }
}
