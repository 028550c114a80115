using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>Filter for <see cref="TrajectoryStore.Query"/>.</summary>
    public sealed class TrajectoryFilter
    {
        /// <summary>Strategy name (case-insensitive), or null for all.</summary>
        public string? Strategy { get; set; }

        /// <summary>Symbol (case-insensitive), or null for all.</summary>
        public string? Symbol { get; set; }

        /// <summary>Only trajectories completed at or after this time.</summary>
        public DateTimeOffset? Since { get; set; }

        /// <summary>Only trajectories completed before this time.</summary>
        public DateTimeOffset? Until { get; set; }

        /// <summary>True: only successful executions; false: only failed ones; null: both.</summary>
        public bool? Success { get; set; }

        /// <summary>Maximum number of results (newest first, or most similar first with <see cref="Similar"/>).</summary>
        public int? Limit { get; set; }

        /// <summary>Ranks by TF-IDF cosine similarity of the task text to this text and drops unrelated ones.</summary>
        public string? Similar { get; set; }
    }

    /// <summary>A trajectory as read back from the store.</summary>
    public sealed class StoredTrajectory
    {
        /// <summary>Insertion sequence (the chain order).</summary>
        public long Sequence { get; set; }

        /// <summary>Record id.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>Start time.</summary>
        public DateTimeOffset StartedAt { get; set; }

        /// <summary>Completion time.</summary>
        public DateTimeOffset CompletedAt { get; set; }

        /// <summary>Strategy name.</summary>
        public string StrategyName { get; set; } = string.Empty;

        /// <summary>Symbol.</summary>
        public string Symbol { get; set; } = string.Empty;

        /// <summary>Success flag (execution succeeded).</summary>
        public bool Success { get; set; }

        /// <summary>Score in [0,1].</summary>
        public double Score { get; set; }

        /// <summary>Duration in milliseconds.</summary>
        public long DurationMs { get; set; }

        /// <summary>True when the payload is encrypted in the store.</summary>
        public bool Encrypted { get; set; }

        /// <summary>Hex SHA3-512 chain fingerprint.</summary>
        public string Fingerprint { get; set; } = string.Empty;

        /// <summary>Similarity to the <see cref="TrajectoryFilter.Similar"/> text, when one was given.</summary>
        public double? Similarity { get; set; }

        /// <summary>The full trajectory, or null when the payload could not be decrypted (no key or a public key only).</summary>
        public Trajectory? Trajectory { get; set; }
    }

    /// <summary>A strategy registration kept in the store so every process sees it.</summary>
    public sealed class StoredStrategy
    {
        /// <summary>Unique name (case-insensitive).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>Strategy type.</summary>
        public string Type { get; set; } = string.Empty;

        /// <summary>Symbols it trades.</summary>
        public List<string> Symbols { get; set; } = new List<string>();

        /// <summary>Parameters as a JSON object.</summary>
        public string ParametersJson { get; set; } = "{}";

        /// <summary>Container image, if any.</summary>
        public string? Image { get; set; }

        /// <summary>Description.</summary>
        public string? Description { get; set; }

        /// <summary>When it was registered.</summary>
        public DateTimeOffset RegisteredAt { get; set; }
    }

    /// <summary>Result of <see cref="TrajectoryStore.Verify"/>.</summary>
    public sealed class StoreVerification
    {
        /// <summary>True when every record's fingerprint and link checked out and the head matches.</summary>
        public bool IsValid { get; set; }

        /// <summary>Records checked.</summary>
        public long RecordsChecked { get; set; }

        /// <summary>Id of the first record that failed, if any.</summary>
        public string? FirstBadRecordId { get; set; }

        /// <summary>What was wrong, if anything.</summary>
        public string? Problem { get; set; }

        /// <summary>The store checked (a server store's location without its password).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Key id the payloads are encrypted under; null for a plaintext store.</summary>
        public string? KeyId { get; set; }
    }

    /// <summary>Where a store is and how it is protected (read when it opens; no query).</summary>
    public sealed class StoreStatus
    {
        /// <summary>The store file, or a server store's location without its password.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Key id the payloads are encrypted under; null for a plaintext store.</summary>
        public string? KeyId { get; set; }

        /// <summary>True when the payloads are encrypted.</summary>
        public bool IsEncrypted => KeyId != null;

        /// <summary>True when the key at hand decrypts the payloads (always for a plaintext store).</summary>
        public bool PayloadsReadable { get; set; }

        internal static StoreStatus Of(TrajectoryStore store) => new StoreStatus
        {
            Path = store.Path,
            KeyId = store.KeyId,
            PayloadsReadable = store.CanReadPayloads,
        };
    }

    /// <summary>What an export wrote.</summary>
    public sealed class StateExport
    {
        internal StateExport(int trajectories, int strategies, string? keyId)
        {
            Trajectories = trajectories;
            Strategies = strategies;
            KeyId = keyId;
        }

        /// <summary>Trajectories written.</summary>
        public int Trajectories { get; }

        /// <summary>Strategy registrations written.</summary>
        public int Strategies { get; }

        /// <summary>Key id the written trajectories are encrypted under; null when they were written in clear.</summary>
        public string? KeyId { get; }
    }

    /// <summary>What <see cref="TrajectoryStore.ImportState(string)"/> did.</summary>
    public sealed class ImportResult
    {
        /// <summary>Trajectories added.</summary>
        public int Imported { get; set; }

        /// <summary>Trajectories skipped because their id was already in the store.</summary>
        public int Skipped { get; set; }

        /// <summary>Strategy registrations added (existing names are kept).</summary>
        public int StrategiesImported { get; set; }
    }
}
