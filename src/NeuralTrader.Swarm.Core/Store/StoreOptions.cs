using System;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>Options for <see cref="TrajectoryStore.Open"/>.</summary>
    public sealed class StoreOptions
    {
        /// <summary>
        /// Database file (<see cref="TrajectoryStore.DefaultPath"/> when null or empty), or a <c>postgresql://user@host:port/database</c>
        /// URI for one store shared by several hosts. The URI never carries a password: it comes from
        /// <see cref="Credential"/>, PGPASSWORD or a pgpass file (PGPASSFILE, ~/.pgpass).
        /// </summary>
        public string? Path { get; set; }

        /// <summary>User name and password for a PostgreSQL store (a user name here replaces the URI's); null to use the URI's user and PGPASSWORD or a pgpass file.</summary>
        public System.Net.NetworkCredential? Credential { get; set; }

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
        /// <summary>True when the configured store is a PostgreSQL server (<c>postgresql://</c> or <c>postgres://</c> URI), not a file.</summary>
        internal static bool IsServer(string? path) => path != null &&
            (path.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase));

        /// <summary>
        /// Refuses a store URI that carries a password (<c>postgresql://user:password@host/db</c>): it would reach process
        /// arguments, scheduled task definitions, configuration listings and messages. The message does not repeat the URI.
        /// </summary>
        internal static void RefusePassword(string? path)
        {
            if (!IsServer(path))
            {
                return;
            }

            // The authority runs from "://" to the first '/' or '?'; its user information ends at its last '@'.
            var start = path!.IndexOf("://", StringComparison.Ordinal) + 3;
            var end = path.IndexOfAny(new[] { '/', '?' }, start);
            var authority = end < 0 ? path.Substring(start) : path.Substring(start, end - start);
            var at = authority.LastIndexOf('@');
            var query = path.IndexOf('?') < 0 ? string.Empty : path.Substring(path.IndexOf('?') + 1);
            var passwordSetting = query.Split('&').Any(pair =>
            {
                var key = Uri.UnescapeDataString(pair.Split('=')[0]).Trim();
                return key.Equals("password", StringComparison.OrdinalIgnoreCase) || key.Equals("pwd", StringComparison.OrdinalIgnoreCase);
            });
            if (passwordSetting || (at >= 0 && authority.Substring(0, at).IndexOf(':') >= 0))
            {
                throw new StoreException(SwarmErrorIds.InvalidStorePath, "The PostgreSQL store URI carries a password (user:password@ or ?password=): leave it out of the URI and give it with -StoreCredential (PowerShell), PGPASSWORD or a pgpass file (PGPASSFILE, ~/.pgpass).");
            }
        }

        /// <summary>The store file for a configured path: the default when none, <c>swarm.db</c> inside an existing folder; a server URI as it is.</summary>
        internal static string Resolve(string? path)
        {
            if (IsServer(path))
            {
                return path!;
            }

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
