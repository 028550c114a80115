using System;
using System.Collections.Generic;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// Where a <see cref="TrajectoryStore"/> keeps its rows: one SQLite file per machine, or one PostgreSQL database
    /// shared by every host. A backend stores sealed rows and serialises writers; it never sees a key or a plaintext
    /// payload. Sealing payloads and checking the chain stay in <see cref="TrajectoryStore"/>, so every backend gets
    /// the same encryption and the same fingerprints. Every backend passes the same contract tests.
    /// </summary>
    internal interface ITrajectoryBackend : IDisposable
    {
        /// <summary>Where the data lives (a file path or a server and database), for messages.</summary>
        string Location { get; }

        /// <summary>A value of the store's key-value metadata (key id, key kind), or null.</summary>
        string? ReadMeta(string key);

        /// <summary>
        /// Writes <paramref name="batch"/> in one transaction under the store-wide write lock: metadata keys that are not
        /// set yet, encapsulations, strategies (new names only unless <see cref="WriteBatch.ReplaceStrategies"/>), then
        /// each row whose id is new, linked to the chain head by <see cref="WriteBatch.Chain"/>, and the new head.
        /// Rows written get their <see cref="RecordRow.PrevFingerprint"/> and <see cref="RecordRow.Fingerprint"/> set.
        /// Rows are refused (<c>TamperedStore</c>) when the head does not match the last row (<see cref="FingerprintChain.CheckTail"/>).
        /// </summary>
        WriteResult Write(WriteBatch batch);

        /// <summary>Number of rows.</summary>
        long Count();

        /// <summary>The row with this id, or null.</summary>
        RecordRow? Get(string id);

        /// <summary>Rows matching the filter's strategy, symbol, time and success, newest first, at most <paramref name="limit"/>.</summary>
        IReadOnlyList<RecordRow> Query(TrajectoryFilter filter, int? limit);

        /// <summary>Ids of all rows.</summary>
        HashSet<string> Ids();

        /// <summary>Runs <paramref name="read"/> over one consistent snapshot: the head, the rows in chain order, the encapsulations.</summary>
        T Snapshot<T>(Func<IBackendSnapshot, T> read);

        /// <summary>
        /// The rows appended after <paramref name="afterSeq"/> of <paramref name="generation"/> (all rows when the store's
        /// generation is another one) with the encapsulations they need, or null when nothing was committed by anyone
        /// since the previous call on this backend (cheap: the learning model calls it before every read).
        /// </summary>
        RecordFeed? ReadSince(string generation, long afterSeq);

        /// <summary>Deletes every row and encapsulation, resets the head (signed by <paramref name="chain"/>) and starts a new generation; returns the rows deleted.</summary>
        long Reset(FingerprintChain chain);

        /// <summary>Removes a strategy registration; true when it existed.</summary>
        bool RemoveStrategy(string name);

        /// <summary>All strategy registrations, by name.</summary>
        IReadOnlyList<StoredStrategy> LoadStrategies();

        /// <summary>The HQC encapsulation with this id, or null.</summary>
        byte[]? LoadEncapsulation(string kemId);
    }

    /// <summary>A consistent read view of a backend (verification and export).</summary>
    internal interface IBackendSnapshot
    {
        /// <summary>The chain head and count as last written.</summary>
        ChainHead Head { get; }

        /// <summary>Every row in chain (insertion) order.</summary>
        IEnumerable<RecordRow> Rows();

        /// <summary>Every HQC encapsulation, oldest first.</summary>
        IReadOnlyList<KemRecord> Encapsulations();
    }

    /// <summary>The last fingerprint of the chain, how many rows it covers, and its signature in a keyed store.</summary>
    internal readonly struct ChainHead
    {
        internal ChainHead(byte[] fingerprint, long count, string? signature = null, bool signed = false)
        {
            Fingerprint = fingerprint;
            Count = count;
            Signature = signature;
            Signed = signed;
        }

        internal byte[] Fingerprint { get; }

        internal long Count { get; }

        /// <summary>Hex HMAC of the head under the store key's chain key, or null.</summary>
        internal string? Signature { get; }

        /// <summary>True once a keyed writer has signed the head: from then on a missing signature is tampering.</summary>
        internal bool Signed { get; }
    }

    /// <summary>The metadata keys of the head, the same in every backend, and their values.</summary>
    internal static class HeadMeta
    {
        internal const string Fingerprint = "chain_head";
        internal const string Count = "chain_count";
        internal const string Signature = "chain_head_mac";
        internal const string Signed = "chain_signed";

        /// <summary>The head from its stored values (missing ones: the empty chain, unsigned).</summary>
        internal static ChainHead Parse(string? fingerprint, string? count, string? signature, string? signed) => new ChainHead(
            fingerprint is null ? FingerprintChain.Genesis : Security.CryptoPrimitives.FromHex(fingerprint),
            count is null ? 0 : long.Parse(count, System.Globalization.CultureInfo.InvariantCulture),
            signature,
            signed == "1");

        /// <summary>The values to store for <paramref name="head"/>; the signature keys only when it is signed.</summary>
        internal static IEnumerable<KeyValuePair<string, string>> Values(ChainHead head)
        {
            yield return new KeyValuePair<string, string>(Fingerprint, Security.CryptoPrimitives.ToHex(head.Fingerprint));
            yield return new KeyValuePair<string, string>(Count, head.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (head.Signature != null)
            {
                yield return new KeyValuePair<string, string>(Signature, head.Signature);
                yield return new KeyValuePair<string, string>(Signed, "1");
            }
        }
    }

    /// <summary>An HQC-128 encapsulation: the KEM ciphertext that session-key payloads name by id.</summary>
    internal sealed class KemRecord
    {
        internal string KemId { get; set; } = string.Empty;

        internal string KeyId { get; set; } = string.Empty;

        internal byte[] Encapsulation { get; set; } = Array.Empty<byte>();

        internal long CreatedAtMs { get; set; }
    }

    /// <summary>What one write transaction adds.</summary>
    internal sealed class WriteBatch
    {
        /// <summary>How rows are linked to the head.</summary>
        internal FingerprintChain Chain { get; set; } = FingerprintChain.Unkeyed;

        internal IReadOnlyList<RecordRow> Rows { get; set; } = Array.Empty<RecordRow>();

        internal IReadOnlyList<KemRecord> Encapsulations { get; set; } = Array.Empty<KemRecord>();

        internal IReadOnlyList<StoredStrategy> Strategies { get; set; } = Array.Empty<StoredStrategy>();

        /// <summary>True to replace registrations of the same name (register); false keeps existing ones (import).</summary>
        internal bool ReplaceStrategies { get; set; }

        /// <summary>Metadata written only where the key is not set yet (adopting a store key).</summary>
        internal IReadOnlyDictionary<string, string>? MetaIfAbsent { get; set; }
    }

    /// <summary>What a write added.</summary>
    internal readonly struct WriteResult
    {
        internal WriteResult(int rows, int strategies)
        {
            Rows = rows;
            Strategies = strategies;
        }

        /// <summary>Rows appended (ids already present are skipped).</summary>
        internal int Rows { get; }

        /// <summary>Strategy registrations written.</summary>
        internal int Strategies { get; }
    }

    /// <summary>Rows new since the learning model's last read.</summary>
    internal sealed class RecordFeed
    {
        /// <summary>Changes when the store is reset: everything learned before belongs to the old generation.</summary>
        internal string Generation { get; set; } = "0";

        internal IReadOnlyList<RecordRow> Rows { get; set; } = Array.Empty<RecordRow>();

        internal IReadOnlyDictionary<string, byte[]> Encapsulations { get; set; } = new Dictionary<string, byte[]>();
    }
}
