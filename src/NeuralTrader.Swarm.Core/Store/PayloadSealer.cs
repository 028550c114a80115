using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Text.Json;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// Turns trajectories into rows and back: normalises them, serialises the payload and seals it under the store key
    /// (AES-256-GCM, or under an HQC-128 session key whose encapsulation is stored once per writer session), and opens
    /// it again. The one place that touches key material; backends only ever see sealed bytes.
    /// </summary>
    internal sealed class PayloadSealer
    {
        private readonly StoreKey? _key;
        private readonly Func<string, byte[]?> _loadEncapsulation;
        private readonly ConcurrentDictionary<string, byte[]> _encapsulations = new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        private KemSession? _session;

        internal PayloadSealer(StoreKey? key, Func<string, byte[]?> loadEncapsulation)
        {
            _key = key;
            _loadEncapsulation = loadEncapsulation;
        }

        /// <summary>True when this sealer can open payloads sealed under <paramref name="storeKeyId"/> (or plaintext ones).</summary>
        internal bool CanRead(string? storeKeyId) => _key?.CanDecrypt ?? (storeKeyId is null);

        /// <summary>
        /// The writer session for a store whose payloads are sealed under <paramref name="storeKeyId"/>: null for a plaintext
        /// store or a symmetric key; the HQC session otherwise. Throws <c>KeyRequired</c> without the key.
        /// </summary>
        internal KemSession? WriterSession(string? storeKeyId)
        {
            if (storeKeyId is null)
            {
                return null;
            }

            if (_key is null)
            {
                throw new StoreException(StoreErrorIds.KeyRequired, "The store is encrypted (key id " + storeKeyId + "); appending needs its key.");
            }

            return _key.Kind == StoreKeyKind.Hqc128 ? _session = _session ?? _key.BeginSession() : null;
        }

        /// <summary>The session's encapsulation to store with the rows, until a write has stored it.</summary>
        internal IReadOnlyList<KemRecord> PendingEncapsulation(KemSession? session) => session is null || session.Persisted
            ? Array.Empty<KemRecord>()
            : new[] { new KemRecord { KemId = session.KemId, KeyId = _key!.KeyId, Encapsulation = session.Encapsulation, CreatedAtMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } };

        /// <summary>After a reset the session's encapsulation is gone from the store: the next write stores it again.</summary>
        internal void Forget()
        {
            if (_session != null)
            {
                _session.Persisted = false;
            }
        }

        /// <summary>
        /// Normalises <paramref name="trajectory"/> (an id, millisecond timestamps, a score in [0,1]) and makes its row,
        /// sealed when <paramref name="encrypt"/>; the content digest is computed here, outside the write lock.
        /// </summary>
        internal RecordRow Seal(Trajectory trajectory, bool encrypt, KemSession? session)
        {
            if (string.IsNullOrEmpty(trajectory.Id))
            {
                trajectory.Id = Guid.NewGuid().ToString("N");
            }

            var started = trajectory.StartedAt.ToUnixTimeMilliseconds();
            var completed = trajectory.CompletedAt.ToUnixTimeMilliseconds();
            trajectory.StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(started);
            trajectory.CompletedAt = DateTimeOffset.FromUnixTimeMilliseconds(completed);
            trajectory.Outcome = trajectory.Outcome ?? new Outcome();
            // Free text is bounded, so a 50 MB field that reached a task or an error never becomes a 50 MB payload.
            trajectory.Task = Bounded(trajectory.Task) ?? string.Empty;
            trajectory.Outcome.Error = Bounded(trajectory.Outcome.Error);
            trajectory.Outcome.Critique = Bounded(trajectory.Outcome.Critique) ?? string.Empty;
            var score = trajectory.Outcome.Score;
            trajectory.Outcome.Score = double.IsNaN(score) || double.IsInfinity(score) ? 0 : Math.Max(0, Math.Min(1, score));
            var row = new RecordRow
            {
                Id = trajectory.Id,
                StartedAtMs = started,
                CompletedAtMs = completed,
                Strategy = trajectory.StrategyName ?? string.Empty,
                Symbol = trajectory.Symbol ?? string.Empty,
                Success = trajectory.Outcome.Success,
                Score = trajectory.Outcome.Score,
                DurationMs = trajectory.DurationMs,
                Payload = JsonSerializer.SerializeToUtf8Bytes(trajectory, StoreJsonContext.Default.Trajectory),
            };
            if (encrypt)
            {
                SealPayload(row, session);
            }

            row.Digest = row.ContentDigest();
            return row;
        }

        /// <summary>Longest task, error or critique text a payload keeps (characters); longer text is cut and marked.</summary>
        internal const int MaxTextLength = 4096;

        private static string? Bounded(string? text) =>
            text is null || text.Length <= MaxTextLength ? text : text.Substring(0, MaxTextLength) + " [cut: " + text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + " characters]";

        /// <summary>Seals a plaintext row's payload in place (importing clear records into an encrypted store).</summary>
        internal void SealPayload(RecordRow row, KemSession? session)
        {
            var plaintext = row.Payload;
            row.Encryption = (int)_key!.Kind;
            row.KeyId = _key.KeyId;
            row.KemId = session?.KemId;
            row.Payload = _key.Seal(row.Id, plaintext, session);
            Array.Clear(plaintext, 0, plaintext.Length);
            row.Digest = null;
        }

        /// <summary>True when this sealer can open the row's payload.</summary>
        internal bool CanOpen(RecordRow row) =>
            row.Encryption == 0 || (_key != null && _key.CanDecrypt && string.Equals(row.KeyId, _key.KeyId, StringComparison.Ordinal));

        /// <summary>Opens and deserialises a payload; throws KeyRequired / WrongKey / CorruptStore.</summary>
        internal Trajectory Open(RecordRow row, IReadOnlyDictionary<string, byte[]>? encapsulations = null)
        {
            var plaintext = OpenBytes(row, encapsulations);
            try
            {
                return JsonSerializer.Deserialize(plaintext, StoreJsonContext.Default.Trajectory)
                    ?? throw new StoreException(StoreErrorIds.CorruptStore, "Record '" + row.Id + "' has an empty payload.");
            }
            catch (JsonException ex)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "Record '" + row.Id + "' has a payload that is not a trajectory.", ex);
            }
        }

        /// <summary>Opens a payload; with <paramref name="encapsulations"/> (preloaded) it never goes back to the backend.</summary>
        internal byte[] OpenBytes(RecordRow row, IReadOnlyDictionary<string, byte[]>? encapsulations = null)
        {
            if (row.Encryption == 0)
            {
                return row.Payload;
            }

            if (_key is null)
            {
                throw new StoreException(StoreErrorIds.KeyRequired, "Record '" + row.Id + "' is encrypted (key id " + row.KeyId + "); reading its payload needs the key.");
            }

            if (!string.Equals(row.KeyId, _key.KeyId, StringComparison.Ordinal))
            {
                throw new WrongKeyException("Record '" + row.Id + "' is encrypted under key id " + row.KeyId + ", not " + _key.KeyId + ".");
            }

            byte[]? encapsulation = null;
            if (row.Encryption == (int)StoreKeyKind.Hqc128 && _key.CanDecrypt && row.KemId != null)
            {
                encapsulation = encapsulations != null && encapsulations.TryGetValue(row.KemId, out var preloaded) ? preloaded : Encapsulation(row.KemId);
            }

            return _key.Open(row.Id, row.Payload, row.KemId, encapsulation);
        }

        private byte[]? Encapsulation(string kemId)
        {
            if (_encapsulations.TryGetValue(kemId, out var cached))
            {
                return cached;
            }

            var loaded = _loadEncapsulation(kemId);
            if (loaded != null)
            {
                _encapsulations[kemId] = loaded;
            }

            return loaded;
        }
    }
}
