using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store.Sqlite;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>
    /// The encrypted, tamper-evident trajectory store shared by every process of a user (SQLite) or every host
    /// (PostgreSQL): trajectories chained by SHA3-512 fingerprints, and registered strategies. Payloads are sealed here
    /// before a backend sees them. The learning model reads it through <c>LearningModel</c>. Thread-safe. See docs/learning.md.
    /// </summary>
    public sealed partial class TrajectoryStore : IDisposable
    {
        /// <summary>Schema version of the SQLite store (<c>PRAGMA user_version</c>).</summary>
        public const int SchemaVersion = SqliteSchema.Version;

        private readonly object _gate = new object();
        private readonly ITrajectoryBackend _backend;
        private readonly PayloadSealer _sealer;
        private readonly FingerprintChain _chain;
        private readonly StoreKey? _key;
        private readonly ILogger _logger;
        private string? _storeKeyId;
        private volatile bool _disposed;

        private readonly StoreFeedReader _feed;

        private TrajectoryStore(string path, ITrajectoryBackend backend, StoreOptions options)
        {
            Path = path;
            _backend = backend;
            _key = options.Key;
            _logger = options.LoggerFactory?.CreateLogger<TrajectoryStore>() ?? (ILogger)NullLogger.Instance;
            _sealer = new PayloadSealer(options.Key, backend.LoadEncapsulation);
            _feed = new StoreFeedReader(_sealer);
            _chain = FingerprintChain.For(options.Key);
        }

        /// <summary>The default per-user store: <c>$XDG_DATA_HOME</c> (or <c>~/.local/share</c>)<c>/NeuralTrader.Swarm/swarm.db</c> on Linux and macOS, <c>%LOCALAPPDATA%\NeuralTrader.Swarm\swarm.db</c> on Windows.</summary>
        public static string DefaultPath => StorePaths.Default();

        /// <summary>True when <paramref name="path"/> names a PostgreSQL store (<c>postgresql://...</c>) rather than a file.</summary>
        /// <param name="path">A configured store path.</param>
        /// <returns>True for a server store.</returns>
        public static bool IsServer(string? path) => StorePaths.IsServer(path);

        /// <summary>Where the store lives: the database file, or the server and database of a shared store.</summary>
        public string Path { get; }

        /// <summary>Key id the store's payloads are encrypted under, or null for a plaintext store.</summary>
        public string? KeyId
        {
            get
            {
                lock (_gate)
                {
                    return _storeKeyId;
                }
            }
        }

        /// <summary>True when payloads are encrypted.</summary>
        public bool IsEncrypted => KeyId != null;

        /// <summary>True when this instance can read payloads (a plaintext store, or the matching symmetric key or HQC private key).</summary>
        public bool CanReadPayloads => _sealer.CanRead(KeyId);

        /// <summary>
        /// Opens (creating when missing) a store: a SQLite file (the directory and file owner-only, WAL, migrations), or a
        /// shared PostgreSQL database when <see cref="StoreOptions.Path"/> is a <c>postgresql://</c> URI. Checks the key: a key whose id differs from the store's throws <see cref="WrongKeyException"/>
        /// before anything is written.
        /// </summary>
        /// <param name="options">Options.</param>
        /// <returns>The open store.</returns>
        public static TrajectoryStore Open(StoreOptions options)
        {
            if (options is null)
            {
                throw new ArgumentNullException(nameof(options));
            }

            var busyTimeout = options.BusyTimeout <= TimeSpan.Zero ? TimeSpan.FromSeconds(30) : options.BusyTimeout;
            var logger = options.LoggerFactory?.CreateLogger<TrajectoryStore>() ?? (ILogger)NullLogger.Instance;
            if (StorePaths.IsServer(options.Path))
            {
                var server = ServerBackends.OpenPostgres(options.Path!, options.Credential, busyTimeout, logger);
                return Over(server.Location, server, options);
            }

            var path = StorePaths.Resolve(options.Path);
            return Over(path, SqliteBackend.Open(path, busyTimeout, logger), options);
        }

        /// <summary>Opens a store over an open backend (which it then owns): checks or adopts the key.</summary>
        internal static TrajectoryStore Over(string location, ITrajectoryBackend backend, StoreOptions options)
        {
            var store = new TrajectoryStore(location, backend, options);
            try
            {
                store.AdoptKey();
                StoreLog.Opened(store._logger, location, SchemaVersion, store._storeKeyId != null, store._storeKeyId);
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        /// <summary>Appends one trajectory. An id already in the store is skipped (returns false), so retries never duplicate.</summary>
        /// <param name="trajectory">The trajectory; an empty id is filled with a new GUID, timestamps are kept to the millisecond.</param>
        /// <returns>True when appended.</returns>
        public bool Append(Trajectory trajectory) => AppendMany(new[] { trajectory ?? throw new ArgumentNullException(nameof(trajectory)) }) == 1;

        /// <summary>
        /// Appends trajectories in one transaction. Payloads are encrypted before the write lock is taken; inside it
        /// each record is chained to the previous fingerprint. Ids already present are skipped.
        /// </summary>
        /// <param name="trajectories">The trajectories.</param>
        /// <returns>How many were appended.</returns>
        public int AppendMany(IReadOnlyList<Trajectory> trajectories)
        {
            if (trajectories is null)
            {
                throw new ArgumentNullException(nameof(trajectories));
            }

            if (trajectories.Count == 0)
            {
                return 0;
            }

            lock (_gate)
            {
                ThrowIfDisposed();
                var session = _sealer.WriterSession(_storeKeyId);
                // Serialise, encrypt and hash on this thread before taking the write lock: a parallel loop's idle
                // workers spin, taking CPU from other writer processes and from a swarm's agents.
                var rows = new List<RecordRow>(trajectories.Count);
                foreach (var trajectory in trajectories)
                {
                    rows.Add(_sealer.Seal(trajectory ?? throw new ArgumentException("A trajectory in the batch is null.", nameof(trajectories)), _storeKeyId != null, session));
                }

                if (_feed.InUse && CanReadPayloads)
                {
                    _feed.Remember(trajectories);
                }

                int inserted;
                try
                {
                    inserted = Write(new WriteBatch { Rows = rows, Encapsulations = _sealer.PendingEncapsulation(session) }, session).Rows;
                }
                catch
                {
                    _feed.Forget(rows);
                    throw;
                }

                if (inserted < rows.Count)
                {
                    _feed.Forget(rows.Where(r => r.Fingerprint.Length == 0));
                }

                StoreLog.Appended(_logger, inserted, rows.Count - inserted);
                return inserted;
            }
        }

        /// <summary>Number of trajectories.</summary>
        /// <returns>The count.</returns>
        public long Count()
        {
            ThrowIfDisposed();
            return _backend.Count();
        }

        /// <summary>Reads one trajectory by id, or null. Throws <c>KeyRequired</c> when the payload cannot be decrypted.</summary>
        /// <param name="id">Record id.</param>
        /// <returns>The record.</returns>
        public StoredTrajectory? Get(string id)
        {
            ThrowIfDisposed();
            var row = _backend.Get(id ?? string.Empty);
            return row is null ? null : ToStored(row, includePayload: true);
        }

        /// <summary>
        /// Queries trajectories, newest first. With <see cref="TrajectoryFilter.Similar"/> they are ranked by TF-IDF cosine
        /// similarity of their task text and those sharing no term are dropped.
        /// </summary>
        /// <param name="filter">The filter (null for everything).</param>
        /// <param name="includePayload">
        /// True (default) to decrypt payloads; throws <c>KeyRequired</c> when an encrypted payload cannot be read.
        /// False returns only the plaintext columns, which works without a key.
        /// </param>
        /// <returns>The matching trajectories.</returns>
        public IReadOnlyList<StoredTrajectory> Query(TrajectoryFilter? filter = null, bool includePayload = true)
        {
            filter = filter ?? new TrajectoryFilter();
            var similar = string.IsNullOrWhiteSpace(filter.Similar) ? null : filter.Similar;
            if (similar != null && !includePayload)
            {
                throw new ArgumentException("Similarity search needs the payloads (task text).", nameof(includePayload));
            }

            ThrowIfDisposed();
            var results = _backend.Query(filter, similar is null ? filter.Limit : null).Select(r => ToStored(r, includePayload)).ToList();
            if (similar is null)
            {
                return results;
            }

            var ranked = TextSimilarity.Rank(similar, results, r => r.Trajectory?.Task ?? string.Empty);
            return ranked.Take(Math.Max(0, filter.Limit ?? 20)).ToList();
        }

        /// <summary>
        /// Verifies the chain in insertion order: each record's stored previous fingerprint must equal the previous
        /// record's fingerprint, its fingerprint must equal SHA3-512 over the previous fingerprint and its canonical
        /// bytes, and the last fingerprint and the count must match the head kept in the same transactions.
        /// Detects edited, deleted, inserted and reordered rows. Needs no key.
        /// </summary>
        /// <returns>The result, naming the first bad record.</returns>
        public StoreVerification Verify()
        {
            ThrowIfDisposed();
            var result = _backend.Snapshot(_chain.Verify);
            result.Path = Path;
            result.KeyId = KeyId;
            if (!result.IsValid)
            {
                StoreLog.VerifyFailed(_logger, result.FirstBadRecordId, result.Problem);
            }

            return result;
        }

        /// <summary>Deletes all learning data (trajectories and their encapsulations); strategy registrations stay.</summary>
        /// <returns>How many trajectories were deleted.</returns>
        public long Reset()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                var deleted = _backend.Reset(_chain);
                _sealer.Forget();
                StoreLog.ResetDone(_logger, deleted);
                return deleted;
            }
        }

        /// <summary>Registers or replaces a strategy.</summary>
        /// <param name="strategy">The registration.</param>
        public void SaveStrategy(StoredStrategy strategy)
        {
            if (strategy is null || string.IsNullOrWhiteSpace(strategy.Name))
            {
                throw new ArgumentException("A strategy needs a name.", nameof(strategy));
            }

            if (strategy.RegisteredAt == default)
            {
                strategy.RegisteredAt = DateTimeOffset.UtcNow;
            }

            ThrowIfDisposed();
            _backend.Write(new WriteBatch { Strategies = new[] { strategy }, ReplaceStrategies = true });
        }

        /// <summary>Removes a strategy registration (its trajectories stay).</summary>
        /// <param name="name">Strategy name (case-insensitive).</param>
        /// <returns>True when it existed.</returns>
        public bool RemoveStrategy(string name)
        {
            ThrowIfDisposed();
            return _backend.RemoveStrategy(name ?? string.Empty);
        }

        /// <summary>All registered strategies, by name.</summary>
        /// <returns>The registrations.</returns>
        public IReadOnlyList<StoredStrategy> LoadStrategies()
        {
            ThrowIfDisposed();
            return _backend.LoadStrategies();
        }

        /// <inheritdoc />
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                _backend.Dispose();
            }
        }

        /// <inheritdoc />
        public override string ToString() => "TrajectoryStore " + Path;

        /// <summary>
        /// The records appended after <paramref name="afterSeq"/> (all of them when the store's generation is no longer
        /// <paramref name="generation"/>), with their payloads opened where this instance can; null when nothing was
        /// committed since the last call. What the learning model learns from.
        /// </summary>
        internal StoreFeed? ReadFeed(string generation, long afterSeq)
        {
            ThrowIfDisposed();
            return _feed.Read(_backend, generation, afterSeq);
        }

        /// <summary>Writes a batch, then marks the writer session's encapsulation stored.</summary>
        private WriteResult Write(WriteBatch batch, KemSession? session)
        {
            batch.Chain = _chain;
            var result = _backend.Write(batch);
            if (session != null)
            {
                session.Persisted = true;
            }

            return result;
        }

        private void AdoptKey()
        {
            _storeKeyId = _backend.ReadMeta("key_id");
            if (_key != null && _storeKeyId is null)
            {
                // First keyed open: adopt this key. Records already written in clear stay in clear.
                _backend.Write(new WriteBatch { MetaIfAbsent = KeyMeta(_key.KeyId, _key.Kind) });
                _storeKeyId = _backend.ReadMeta("key_id");
            }

            if (_key != null && !string.Equals(_storeKeyId, _key.KeyId, StringComparison.Ordinal))
            {
                throw new WrongKeyException("The key (id " + _key.KeyId + ") does not match the store's key (id " + _storeKeyId + "); nothing was changed.");
            }
        }

        private static Dictionary<string, string> KeyMeta(string keyId, StoreKeyKind kind) =>
            new Dictionary<string, string> { ["key_id"] = keyId, ["key_kind"] = kind.ToString() };

        private StoredTrajectory ToStored(RecordRow row, bool includePayload) => new StoredTrajectory
        {
            Sequence = row.Seq,
            Id = row.Id,
            StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.StartedAtMs),
            CompletedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.CompletedAtMs),
            StrategyName = row.Strategy,
            Symbol = row.Symbol,
            Success = row.Success,
            Score = row.Score,
            DurationMs = row.DurationMs,
            Encrypted = row.Encryption != 0,
            Fingerprint = CryptoPrimitives.ToHex(row.Fingerprint),
            Trajectory = includePayload ? _sealer.Open(row) : null,
        };

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(TrajectoryStore));
            }
        }
    }
}
