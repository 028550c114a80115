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
    /// <summary>Export and import of the store's state as JSON.</summary>
    public sealed partial class TrajectoryStore
    {
        /// <summary>Value of the <c>format</c> property of an export.</summary>
        public const string ExportFormat = "NeuralTrader.Swarm.State";

        /// <summary>
        /// Writes strategies, trajectories, HQC encapsulations and a timestamp as JSON, then the learning model's
        /// sections (patterns, metrics) when given. Encrypted trajectories stay encrypted (base64 ciphertext) unless
        /// <paramref name="decrypt"/> is true, which needs a key that can decrypt. Keys are never written, only key ids.
        /// </summary>
        /// <param name="writer">Destination.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <param name="sections">Writes further top-level properties (the learning model's patterns and metrics).</param>
        /// <returns>How many trajectories were written.</returns>
        public int ExportState(TextWriter writer, bool decrypt = false, Action<Utf8JsonWriter>? sections = null)
        {
            if (writer is null)
            {
                throw new ArgumentNullException(nameof(writer));
            }

            ThrowIfDisposed();
            var keyId = KeyId;
            if (decrypt && keyId != null && !CanReadPayloads)
            {
                throw new StoreException(StoreErrorIds.KeyRequired, "A decrypted export needs the store's key (a symmetric key or the HQC private key).");
            }

            var strategies = LoadStrategies();
            using (var stream = new MemoryStream())
            {
                var count = 0;
                using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    _backend.Snapshot(snapshot =>
                    {
                        json.WriteStartObject();
                        json.WriteString("format", ExportFormat);
                        json.WriteNumber("version", 1);
                        json.WriteString("exportedAt", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                        json.WriteStartObject("source");
                        json.WriteString("keyId", keyId);
                        json.WriteBoolean("decrypted", decrypt);
                        json.WriteNumber("schemaVersion", SchemaVersion);
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
                        foreach (var row in snapshot.Rows())
                        {
                            WriteRecord(json, row, decrypt);
                            count++;
                        }

                        json.WriteEndArray();
                        return 0;
                    });
                    sections?.Invoke(json);
                    json.WriteEndObject();
                }

                writer.Write(Encoding.UTF8.GetString(stream.ToArray()));
                writer.Flush();
                return count;
            }
        }

        /// <summary>Writes the export to a file (owner-only permissions where supported).</summary>
        /// <param name="path">Destination file; replaced if it exists.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <param name="sections">Writes further top-level properties (the learning model's patterns and metrics).</param>
        /// <returns>How many trajectories were written.</returns>
        public int ExportState(string path, bool decrypt = false, Action<Utf8JsonWriter>? sections = null)
        {
            var full = System.IO.Path.GetFullPath(path);
            var temp = full + ".tmp-" + Guid.NewGuid().ToString("N");
            using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
            }

            FilePermissions.RestrictFile(temp);
            try
            {
                int count;
                using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
                {
                    count = ExportState(writer, decrypt, sections);
                }

                if (File.Exists(full))
                {
                    File.Delete(full);
                }

                File.Move(temp, full);
                return count;
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }

        /// <summary>Imports an export file; see <see cref="ImportState(TextReader)"/>.</summary>
        /// <param name="path">The export file.</param>
        /// <returns>What was imported.</returns>
        public ImportResult ImportState(string path)
        {
            using (var reader = new StreamReader(path, Encoding.UTF8))
            {
                return ImportState(reader);
            }
        }

        /// <summary>
        /// Merges an export into this store by id: trajectories already present are skipped, new ones are appended and
        /// chained locally, keeping their original fingerprint as <c>originFingerprint</c>. The export's own chain is
        /// verified first, against the head and count it declares (an edited, removed or reordered record rejects the
        /// whole import). Encrypted records keep their ciphertext and need the same key id as this store; plaintext or
        /// decrypted records are encrypted with this store's key when it has one. Strategy registrations are added when
        /// their name is new.
        /// </summary>
        /// <param name="reader">The export JSON.</param>
        /// <returns>What was imported.</returns>
        public ImportResult ImportState(TextReader reader)
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            var (records, kems, strategies) = ParseExport(reader.ReadToEnd());
            lock (_gate)
            {
                ThrowIfDisposed();
                var encryptedIds = records.Where(r => r.Encryption != 0).Select(r => r.KeyId).Distinct().ToList();
                foreach (var keyId in encryptedIds)
                {
                    if (_storeKeyId != null && !string.Equals(keyId, _storeKeyId, StringComparison.Ordinal))
                    {
                        throw new WrongKeyException("The import holds records encrypted under key id " + keyId + ", but this store uses key id " + _storeKeyId + "; nothing was imported.");
                    }
                }

                if (encryptedIds.Count > 1)
                {
                    throw new WrongKeyException("The import holds records encrypted under several keys; nothing was imported.");
                }

                // Plaintext records are encrypted when this store already is; a store adopting the import's key keeps them as the source had them.
                var needsEncryption = records.Any(r => r.Encryption == 0) && _storeKeyId != null;
                var targetKeyId = _storeKeyId ?? encryptedIds.FirstOrDefault();
                if (needsEncryption && _key is null)
                {
                    throw new StoreException(StoreErrorIds.KeyRequired, "Plaintext records can only be imported into an encrypted store when its key is supplied; nothing was imported.");
                }

                var session = needsEncryption ? _sealer.WriterSession(_storeKeyId) : null;
                var existing = _backend.Ids();
                var rows = new List<RecordRow>();
                var skipped = 0;
                foreach (var row in records)
                {
                    if (!existing.Add(row.Id))
                    {
                        skipped++;
                        continue;
                    }

                    if (row.Encryption == 0 && needsEncryption)
                    {
                        _sealer.SealPayload(row, session);
                    }

                    rows.Add(row);
                }

                var written = Write(
                    new WriteBatch
                    {
                        Rows = rows,
                        Encapsulations = kems.Concat(_sealer.PendingEncapsulation(session)).ToList(),
                        Strategies = strategies,
                        MetaIfAbsent = _storeKeyId is null && targetKeyId != null
                            ? KeyMeta(targetKeyId, records.First(r => r.Encryption != 0).Encryption == (int)StoreKeyKind.Hqc128 ? StoreKeyKind.Hqc128 : StoreKeyKind.Symmetric)
                            : null,
                    },
                    session);
                _storeKeyId = targetKeyId;
                var result = new ImportResult { Imported = written.Rows, Skipped = skipped + rows.Count - written.Rows, StrategiesImported = written.Strategies };
                StoreLog.Imported(_logger, result.Imported, result.Skipped, result.StrategiesImported);
                return result;
            }
        }

        /// <summary>
        /// Checks an export file without a store: valid JSON of this format and version, every record well formed, its
        /// chain intact and ending at the head it declares. Front ends call it before opening a store, so a bad file
        /// leaves nothing behind (not even a new empty store). Throws <c>CorruptStore</c> naming what is wrong.
        /// </summary>
        /// <param name="path">The export file.</param>
        public static void CheckExport(string path) => ParseExport(File.ReadAllText(path, Encoding.UTF8));

        private static (List<RecordRow> Records, List<KemRecord> Kems, List<StoredStrategy> Strategies) ParseExport(string text)
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
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != ExportFormat)
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
                return (records, kems, strategies);
            }
        }

        private void WriteRecord(Utf8JsonWriter json, RecordRow row, bool decrypt)
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
                var plaintext = _sealer.OpenBytes(row);
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
}
