using System;
using System.IO;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>The stored columns of one trajectory row, and its canonical bytes for the chain.</summary>
    internal sealed class RecordRow
    {
        internal long Seq { get; set; }

        internal string Id { get; set; } = string.Empty;

        internal long StartedAtMs { get; set; }

        internal long CompletedAtMs { get; set; }

        internal string Strategy { get; set; } = string.Empty;

        internal string Symbol { get; set; } = string.Empty;

        internal bool Success { get; set; }

        internal double Score { get; set; }

        internal long DurationMs { get; set; }

        /// <summary>0 plaintext JSON, 1 AES-256-GCM with a symmetric key, 2 AES-256-GCM under an HQC-128 session key.</summary>
        internal int Encryption { get; set; }

        internal string? KeyId { get; set; }

        internal string? KemId { get; set; }

        internal byte[] Payload { get; set; } = Array.Empty<byte>();

        internal byte[]? OriginFingerprint { get; set; }

        internal byte[] PrevFingerprint { get; set; } = Array.Empty<byte>();

        internal byte[] Fingerprint { get; set; } = Array.Empty<byte>();

        /// <summary>
        /// Reads a row selected as seq, id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc,
        /// key_id, kem_id, payload, origin_fingerprint, prev_fingerprint, fingerprint: the column order of every backend.
        /// </summary>
        internal static RecordRow Read(System.Data.Common.DbDataReader reader) => new RecordRow
        {
            Seq = reader.GetInt64(0),
            Id = reader.GetString(1),
            StartedAtMs = reader.GetInt64(2),
            CompletedAtMs = reader.GetInt64(3),
            Strategy = reader.GetString(4),
            Symbol = reader.GetString(5),
            Success = Convert.ToBoolean(reader.GetValue(6), System.Globalization.CultureInfo.InvariantCulture),
            Score = reader.GetDouble(7),
            DurationMs = reader.GetInt64(8),
            Encryption = reader.GetInt32(9),
            KeyId = reader.IsDBNull(10) ? null : reader.GetString(10),
            KemId = reader.IsDBNull(11) ? null : reader.GetString(11),
            Payload = Bytes(reader, 12) ?? Array.Empty<byte>(),
            OriginFingerprint = Bytes(reader, 13),
            PrevFingerprint = Bytes(reader, 14) ?? Array.Empty<byte>(),
            Fingerprint = Bytes(reader, 15) ?? Array.Empty<byte>(),
        };

        // A column edited outside the store may hold text instead of bytes: read its bytes, and the fingerprint check
        // reports the record as modified instead of a cast failing.
        private static byte[]? Bytes(System.Data.Common.DbDataReader reader, int column) => reader.GetValue(column) switch
        {
            byte[] bytes => bytes,
            DBNull _ => null,
            var other => Encoding.UTF8.GetBytes(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty),
        };

        /// <summary><see cref="ContentDigest"/>, computed before the write lock is taken.</summary>
        internal byte[]? Digest { get; set; }

        /// <summary>
        /// Version byte 1, then: id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id,
        /// kem_id, payload, origin_fingerprint. Strings and byte arrays are a 4-byte big-endian length then the bytes
        /// (UTF-8 for strings; null is empty); integers are 8-byte big-endian; the score is its IEEE-754 bits big-endian;
        /// flags are one byte.
        /// </summary>
        internal byte[] CanonicalBytes()
        {
            using (var stream = new MemoryStream(128 + Payload.Length))
            {
                stream.WriteByte(1);
                WriteString(stream, Id);
                WriteInt64(stream, StartedAtMs);
                WriteInt64(stream, CompletedAtMs);
                WriteString(stream, Strategy);
                WriteString(stream, Symbol);
                stream.WriteByte(Success ? (byte)1 : (byte)0);
                WriteInt64(stream, BitConverter.DoubleToInt64Bits(Score));
                WriteInt64(stream, DurationMs);
                stream.WriteByte((byte)Encryption);
                WriteString(stream, KeyId);
                WriteString(stream, KemId);
                WriteBytes(stream, Payload);
                WriteBytes(stream, OriginFingerprint);
                return stream.ToArray();
            }
        }

        /// <summary>
        /// The record's content digest, SHA3-512 of <see cref="CanonicalBytes"/>, fed to the hash field by field: no copy
        /// of the payload into a canonical buffer, and one digest object per thread instead of one per record.
        /// </summary>
        internal byte[] ContentDigest()
        {
            var digest = t_digest ?? (t_digest = new Sha3Digest(512));
            var scratch = t_scratch ?? (t_scratch = new byte[8]);
            digest.Update(1);
            HashString(digest, Id);
            HashInt64(digest, scratch, StartedAtMs);
            HashInt64(digest, scratch, CompletedAtMs);
            HashString(digest, Strategy);
            HashString(digest, Symbol);
            digest.Update(Success ? (byte)1 : (byte)0);
            HashInt64(digest, scratch, BitConverter.DoubleToInt64Bits(Score));
            HashInt64(digest, scratch, DurationMs);
            digest.Update((byte)Encryption);
            HashString(digest, KeyId);
            HashString(digest, KemId);
            HashBytes(digest, Payload, Payload.Length);
            HashBytes(digest, OriginFingerprint, OriginFingerprint?.Length ?? 0);
            var output = new byte[64];
            digest.DoFinal(output, 0); // also resets it for the next record
            return output;
        }

        [ThreadStatic]
        internal static Sha3Digest? t_digest;

        [ThreadStatic]
        private static byte[]? t_scratch;

        [ThreadStatic]
        private static byte[]? t_text;

        private static void HashString(Sha3Digest digest, string? value)
        {
            if (value is null)
            {
                HashBytes(digest, null, 0);
                return;
            }

            var max = Encoding.UTF8.GetMaxByteCount(value.Length);
            var buffer = t_text is null || t_text.Length < max ? (t_text = new byte[Math.Max(256, max)]) : t_text;
            HashBytes(digest, buffer, Encoding.UTF8.GetBytes(value, 0, value.Length, buffer, 0));
        }

        private static void HashBytes(Sha3Digest digest, byte[]? value, int length)
        {
            digest.Update((byte)(length >> 24));
            digest.Update((byte)(length >> 16));
            digest.Update((byte)(length >> 8));
            digest.Update((byte)length);
            if (length > 0)
            {
                digest.BlockUpdate(value!, 0, length);
            }
        }

        private static void HashInt64(Sha3Digest digest, byte[] scratch, long value)
        {
            for (var i = 0; i < 8; i++)
            {
                scratch[i] = (byte)(value >> (56 - (8 * i)));
            }

            digest.BlockUpdate(scratch, 0, 8);
        }

        private static void WriteString(Stream stream, string? value) => WriteBytes(stream, value is null ? null : Encoding.UTF8.GetBytes(value));

        private static void WriteBytes(Stream stream, byte[]? value)
        {
            var length = value?.Length ?? 0;
            stream.WriteByte((byte)(length >> 24));
            stream.WriteByte((byte)(length >> 16));
            stream.WriteByte((byte)(length >> 8));
            stream.WriteByte((byte)length);
            if (length > 0)
            {
                stream.Write(value!, 0, length);
            }
        }

        private static void WriteInt64(Stream stream, long value)
        {
            for (var shift = 56; shift >= 0; shift -= 8)
            {
                stream.WriteByte((byte)(value >> shift));
            }
        }
    }
}
