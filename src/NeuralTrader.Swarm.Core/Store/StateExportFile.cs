using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// The state export file: writing one from a store snapshot, and reading one back with its own chain verified
    /// (links always, fingerprints where the bytes are the original ones, the declared head). Knows no store.
    /// </summary>
    internal static class StateExportFile
    {
        /// <summary>Value of the <c>format</c> property of an export.</summary>
        public const string Format = "NeuralTrader.Swarm.State";

        /// <summary>
        /// Writes the export of one snapshot: header, strategies, HQC encapsulations (none when decrypted) and
        /// trajectories, leaving the root object open for the learning model's sections. Returns how many trajectories were written.
        /// </summary>
        public static int Write(Utf8JsonWriter json, IBackendSnapshot snapshot, string? keyId, bool decrypt,
            IReadOnlyList<StoredStrategy> strategies, Func<RecordRow, byte[]> open)
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", 1);
            json.WriteString("exportedAt", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
            json.WriteStartObject("source");
            json.WriteString("keyId", keyId);
            json.WriteBoolean("decrypted", decrypt);
            json.WriteNumber("schemaVersion", TrajectoryStore.SchemaVersion);
            json.WriteString("chainHead", CryptoPrimitives.ToHex(snapshot.Head.Fingerprint));
            json.WriteNumber("chainCount", snapshot.Head.Count);
            json.WriteEndObject();
            json.WritePropertyName("strategies");
            JsonSerializer.Serialize(json, strategies, StoreJsonContext.Default.IReadOnlyListStoredStrategy);
            json.WriteStartArray("kemKeys");
            foreach (var kem in decrypt ? Array.Empty<KemRecord>() : snapshot.Encapsulations())
            {
                json.WriteStartObject();
                json.WriteString("kemId", kem.KemId);
                json.WriteString("keyId", kem.KeyId);
                json.WriteString("encapsulation", Convert.ToBase64String(kem.Encapsulation));
                json.WriteNumber("createdAt", kem.CreatedAtMs);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("trajectories");
            var count = 0;
            foreach (var row in snapshot.Rows())
            {
                WriteRecord(json, row, decrypt, open);
                count++;
            }

            json.WriteEndArray();
            return count;
        }

        /// <summary>Writes a file through a temporary one beside it (owner-only permissions where supported), so a failed export leaves no half-written file.</summary>
        public static T WriteFile<T>(string path, Func<TextWriter, T> write)
        {
            var full = Path.GetFullPath(path);
            var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
            using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
            }

            FilePermissions.RestrictFile(temp);
            try
            {
                T result;
                using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
                {
                    result = write(writer);
                }

                if (File.Exists(full))
                {
                    File.Delete(full);
                }

                File.Move(temp, full);
                return result;
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        public static ParsedExport Parse(string text)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "The import file is not valid JSON.", ex);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "The import file is not a NeuralTrader.Swarm state export.");
                }

                var records = ParseRecords(root);
                var kems = new List<KemRecord>();
                try
                {
                    if (root.TryGetProperty("kemKeys", out var kemArray) && kemArray.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var k in kemArray.EnumerateArray())
                        {
                            kems.Add(new KemRecord { KemId = k.GetProperty("kemId").GetString()!, KeyId = k.GetProperty("keyId").GetString()!, Encapsulation = Convert.FromBase64String(k.GetProperty("encapsulation").GetString()!), CreatedAtMs = k.GetProperty("createdAt").GetInt64() });
                        }
                    }
                }
                catch (Exception ex) when (ex is KeyNotFoundException || ex is FormatException || ex is InvalidOperationException)
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "The import file's kemKeys are malformed: " + ex.Message, ex);
                }

                var strategies = root.TryGetProperty("strategies", out var strategyArray) && strategyArray.ValueKind == JsonValueKind.Array
                    ? JsonSerializer.Deserialize(strategyArray.GetRawText(), StoreJsonContext.Default.ListStoredStrategy) ?? new List<StoredStrategy>()
                    : new List<StoredStrategy>();
                return new ParsedExport(records, kems, strategies);
            }
        }

        private static void WriteRecord(Utf8JsonWriter json, RecordRow row, bool decrypt, Func<RecordRow, byte[]> open)
        {
            json.WriteStartObject();
            json.WriteString("id", row.Id);
            json.WriteNumber("startedAt", row.StartedAtMs);
            json.WriteNumber("completedAt", row.CompletedAtMs);
            json.WriteString("strategy", row.Strategy);
            json.WriteString("symbol", row.Symbol);
            json.WriteBoolean("success", row.Success);
            json.WriteNumber("score", row.Score);
            json.WriteNumber("durationMs", row.DurationMs);
            var decrypted = decrypt && row.Encryption != 0;
            json.WriteString("encryption", decrypted ? EncryptionName(0) : EncryptionName(row.Encryption));
            if (decrypted)
            {
                json.WriteString("decryptedFrom", EncryptionName(row.Encryption));
            }

            if (row.Encryption != 0)
            {
                json.WriteString("keyId", row.KeyId);
                if (row.KemId != null)
                {
                    json.WriteString("kemId", row.KemId);
                }
            }

            if (row.Encryption != 0 && !decrypt)
            {
                json.WriteString("ciphertext", Convert.ToBase64String(row.Payload));
            }
            else
            {
                json.WritePropertyName("trajectory");
                var plaintext = open(row);
                using (var payload = JsonDocument.Parse(plaintext))
                {
                    payload.RootElement.WriteTo(json);
                }
            }

            json.WriteString("prevFingerprint", CryptoPrimitives.ToHex(row.PrevFingerprint));
            json.WriteString("fingerprint", CryptoPrimitives.ToHex(row.Fingerprint));
            json.WriteString("originFingerprint", CryptoPrimitives.ToHex(row.OriginFingerprint ?? row.Fingerprint));
            json.WriteEndObject();
        }

        private static string EncryptionName(int encryption) => encryption switch
        {
            0 => "none",
            1 => "aes-256-gcm",
            2 => "hqc-128+aes-256-gcm",
            _ => "unknown",
        };

        private static int EncryptionCode(string? name) => name switch
        {
            "none" => 0,
            "aes-256-gcm" => 1,
            "hqc-128+aes-256-gcm" => 2,
            _ => throw new FormatException("unknown encryption '" + name + "'"),
        };

        /// <summary>Parses records and verifies the export's own chain (links always; fingerprints where the bytes are the original ones).</summary>
        private static List<RecordRow> ParseRecords(JsonElement root)
        {
            var list = new List<RecordRow>();
            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetDouble() != 1)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "The import file has format version " + (root.TryGetProperty("version", out var v) ? v.GetRawText() : "(none)") + "; this module reads version 1. Nothing was imported.");
            }

            if (!root.TryGetProperty("trajectories", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "The import file's 'trajectories' is not an array. Nothing was imported.");
            }

            var previous = FingerprintChain.Genesis;
            var index = 0;
            foreach (var e in array.EnumerateArray())
            {
                string id = "#" + index.ToString(CultureInfo.InvariantCulture);
                try
                {
                    id = e.GetProperty("id").GetString() ?? id;
                    var row = new RecordRow
                    {
                        Id = id,
                        StartedAtMs = e.GetProperty("startedAt").GetInt64(),
                        CompletedAtMs = e.GetProperty("completedAt").GetInt64(),
                        Strategy = e.GetProperty("strategy").GetString() ?? string.Empty,
                        Symbol = e.GetProperty("symbol").GetString() ?? string.Empty,
                        Success = e.GetProperty("success").GetBoolean(),
                        Score = e.GetProperty("score").GetDouble(),
                        DurationMs = e.GetProperty("durationMs").GetInt64(),
                        Encryption = EncryptionCode(e.GetProperty("encryption").GetString()),
                        KeyId = e.TryGetProperty("keyId", out var keyId) ? keyId.GetString() : null,
                        KemId = e.TryGetProperty("kemId", out var kemId) ? kemId.GetString() : null,
                    };
                    var decrypted = e.TryGetProperty("decryptedFrom", out _);
                    var prev = CryptoPrimitives.FromHex(e.GetProperty("prevFingerprint").GetString() ?? string.Empty);
                    var fingerprint = CryptoPrimitives.FromHex(e.GetProperty("fingerprint").GetString() ?? string.Empty);
                    var origin = e.TryGetProperty("originFingerprint", out var o) ? CryptoPrimitives.FromHex(o.GetString() ?? string.Empty) : fingerprint;
                    if (row.Encryption == 0)
                    {
                        var trajectory = JsonSerializer.Deserialize(e.GetProperty("trajectory").GetRawText(), StoreJsonContext.Default.Trajectory)
                            ?? throw new FormatException("empty trajectory");
                        row.Payload = JsonSerializer.SerializeToUtf8Bytes(trajectory, StoreJsonContext.Default.Trajectory);
                        if (decrypted)
                        {
                            row.KeyId = null;
                            row.KemId = null;
                        }
                    }
                    else
                    {
                        row.Payload = Convert.FromBase64String(e.GetProperty("ciphertext").GetString() ?? string.Empty);
                    }

                    if (!CryptoPrimitives.FixedTimeEquals(prev, previous))
                    {
                        throw new StoreException(StoreErrorIds.CorruptStore, "Import record '" + id + "' does not follow the record before it in the file: records were removed, added or reordered. Nothing was imported.");
                    }

                    // The fingerprint covers the stored bytes; a decrypted record's original bytes were ciphertext, so only its link is checked.
                    if (!decrypted)
                    {
                        var exportedOrigin = e.TryGetProperty("originFingerprint", out _) && !CryptoPrimitives.FixedTimeEquals(origin, fingerprint) ? origin : null;
                        row.OriginFingerprint = exportedOrigin;
                        var expected = FingerprintChain.Unkeyed.Fingerprint(prev, row.ContentDigest());
                        if (!CryptoPrimitives.FixedTimeEquals(expected, fingerprint))
                        {
                            throw new StoreException(StoreErrorIds.CorruptStore, "Import record '" + id + "' was altered: its fingerprint does not match its contents. Nothing was imported.");
                        }
                    }

                    row.OriginFingerprint = origin;
                    previous = fingerprint;
                    list.Add(row);
                }
                catch (Exception ex) when (ex is KeyNotFoundException || ex is FormatException || ex is InvalidOperationException || ex is JsonException)
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "Import record '" + id + "' is malformed: " + ex.Message, ex);
                }

                index++;
            }

            // The declared head catches what the links cannot: records removed from the end of the file.
            if (root.TryGetProperty("source", out var source) && source.ValueKind == JsonValueKind.Object
                && source.TryGetProperty("chainCount", out var chainCount) && chainCount.ValueKind == JsonValueKind.Number
                && source.TryGetProperty("chainHead", out var chainHead) && chainHead.ValueKind == JsonValueKind.String)
            {
                if (chainCount.GetInt64() != list.Count || !CryptoPrimitives.FixedTimeEquals(CryptoPrimitives.FromHex(chainHead.GetString() ?? string.Empty), previous))
                {
                    throw new StoreException(
                        StoreErrorIds.CorruptStore,
                        string.Format(CultureInfo.InvariantCulture, "The import file declares {0} records ending in its chain head, but holds {1} that end elsewhere: records were removed from its end. Nothing was imported.", chainCount.GetInt64(), list.Count));
                }
            }

            return list;
        }
    }

    /// <summary>An export read back and verified: its records in chain order, HQC encapsulations and registrations.</summary>
    internal sealed class ParsedExport
    {
        public ParsedExport(List<RecordRow> records, List<KemRecord> kems, List<StoredStrategy> strategies)
        {
            Records = records;
            Kems = kems;
            Strategies = strategies;
        }

        public List<RecordRow> Records { get; }

        public List<KemRecord> Kems { get; }

        public List<StoredStrategy> Strategies { get; }

        /// <summary>
        /// The key id the encrypted records use (null when none is encrypted) and its kind. WrongKey, so nothing is
        /// imported, when that is not the key of a keyed store (<paramref name="storeKeyId"/>) or the records use several keys.
        /// </summary>
        public (string? KeyId, StoreKeyKind Kind) EncryptionFor(string? storeKeyId)
        {
            var encrypted = Records.Where(r => r.Encryption != 0).ToList();
            var keyIds = encrypted.Select(r => r.KeyId).Distinct().ToList();
            foreach (var keyId in keyIds)
            {
                if (storeKeyId != null && !string.Equals(keyId, storeKeyId, StringComparison.Ordinal))
                {
                    throw new WrongKeyException("The import holds records encrypted under key id " + keyId + ", but this store uses key id " + storeKeyId + "; nothing was imported.");
                }
            }

            if (keyIds.Count > 1)
            {
                throw new WrongKeyException("The import holds records encrypted under several keys; nothing was imported.");
            }

            var kind = encrypted.Count > 0 && encrypted[0].Encryption == (int)StoreKeyKind.Hqc128 ? StoreKeyKind.Hqc128 : StoreKeyKind.Symmetric;
            return (keyIds.FirstOrDefault(), kind);
        }
    }
}
