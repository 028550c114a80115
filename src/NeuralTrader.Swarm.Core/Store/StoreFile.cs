using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.Data.Sqlite;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// Checks a store path before SQLite sees it, and turns what SQLite and the file system throw while opening into
    /// one <see cref="StoreException"/> that names the path and the reason (never a raw SqliteException or stack trace).
    /// </summary>
    public static class StoreFile
    {
        // Files on these file systems look like empty regular files but are not storage: SQLite waits 30 s for a lock on
        // /dev/null and cannot open /proc/version.
        private static readonly HashSet<string> PseudoFileSystems = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "proc", "sysfs", "devtmpfs", "devpts", "debugfs", "securityfs", "tracefs", "configfs", "cgroup", "cgroup2",
        };

        /// <summary>The store file for a configured path (the default when null, <c>swarm.db</c> inside a folder); an empty or blank path is an error.</summary>
        public static string Resolve(string? path)
        {
            if (TrajectoryStore.IsServer(path))
            {
                StorePaths.RefusePassword(path);
                return path!;
            }
            if (path != null && path.Trim().Length == 0)
                throw new StoreException(SwarmErrorIds.InvalidStorePath, "The trajectory store path is empty: leave it out to use the default store, or name a file.");
            try
            {
                return StorePaths.Resolve(path);
            }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException)
            {
                throw Invalid(path!, e.Message, e);
            }
        }

        /// <summary>Opens the store after <see cref="Check"/>; open failures become InvalidStorePath or StoreReadOnly naming the path.</summary>
        public static TrajectoryStore Open(StoreOptions options)
        {
            var path = Check(options.Path);
            try
            {
                return TrajectoryStore.Open(options);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 8)
            {
                throw ReadOnly(path, e.Message, e);
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 14 || e.SqliteErrorCode == 10 || e.SqliteErrorCode == 23)
            {
                throw Invalid(path, "it cannot be opened (" + e.Message + ")", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw Invalid(path, "permission denied (" + e.Message + ")", e);
            }
            catch (IOException e)
            {
                throw Invalid(path, e.Message, e);
            }
        }

        /// <summary>
        /// The resolved path, after checking that what is there (if anything) can be a store: readable, not a device or
        /// kernel file, not a symbolic-link loop, and writable.
        /// </summary>
        public static string Check(string? configured)
        {
            var path = Resolve(configured);
            if (TrajectoryStore.IsServer(path))
                return path;
            var info = new FileInfo(path);
            // A dangling link or a link loop does not "exist", but SQLite would still fail on it; -1 means nothing is there.
            if (!info.Exists && ((int)info.Attributes == -1 || (info.Attributes & FileAttributes.ReparsePoint) == 0))
                return path;
            if (IsPseudoFile(path))
                throw Invalid(path, "it is a device or kernel file, not a regular file");
            try
            {
                // Opening reads through links (a loop fails here) and checks permissions; SQLite itself checks the format.
                using (new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                }
            }
            catch (UnauthorizedAccessException e)
            {
                throw Invalid(path, "permission denied (" + e.Message + ")", e);
            }
            catch (IOException e)
            {
                throw Invalid(path, e.Message, e);
            }
            // SQLite's write-ahead log needs write access even to read; without it the open fails or leaves -wal files behind.
            CheckWritable(path);
            return path;
        }

        /// <summary>
        /// Fails with StoreReadOnly when the existing store file cannot be opened for writing, so a swarm that would
        /// record trajectories is refused before it runs instead of failing after the work is done.
        /// </summary>
        public static void CheckWritable(string path)
        {
            if (TrajectoryStore.IsServer(path) || !File.Exists(path))
                return;
            try
            {
                using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
                {
                }
            }
            catch (UnauthorizedAccessException e)
            {
                throw ReadOnly(path, e.Message, e);
            }
            catch (IOException e)
            {
                throw ReadOnly(path, e.Message, e);
            }
        }

        private static bool IsPseudoFile(string path)
        {
            try
            {
                return PseudoFileSystems.Contains(new DriveInfo(path).DriveFormat);
            }
            catch (Exception e) when (e is IOException || e is ArgumentException || e is UnauthorizedAccessException)
            {
                // No file-system type to go by (Windows paths, odd mounts): the open itself reports the problem.
                return false;
            }
        }

        private static StoreException Invalid(string path, string reason, Exception? inner = null) =>
            new StoreException(SwarmErrorIds.InvalidStorePath, $"The trajectory store '{path}' cannot be used: {reason.TrimEnd('.', ' ')}.", inner);

        private static StoreException ReadOnly(string path, string reason, Exception? inner) =>
            new StoreException(SwarmErrorIds.StoreReadOnly,
                $"The trajectory store '{path}' is read-only ({reason.TrimEnd('.', ' ')}); the store needs write access, even to be read. Make it writable or choose another store.", inner);
    }
}
