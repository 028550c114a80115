using System.Globalization;
using System.Text;
using NeuralTrader.Swarm.Core.Security;
using Org.BouncyCastle.Crypto.Digests;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// The SHA3-512 fingerprint chain over a store's rows: each row's fingerprint covers the previous one and the row's
    /// content, and the head (last fingerprint and count) is written in the same transaction as the rows.
    /// </summary>
    internal sealed class FingerprintChain
    {
        /// <summary>The chain every store has: verifiable by anyone, no key needed.</summary>
        internal static readonly FingerprintChain Unkeyed = new FingerprintChain();

        /// <summary>The fingerprint before the first row.</summary>
        internal static readonly byte[] Genesis = new byte[64];

        private static readonly byte[] Domain = Encoding.UTF8.GetBytes("NeuralTrader.Swarm/chain/v2");

        /// <summary>
        /// Fingerprint = SHA3-512("NeuralTrader.Swarm/chain/v2" || previous fingerprint || SHA3-512(canonical bytes)).
        /// Hashing the content first keeps the sequential part inside the write transaction to one 155-byte hash.
        /// </summary>
        internal byte[] Fingerprint(byte[] previous, byte[] contentDigest)
        {
            var digest = RecordRow.t_digest ?? (RecordRow.t_digest = new Sha3Digest(512));
            digest.BlockUpdate(Domain, 0, Domain.Length);
            digest.BlockUpdate(previous, 0, previous.Length);
            digest.BlockUpdate(contentDigest, 0, contentDigest.Length);
            var output = new byte[64];
            digest.DoFinal(output, 0);
            return output;
        }

        /// <summary>Links <paramref name="row"/> after <paramref name="previous"/> and returns its fingerprint.</summary>
        internal byte[] Link(byte[] previous, RecordRow row)
        {
            row.PrevFingerprint = previous;
            row.Fingerprint = Fingerprint(previous, row.Digest ?? row.ContentDigest());
            return row.Fingerprint;
        }

        /// <summary>
        /// Checks the rows in chain order: each row's stored previous fingerprint must be the fingerprint before it, its
        /// fingerprint must match its contents, and the last fingerprint and the count must match the head. Detects
        /// edited, deleted, inserted and reordered rows.
        /// </summary>
        internal StoreVerification Verify(IBackendSnapshot snapshot)
        {
            var result = new StoreVerification { IsValid = true };
            var previous = Genesis;
            string? lastId = null;
            foreach (var row in snapshot.Rows())
            {
                result.RecordsChecked++;
                var seq = row.Seq.ToString(CultureInfo.InvariantCulture);
                if (!CryptoPrimitives.FixedTimeEquals(row.PrevFingerprint, previous))
                {
                    return Fail(result, row.Id, "Record '" + row.Id + "' (seq " + seq + ") does not follow the record before it: a record was deleted, inserted or reordered before it.");
                }

                if (!CryptoPrimitives.FixedTimeEquals(Fingerprint(previous, row.ContentDigest()), row.Fingerprint))
                {
                    return Fail(result, row.Id, "Record '" + row.Id + "' (seq " + seq + ") was modified: its fingerprint does not match its contents.");
                }

                previous = row.Fingerprint;
                lastId = row.Id;
            }

            var head = snapshot.Head;
            if (head.Count != result.RecordsChecked || !CryptoPrimitives.FixedTimeEquals(head.Fingerprint, previous))
            {
                return Fail(
                    result,
                    lastId,
                    string.Format(
                        CultureInfo.InvariantCulture,
                        "The chain head does not match: {0} records expected, {1} found; records after '{2}' were deleted or the head was altered.",
                        head.Count,
                        result.RecordsChecked,
                        lastId ?? "(start)"));
            }

            return result;
        }

        private static StoreVerification Fail(StoreVerification result, string? id, string problem)
        {
            result.IsValid = false;
            result.FirstBadRecordId = id;
            result.Problem = problem;
            return result;
        }
    }
}
