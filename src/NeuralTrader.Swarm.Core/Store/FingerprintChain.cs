using System;
using System.Globalization;
using System.Text;
using NeuralTrader.Swarm.Core.Security;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// The SHA3-512 fingerprint chain over a store's rows: each row's fingerprint covers the previous one and the row's
    /// content, and the head (last fingerprint and count) is written in the same transaction as the rows. Anyone can
    /// check the links; only the head says where the chain ends, so in a store with a symmetric key the head is also
    /// signed (HMAC-SHA3-512 under a key derived from the store key): removing the last records and rewriting the head,
    /// or emptying the store, is then caught by whoever holds the key. HQC stores are not signed: their writers may hold
    /// only the public key, and a signature anyone with the public key can make (directly, or under the secret of an
    /// encapsulation they made themselves) proves nothing; see docs/learning.md.
    /// </summary>
    internal sealed class FingerprintChain
    {
        /// <summary>The chain without a key: links and head are checked, the head's signature cannot be.</summary>
        internal static readonly FingerprintChain Unkeyed = new FingerprintChain(null, null);

        private static readonly byte[] HeadDomain = Encoding.UTF8.GetBytes("NeuralTrader.Swarm/chain-head/v1");
        private readonly byte[]? _headKey;
        private readonly string? _keyId;

        private FingerprintChain(byte[]? headKey, string? keyId)
        {
            _headKey = headKey;
            _keyId = keyId;
        }

        /// <summary>The chain of a store opened with <paramref name="key"/> (its key): signed when the key is symmetric.</summary>
        internal static FingerprintChain For(StoreKey? key) => key?.ChainKey is byte[] headKey ? new FingerprintChain(headKey, key.KeyId) : Unkeyed;

        /// <summary>True when this chain signs and checks the head.</summary>
        internal bool Signs => _headKey != null;

        /// <summary>The head as written: signed when this chain has a key.</summary>
        internal ChainHead Head(byte[] fingerprint, long count) => new ChainHead(fingerprint, count, Sign(fingerprint, count), _headKey != null);

        /// <summary>
        /// Before rows are appended: the head must be the last row's fingerprint (records removed at the end without
        /// the head, or a head rewritten, break this) and, in a signed store, carry a valid signature, or none only while
        /// no record is sealed (<paramref name="anySealedRow"/>, asked only then: a plaintext store that has just taken
        /// a key). Cheap (the last row only); <see cref="Verify"/> checks every link.
        /// </summary>
        internal void CheckTail(ChainHead head, byte[]? lastFingerprint, Func<bool> anySealedRow, string location)
        {
            string? problem = null;
            if (!CryptoPrimitives.FixedTimeEquals(lastFingerprint ?? Genesis, head.Fingerprint))
            {
                problem = "its head does not match its last record";
            }
            else if (!SignatureHolds(head))
            {
                problem = "its head is not signed by the store key";
            }
            else if (_headKey != null && head.Signature is null && head.Count > 0 && anySealedRow())
            {
                // Writers that seal under the key sign the head: appending here would sign over a removed signature.
                problem = "its head is not signed, yet it holds records sealed under the store key";
            }

            if (problem != null)
            {
                throw new StoreException(
                    StoreErrorIds.TamperedStore,
                    "The store " + location + " does not verify (" + problem + "): records were removed or the head rewritten since the last write. Nothing was appended. Check it with Test-SwarmStore or deploy-swarm status, and restore it from an export.");
            }
        }

        /// <summary>The fingerprint before the first row.</summary>
        internal static readonly byte[] Genesis = new byte[64];

        private static readonly byte[] Domain = Encoding.UTF8.GetBytes("NeuralTrader.Swarm/chain/v2");

        [ThreadStatic]
        private static byte[]? t_input;

        /// <summary>
        /// Fingerprint = SHA3-512("NeuralTrader.Swarm/chain/v2" || previous fingerprint || SHA3-512(canonical bytes)).
        /// Hashing the content first keeps the sequential part inside the write transaction to one 155-byte hash.
        /// </summary>
        internal byte[] Fingerprint(byte[] previous, byte[] contentDigest)
        {
            var input = t_input ?? (t_input = new byte[Domain.Length + 128]);
            if (Domain.Length + previous.Length + contentDigest.Length != input.Length)
            {
                input = new byte[Domain.Length + previous.Length + contentDigest.Length]; // not 64-byte digests: only a damaged row
            }

            Buffer.BlockCopy(Domain, 0, input, 0, Domain.Length);
            Buffer.BlockCopy(previous, 0, input, Domain.Length, previous.Length);
            Buffer.BlockCopy(contentDigest, 0, input, Domain.Length + previous.Length, contentDigest.Length);
            return CryptoPrimitives.Sha3_512(input, 0, input.Length);
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
            var sealedUnderKey = false;
            foreach (var row in snapshot.Rows())
            {
                sealedUnderKey |= _keyId != null && row.Encryption != 0 && string.Equals(row.KeyId, _keyId, StringComparison.Ordinal);
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
            if (sealedUnderKey && head.Signature is null)
            {
                // Every writer that seals under this key signs the head: an unsigned one had its signature removed.
                return Fail(result, lastId, "The chain head is not signed, yet the store holds records sealed under this key (whose writers sign the head): the signature was removed, and records may have been removed from the end.");
            }

            if (!SignatureHolds(head))
            {
                return Fail(result, lastId, "The chain head is not signed by the store key: records were removed from the end, or the store emptied, by someone without the key.");
            }

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

        /// <summary>True when the head's signature checks out, or cannot be checked (no key, or never signed).</summary>
        private bool SignatureHolds(ChainHead head)
        {
            if (_headKey is null || (!head.Signed && head.Signature is null))
            {
                return true;
            }

            var expected = Sign(head.Fingerprint, head.Count);
            return head.Signature != null && CryptoPrimitives.FixedTimeEquals(Encoding.ASCII.GetBytes(expected!), Encoding.ASCII.GetBytes(head.Signature));
        }

        private string? Sign(byte[] fingerprint, long count)
        {
            if (_headKey is null)
            {
                return null;
            }

            var mac = new HMac(new Sha3Digest(512));
            mac.Init(new KeyParameter(_headKey));
            var counter = BitConverter.GetBytes(count);
            if (BitConverter.IsLittleEndian)
            {
                Array.Reverse(counter);
            }

            mac.BlockUpdate(HeadDomain, 0, HeadDomain.Length);
            mac.BlockUpdate(fingerprint, 0, fingerprint.Length);
            mac.BlockUpdate(counter, 0, counter.Length);
            var output = new byte[mac.GetMacSize()];
            mac.DoFinal(output, 0);
            return CryptoPrimitives.ToHex(output);
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
