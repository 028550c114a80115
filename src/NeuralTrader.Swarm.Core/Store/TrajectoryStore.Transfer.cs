using System;
using System.Collections.Generic;
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
        public const string ExportFormat = StateExportFile.Format;

        /// <summary>
        /// Writes strategies, trajectories, HQC encapsulations and a timestamp as JSON, then the learning model's
        /// sections (patterns, metrics) when given. Encrypted trajectories stay encrypted (base64 ciphertext) unless
        /// <paramref name="decrypt"/> is true, which needs a key that can decrypt. Keys are never written, only key ids.
        /// </summary>
        /// <param name="writer">Destination.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <param name="sections">Writes further top-level properties (the learning model's patterns and metrics).</param>
        /// <returns>What was written.</returns>
        public StateExport ExportState(TextWriter writer, bool decrypt = false, Action<Utf8JsonWriter>? sections = null)
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
                int count;
                using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    // One snapshot: the chain head written is the head of exactly the records written.
                    count = _backend.Snapshot(snapshot => StateExportFile.Write(json, snapshot, keyId, decrypt, strategies, row => _sealer.OpenBytes(row)));
                    sections?.Invoke(json);
                    json.WriteEndObject();
                }

                writer.Write(Encoding.UTF8.GetString(stream.ToArray()));
                writer.Flush();
                return new StateExport(count, strategies.Count, decrypt ? null : keyId);
            }
        }

        /// <summary>Writes the export to a file (owner-only permissions where supported).</summary>
        /// <param name="path">Destination file; replaced if it exists.</param>
        /// <param name="decrypt">Write decrypted trajectories instead of ciphertext.</param>
        /// <param name="sections">Writes further top-level properties (the learning model's patterns and metrics).</param>
        /// <returns>What was written.</returns>
        public StateExport ExportState(string path, bool decrypt = false, Action<Utf8JsonWriter>? sections = null) =>
            StateExportFile.WriteFile(path, writer => ExportState(writer, decrypt, sections));

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

            var export = StateExportFile.Parse(reader.ReadToEnd());
            lock (_gate)
            {
                ThrowIfDisposed();
                var (importKeyId, importKeyKind) = export.EncryptionFor(_storeKeyId);
                // Plaintext records are encrypted when this store already is; a store adopting the import's key keeps them as the source had them.
                var needsEncryption = export.Records.Any(r => r.Encryption == 0) && _storeKeyId != null;
                var targetKeyId = _storeKeyId ?? importKeyId;
                if (needsEncryption && _key is null)
                {
                    throw new StoreException(StoreErrorIds.KeyRequired, "Plaintext records can only be imported into an encrypted store when its key is supplied; nothing was imported.");
                }

                var session = needsEncryption ? _sealer.WriterSession(_storeKeyId) : null;
                var existing = _backend.Ids();
                var rows = new List<RecordRow>();
                var skipped = 0;
                foreach (var row in export.Records)
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
                        Encapsulations = export.Kems.Concat(_sealer.PendingEncapsulation(session)).ToList(),
                        Strategies = export.Strategies,
                        MetaIfAbsent = _storeKeyId is null && targetKeyId != null ? KeyMeta(targetKeyId, importKeyKind) : null,
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
        public static void CheckExport(string path) => StateExportFile.Parse(File.ReadAllText(path, Encoding.UTF8));
    }
}
