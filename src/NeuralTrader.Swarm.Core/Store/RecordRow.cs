using System;
using System.IO;
using System.Text;
using NeuralTrader.Swarm.Core.Security;

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
                WriteCanonical(stream);
                return stream.ToArray();
            }
        }

        private void WriteCanonical(MemoryStream stream)
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
        }

        /// <summary>
        /// The record's content digest, SHA3-512 of <see cref="CanonicalBytes"/>.
        /// </summary>
        internal byte[] ContentDigest()
        {
            // The canonical bytes go into this thread's reused buffer and are hashed at once: one call into the
            // platform's SHA3 per record (CryptoPrimitives.Sha3_512) instead of one per field, no allocation but the digest.
            var buffer = t_canonical ?? (t_canonical = new MemoryStream(4096));
            buffer.SetLength(0);
            WriteCanonical(buffer);
            var digest = CryptoPrimitives.Sha3_512(buffer.GetBuffer(), 0, (int)buffer.Length);
            if (buffer.Capacity > 1 << 20)
            {
                t_canonical = null; // a huge payload's buffer is not kept
            }

            return digest;
        }

        [ThreadStatic]
        private static MemoryStream? t_canonical;

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
