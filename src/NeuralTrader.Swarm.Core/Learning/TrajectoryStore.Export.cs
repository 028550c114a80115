using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Learning
{
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

    /// <summary>Export and import of the store's state as JSON.</summary>
    public sealed partial class TrajectoryStore
    {
        /// <summary>Value of the <c>format</c> property of an export.</summary>
        public const string ExportFormat = "NeuralTrader.Swarm.State";

        /// <summary>
        /// Writes strategies, trajectories, HQC encapsulations, patterns, learning metrics and a timestamp as JSON.
        /// Encrypted trajectories stay encrypted (base64 ciphertext) unless <paramref name="decrypt"/> is true, which needs a
        /// key that can decrypt. Keys are never written, only key ids.
        /// </summary>
        /// <param name="writer">Destination.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <returns>How many trajectories were written.</returns>
        public int ExportState(TextWriter writer, bool decrypt = false)
        {
            if (writer is null)
            {
                throw new ArgumentNullException(nameof(writer));
            }

            lock (_gate)
            {
                ThrowIfDisposed();
                if (decrypt && _storeKeyId != null && (_key is null || !_key.CanDecrypt))
                {
                    throw new StoreException(StoreErrorIds.KeyRequired, "A decrypted export needs the store's key (a symmetric key or the HQC private key).");
                }

                var stats = GetStats();
                var patterns = GetPatterns();
                var strategies = LoadStrategies();
                using (var stream = new MemoryStream())
                {
                    int count = 0;
                    Execute("BEGIN");
                    try
                    {
                        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                        {
                            var (head, chainCount) = ReadHead();
                            json.WriteStartObject();
                            json.WriteString("format", ExportFormat);
                            json.WriteNumber("version", 1);
                            json.WriteString("exportedAt", DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture));
                            json.WriteStartObject("source");
                            if (_storeKeyId is null)
                            {
                                json.WriteNull("keyId");
                            }
                            else
                            {
                                json.WriteString("keyId", _storeKeyId);
                            }

                            json.WriteBoolean("decrypted", decrypt);
                            json.WriteNumber("schemaVersion", SchemaVersion);
                            json.WriteString("chainHead", CryptoPrimitives.ToHex(head));
                            json.WriteNumber("chainCount", chainCount);
                            json.WriteEndObject();

                            json.WritePropertyName("strategies");
                            JsonSerializer.Serialize(json, strategies, PayloadJson);

                            json.WriteStartArray("kemKeys");
                            if (!decrypt)
                            {
                                using (var command = _connection.CreateCommand())
                                {
                                    command.CommandText = "SELECT kem_id, key_id, encapsulation, created_at FROM kem_keys ORDER BY created_at, kem_id";
                                    using (var reader = command.ExecuteReader())
                                    {
                                        while (reader.Read())
                                        {
                                            json.WriteStartObject();
                                            json.WriteString("kemId", reader.GetString(0));
                                            json.WriteString("keyId", reader.GetString(1));
                                            json.WriteString("encapsulation", Convert.ToBase64String((byte[])reader.GetValue(2)));
                                            json.WriteNumber("createdAt", reader.GetInt64(3));
                                            json.WriteEndObject();
                                        }
                                    }
                                }
                            }

                            json.WriteEndArray();

                            json.WriteStartArray("trajectories");
                            using (var command = _connection.CreateCommand())
                            {
                                command.CommandText = SelectColumns + " ORDER BY seq";
                                using (var reader = command.ExecuteReader())
                                {
                                    while (reader.Read())
                                    {
                                        WriteRecord(json, ReadRow(reader), decrypt);
                                        count++;
                                    }
                                }
                            }

                            json.WriteEndArray();
                            json.WritePropertyName("patterns");
                            JsonSerializer.Serialize(json, patterns, PayloadJson);
                            json.WritePropertyName("metrics");
                            JsonSerializer.Serialize(json, stats, PayloadJson);
                            json.WriteEndObject();
                        }
                    }
                    finally
                    {
                        Execute("COMMIT");
                    }

                    writer.Write(Encoding.UTF8.GetString(stream.ToArray()));
                    writer.Flush();
                    return count;
                }
            }
        }

        /// <summary>Writes the export to a file (owner-only permissions where supported).</summary>
        /// <param name="path">Destination file; replaced if it exists.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <returns>How many trajectories were written.</returns>
        public int ExportState(string path, bool decrypt = false)
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
                    count = ExportState(writer, decrypt);
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
        /// verified first (an edited, removed or reordered record rejects the whole import). Encrypted records keep their
        /// ciphertext and need the same key id as this store; plaintext or decrypted records are encrypted with this
        /// store's key when it has one. Strategy registrations are added when their name is new.
        /// </summary>
        /// <param name="reader">The export JSON.</param>
        /// <returns>What was imported.</returns>
        public ImportResult ImportState(TextReader reader)
        {
            if (reader is null)
            {
                throw new ArgumentNullException(nameof(reader));
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(reader.ReadToEnd());
            }
            catch (JsonException ex)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "The import file is not valid JSON.", ex);
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.GetString() != ExportFormat)
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "The import file is not a NeuralTrader.Swarm state export.");
                }

                var records = ParseRecords(root);
                var kems = new List<(string KemId, string KeyId, byte[] Encapsulation, long CreatedAt)>();
                if (root.TryGetProperty("kemKeys", out var kemArray) && kemArray.ValueKind == JsonValueKind.Array)
                {
                    foreach (var k in kemArray.EnumerateArray())
                    {
                        kems.Add((k.GetProperty("kemId").GetString()!, k.GetProperty("keyId").GetString()!, Convert.FromBase64String(k.GetProperty("encapsulation").GetString()!), k.GetProperty("createdAt").GetInt64()));
                    }
                }

                var strategies = root.TryGetProperty("strategies", out var strategyArray) && strategyArray.ValueKind == JsonValueKind.Array
                    ? JsonSerializer.Deserialize<List<StoredStrategy>>(strategyArray.GetRawText(), PayloadJson) ?? new List<StoredStrategy>()
                    : new List<StoredStrategy>();

                lock (_gate)
                {
                    ThrowIfDisposed();
                    var encryptedIds = records.Where(r => r.Row.Encryption != 0).Select(r => r.Row.KeyId).Distinct().ToList();
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
                    var needsEncryption = records.Any(r => r.Row.Encryption == 0) && _storeKeyId != null;
                    var targetKeyId = _storeKeyId ?? encryptedIds.FirstOrDefault();
                    if (needsEncryption && _key is null)
                    {
                        throw new StoreException(StoreErrorIds.KeyRequired, "Plaintext records can only be imported into an encrypted store when its key is supplied; nothing was imported.");
                    }

                    var session = needsEncryption ? PrepareWriteKey() : null;
                    var result = new ImportResult();
                    var existing = new HashSet<string>(StringComparer.Ordinal);
                    using (var command = _connection.CreateCommand())
                    {
                        command.CommandText = "SELECT id FROM trajectories";
                        using (var r = command.ExecuteReader())
                        {
                            while (r.Read())
                            {
                                existing.Add(r.GetString(0));
                            }
                        }
                    }

                    var rows = new List<(RecordRow Row, byte[] Digest)>();
                    foreach (var (row, trajectory) in records)
                    {
                        if (existing.Contains(row.Id))
                        {
                            result.Skipped++;
                            continue;
                        }

                        if (row.Encryption == 0 && needsEncryption)
                        {
                            var plaintext = JsonSerializer.SerializeToUtf8Bytes(trajectory, LearningJsonContext.Default.Trajectory);
                            row.Encryption = (int)_key!.Kind;
                            row.KeyId = _key.KeyId;
                            row.KemId = session?.KemId;
                            row.Payload = _key.Seal(row.Id, plaintext, session);
                        }

                        existing.Add(row.Id);
                        rows.Add((row, row.ContentDigest()));
                    }

                    WriteTransaction(() =>
                    {
                        if (_storeKeyId is null && targetKeyId != null)
                        {
                            SetMeta("key_id", targetKeyId);
                            SetMeta("key_kind", records.First(r => r.Row.Encryption != 0).Row.Encryption == (int)StoreKeyKind.Hqc128 ? StoreKeyKind.Hqc128.ToString() : StoreKeyKind.Symmetric.ToString());
                        }

                        foreach (var kem in kems)
                        {
                            using (var command = _connection.CreateCommand())
                            {
                                command.CommandText = "INSERT OR IGNORE INTO kem_keys(kem_id, key_id, encapsulation, created_at) VALUES ($id, $key, $enc, $at)";
                                command.Parameters.AddWithValue("$id", kem.KemId);
                                command.Parameters.AddWithValue("$key", kem.KeyId);
                                command.Parameters.AddWithValue("$enc", kem.Encapsulation);
                                command.Parameters.AddWithValue("$at", kem.CreatedAt);
                                command.ExecuteNonQuery();
                            }
                        }

                        var strategyCount = 0;
                        foreach (var strategy in strategies)
                        {
                            using (var command = _connection.CreateCommand())
                            {
                                command.CommandText = "INSERT OR IGNORE INTO strategies(name, type, symbols_json, parameters_json, image, description, registered_at) VALUES ($name, $type, $symbols, $parameters, $image, $description, $at)";
                                command.Parameters.AddWithValue("$name", strategy.Name);
                                command.Parameters.AddWithValue("$type", strategy.Type ?? string.Empty);
                                command.Parameters.AddWithValue("$symbols", JsonSerializer.Serialize(strategy.Symbols ?? new List<string>()));
                                command.Parameters.AddWithValue("$parameters", string.IsNullOrWhiteSpace(strategy.ParametersJson) ? "{}" : strategy.ParametersJson);
                                command.Parameters.AddWithValue("$image", (object?)strategy.Image ?? DBNull.Value);
                                command.Parameters.AddWithValue("$description", (object?)strategy.Description ?? DBNull.Value);
                                command.Parameters.AddWithValue("$at", strategy.RegisteredAt.ToUnixTimeMilliseconds());
                                strategyCount += command.ExecuteNonQuery();
                            }
                        }

                        result.StrategiesImported = strategyCount;
                        result.Imported = InsertRows(rows, session);
                        return 0;
                    });

                    if (session != null)
                    {
                        session.Persisted = true;
                    }

                    _storeKeyId = targetKeyId;
                    result.Skipped += rows.Count - result.Imported;
                    StoreLog.Imported(_logger, result.Imported, result.Skipped, result.StrategiesImported);
                    return result;
                }
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
                var plaintext = DecryptPayload(row);
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
        private static List<(RecordRow Row, Trajectory? Trajectory)> ParseRecords(JsonElement root)
        {
            var list = new List<(RecordRow, Trajectory?)>();
            if (!root.TryGetProperty("trajectories", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                return list;
            }

            var previous = RecordRow.Genesis;
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
                    Trajectory? trajectory = null;
                    if (row.Encryption == 0)
                    {
                        trajectory = JsonSerializer.Deserialize(e.GetProperty("trajectory").GetRawText(), LearningJsonContext.Default.Trajectory)
                            ?? throw new FormatException("empty trajectory");
                        row.Payload = JsonSerializer.SerializeToUtf8Bytes(trajectory, LearningJsonContext.Default.Trajectory);
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
                        var expected = RecordRow.ComputeFingerprint(prev, row.ContentDigest());
                        if (!CryptoPrimitives.FixedTimeEquals(expected, fingerprint))
                        {
                            throw new StoreException(StoreErrorIds.CorruptStore, "Import record '" + id + "' was altered: its fingerprint does not match its contents. Nothing was imported.");
                        }
                    }

                    row.OriginFingerprint = origin;
                    previous = fingerprint;
                    list.Add((row, trajectory));
                }
                catch (Exception ex) when (ex is KeyNotFoundException || ex is FormatException || ex is InvalidOperationException || ex is JsonException)
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "Import record '" + id + "' is malformed: " + ex.Message, ex);
                }

                index++;
            }

            return list;
        }
    }
}
