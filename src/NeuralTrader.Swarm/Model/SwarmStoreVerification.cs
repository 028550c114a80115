using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm
{
    /// <summary>Result of checking the store's SHA3-512 chain (Test-SwarmStore).</summary>
    public sealed class SwarmStoreVerification
    {
        internal SwarmStoreVerification(StoreVerification verification)
        {
            IsValid = verification.IsValid;
            RecordsChecked = verification.RecordsChecked;
            FirstBadRecordId = verification.FirstBadRecordId;
            Problem = verification.Problem;
            Path = verification.Path;
            KeyId = verification.KeyId;
        }

        /// <summary>True when every record links to the one before it, matches its fingerprint, and the head matches.</summary>
        public bool IsValid { get; }
        /// <summary>Records walked.</summary>
        public long RecordsChecked { get; }
        /// <summary>Id of the first record that failed, when one did.</summary>
        public string? FirstBadRecordId { get; }
        /// <summary>What was wrong.</summary>
        public string? Problem { get; }
        /// <summary>The store file.</summary>
        public string Path { get; }
        /// <summary>Key id the payloads are encrypted under; empty for a plaintext store.</summary>
        public string? KeyId { get; }
    }
}
