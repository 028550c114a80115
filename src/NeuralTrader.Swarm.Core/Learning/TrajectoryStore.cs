using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// The encrypted, tamper-evident trajectory store (SQLite, WAL) shared by every process of a user: trajectories
    /// chained by SHA3-512 fingerprints, registered strategies, and the learning model built from them
    /// (<see cref="GetSuggestion"/>, <see cref="GetStats"/>, <see cref="GetPatterns"/>, <see cref="Predict"/>).
    /// Thread-safe; one instance holds one connection. See docs/learning.md.
    /// </summary>
    public sealed partial class TrajectoryStore : IDisposable
    {
        /// <summary>Schema version written to <c>PRAGMA user_version</c>.</summary>
        public const int SchemaVersion = 1;

        internal static readonly JsonSerializerOptions PayloadJson = CreatePayloadJson();

        private readonly object _gate = new object();
        private readonly SqliteConnection _connection;
        private readonly StoreKey? _key;
        private readonly ILogger _logger;
        private readonly TimeSpan _busyTimeout;
        private readonly int _seed;
        private readonly Random _jitter = new Random();
        private string? _storeKeyId;
        private KemSession? _kemSession;
        private volatile bool _disposed;

        private TrajectoryStore(string path, SqliteConnection connection, StoreOptions options)
        {
            Path = path;
            _connection = connection;
            _key = options.Key;
            _busyTimeout = options.BusyTimeout <= TimeSpan.Zero ? TimeSpan.FromSeconds(30) : options.BusyTimeout;
            _seed = options.Seed;
            _logger = options.LoggerFactory?.CreateLogger<TrajectoryStore>() ?? (ILogger)NullLogger.Instance;
        }

        /// <summary>The default per-user store: <c>$XDG_DATA_HOME</c> (or <c>~/.local/share</c>)<c>/NeuralTrader.Swarm/swarm.db</c> on Linux and macOS, <c>%LOCALAPPDATA%\NeuralTrader.Swarm\swarm.db</c> on Windows.</summary>
        public static string DefaultPath => StorePaths.Default();

        /// <summary>Full path of the database file.</summary>
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
        public bool CanReadPayloads => _key?.CanDecrypt ?? (KeyId is null);

        /// <summary>
        /// Opens (creating when missing) a store. Creates the directory and file owner-only, switches to WAL, applies
        /// migrations, and checks the key: a key whose id differs from the store's throws <see cref="WrongKeyException"/>
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

            var path = StorePaths.Resolve(options.Path);
            var directory = System.IO.Path.GetDirectoryName(path);
            if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
            {
                Directory.CreateDirectory(directory!);
                FilePermissions.RestrictDirectory(directory!);
            }

            if (!File.Exists(path))
            {
                try
                {
                    // Create it ourselves so the permissions are owner-only before SQLite writes anything; SQLite gives
                    // the -wal and -shm files the database file's permissions.
                    using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite))
                    {
                    }

                    FilePermissions.RestrictFile(path);
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Another process created it first.
                }
            }

            var connection = new SqliteConnection(ConnectionString(path, SqliteOpenMode.ReadWriteCreate, options.BusyTimeout));
            TrajectoryStore? store = null;
            try
            {
                connection.Open();
                store = new TrajectoryStore(path, connection, options);
                store.Initialize();
                return store;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 26 || ex.SqliteErrorCode == 11)
            {
                store?.Dispose();
                connection.Dispose();
                throw new StoreException(StoreErrorIds.CorruptStore, "'" + path + "' is not a valid trajectory store: " + ex.Message, ex);
            }
            catch
            {
                store?.Dispose();
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Appends one trajectory. An id already in the store is skipped (returns false), so retries never duplicate.</summary>
        /// <param name="trajectory">The trajectory; an empty id is filled with a new GUID, timestamps are kept to the millisecond.</param>
        /// <returns>True when appended.</returns>
        public bool Append(Trajectory trajectory) => AppendMany(new[] { trajectory ?? throw new ArgumentNullException(nameof(trajectory)) }) == 1;

        /// <summary>
        /// Appends trajectories in one transaction. Payloads are encrypted before the write lock is taken; inside
        /// <c>BEGIN IMMEDIATE</c> each record is chained to the previous fingerprint. Ids already present are skipped.
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
                var session = PrepareWriteKey();
                // Serialise, encrypt and hash the content before taking the write lock, on this thread: a parallel loop's idle
                // workers spin, taking CPU from other writer processes and from a swarm's agents.
                var rows = new List<(RecordRow Row, byte[] Digest)>(trajectories.Count);
                foreach (var trajectory in trajectories)
                {
                    if (trajectory is null)
                    {
                        throw new ArgumentException("A trajectory in the batch is null.", nameof(trajectories));
                    }

                    var row = BuildRow(trajectory, session);
                    rows.Add((row, row.ContentDigest()));
                }

                RememberOwnAppends(trajectories);
                int inserted;
                try
                {
                    inserted = WriteTransaction(() => InsertRows(rows, session));
                }
                catch
                {
                    ForgetOwnAppends(rows.Select(r => r.Row.Id));
                    throw;
                }

                if (inserted < rows.Count)
                {
                    ForgetOwnAppends(rows.Where(r => r.Row.Fingerprint.Length == 0).Select(r => r.Row.Id));
                }

                if (session != null)
                {
                    session.Persisted = true;
                }

                StoreLog.Appended(_logger, inserted, rows.Count - inserted);
                return inserted;
            }
        }

        /// <summary>Number of trajectories.</summary>
        /// <returns>The count.</returns>
        public long Count()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return Convert.ToInt64(Scalar("SELECT COUNT(*) FROM trajectories"), CultureInfo.InvariantCulture);
            }
        }

        /// <summary>Reads one trajectory by id, or null. Throws <c>KeyRequired</c> when the payload cannot be decrypted.</summary>
        /// <param name="id">Record id.</param>
        /// <returns>The record.</returns>
        public StoredTrajectory? Get(string id)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                using (var command = _connection.CreateCommand())
                {
                    command.CommandText = SelectColumns + " WHERE id = $id";
                    command.Parameters.AddWithValue("$id", id ?? string.Empty);
                    using (var reader = command.ExecuteReader())
                    {
                        if (!reader.Read())
                        {
                            return null;
                        }

                        var row = ReadRow(reader);
                        return ToStored(row, includePayload: true);
                    }
                }
            }
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

            lock (_gate)
            {
                ThrowIfDisposed();
                var sql = new StringBuilder(SelectColumns + " WHERE 1=1");
                using (var command = _connection.CreateCommand())
                {
                    if (!string.IsNullOrEmpty(filter.Strategy))
                    {
                        sql.Append(" AND strategy = $strategy");
                        command.Parameters.AddWithValue("$strategy", filter.Strategy);
                    }

                    if (!string.IsNullOrEmpty(filter.Symbol))
                    {
                        sql.Append(" AND symbol = $symbol");
                        command.Parameters.AddWithValue("$symbol", filter.Symbol);
                    }

                    if (filter.Since.HasValue)
                    {
                        sql.Append(" AND completed_at >= $since");
                        command.Parameters.AddWithValue("$since", filter.Since.Value.ToUnixTimeMilliseconds());
                    }

                    if (filter.Until.HasValue)
                    {
                        sql.Append(" AND completed_at < $until");
                        command.Parameters.AddWithValue("$until", filter.Until.Value.ToUnixTimeMilliseconds());
                    }

                    if (filter.Success.HasValue)
                    {
                        sql.Append(" AND success = $success");
                        command.Parameters.AddWithValue("$success", filter.Success.Value ? 1 : 0);
                    }

                    sql.Append(" ORDER BY seq DESC");
                    if (similar is null && filter.Limit.HasValue)
                    {
                        sql.Append(" LIMIT $limit");
                        command.Parameters.AddWithValue("$limit", Math.Max(0, filter.Limit.Value));
                    }

                    command.CommandText = sql.ToString();
                    var results = new List<StoredTrajectory>();
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            results.Add(ToStored(ReadRow(reader), includePayload));
                        }
                    }

                    if (similar is null)
                    {
                        return results;
                    }

                    var ranked = TextSimilarity.Rank(similar, results, r => r.Trajectory?.Task ?? string.Empty);
                    var limit = filter.Limit ?? 20;
                    return ranked.Take(Math.Max(0, limit)).ToList();
                }
            }
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
            lock (_gate)
            {
                ThrowIfDisposed();
                var result = new StoreVerification { IsValid = true };
                Execute("BEGIN");
                try
                {
                    var previous = RecordRow.Genesis;
                    string? lastId = null;
                    using (var command = _connection.CreateCommand())
                    {
                        command.CommandText = SelectColumns + " ORDER BY seq";
                        using (var reader = command.ExecuteReader())
                        {
                            while (reader.Read())
                            {
                                var row = ReadRow(reader);
                                result.RecordsChecked++;
                                if (!CryptoPrimitives.FixedTimeEquals(row.PrevFingerprint, previous))
                                {
                                    return Fail(result, row.Id, "Record '" + row.Id + "' (seq " + row.Seq.ToString(CultureInfo.InvariantCulture) + ") does not follow the record before it: a record was deleted, inserted or reordered before it.");
                                }

                                var expected = RecordRow.ComputeFingerprint(previous, row.ContentDigest());
                                if (!CryptoPrimitives.FixedTimeEquals(expected, row.Fingerprint))
                                {
                                    return Fail(result, row.Id, "Record '" + row.Id + "' (seq " + row.Seq.ToString(CultureInfo.InvariantCulture) + ") was modified: its fingerprint does not match its contents.");
                                }

                                previous = row.Fingerprint;
                                lastId = row.Id;
                            }
                        }
                    }

                    var (head, count) = ReadHead();
                    if (count != result.RecordsChecked || !CryptoPrimitives.FixedTimeEquals(head, previous))
                    {
                        return Fail(
                            result,
                            lastId,
                            string.Format(
                                CultureInfo.InvariantCulture,
                                "The chain head does not match: {0} records expected, {1} found; records after '{2}' were deleted or the head was altered.",
                                count,
                                result.RecordsChecked,
                                lastId ?? "(start)"));
                    }

                    return result;
                }
                finally
                {
                    Execute("COMMIT");
                }
            }
        }

        /// <summary>Deletes all learning data (trajectories and their encapsulations); strategy registrations stay.</summary>
        /// <returns>How many trajectories were deleted.</returns>
        public long Reset()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                Execute("PRAGMA secure_delete = ON");
                var deleted = WriteTransaction(() =>
                {
                    var count = Convert.ToInt64(Scalar("SELECT COUNT(*) FROM trajectories"), CultureInfo.InvariantCulture);
                    Execute("DELETE FROM trajectories");
                    Execute("DELETE FROM kem_keys");
                    WriteHead(RecordRow.Genesis, 0);
                    Execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'");
                    return count;
                });
                Execute("PRAGMA secure_delete = OFF");
                if (_kemSession != null)
                {
                    _kemSession.Persisted = false;
                }

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

            lock (_gate)
            {
                ThrowIfDisposed();
                WriteTransaction(() =>
                {
                    using (var command = _connection.CreateCommand())
                    {
                        command.CommandText =
                            "INSERT INTO strategies(name, type, symbols_json, parameters_json, image, description, registered_at) " +
                            "VALUES ($name, $type, $symbols, $parameters, $image, $description, $at) " +
                            "ON CONFLICT(name) DO UPDATE SET type = excluded.type, symbols_json = excluded.symbols_json, " +
                            "parameters_json = excluded.parameters_json, image = excluded.image, description = excluded.description, " +
                            "registered_at = excluded.registered_at";
                        command.Parameters.AddWithValue("$name", strategy.Name);
                        command.Parameters.AddWithValue("$type", strategy.Type ?? string.Empty);
                        command.Parameters.AddWithValue("$symbols", JsonSerializer.Serialize(strategy.Symbols ?? new List<string>()));
                        command.Parameters.AddWithValue("$parameters", string.IsNullOrWhiteSpace(strategy.ParametersJson) ? "{}" : strategy.ParametersJson);
                        command.Parameters.AddWithValue("$image", (object?)strategy.Image ?? DBNull.Value);
                        command.Parameters.AddWithValue("$description", (object?)strategy.Description ?? DBNull.Value);
                        var at = strategy.RegisteredAt == default ? DateTimeOffset.UtcNow : strategy.RegisteredAt;
                        command.Parameters.AddWithValue("$at", at.ToUnixTimeMilliseconds());
                        command.ExecuteNonQuery();
                    }

                    return 0;
                });
            }
        }

        /// <summary>Removes a strategy registration (its trajectories stay).</summary>
        /// <param name="name">Strategy name (case-insensitive).</param>
        /// <returns>True when it existed.</returns>
        public bool RemoveStrategy(string name)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return WriteTransaction(() =>
                {
                    using (var command = _connection.CreateCommand())
                    {
                        command.CommandText = "DELETE FROM strategies WHERE name = $name";
                        command.Parameters.AddWithValue("$name", name ?? string.Empty);
                        return command.ExecuteNonQuery() > 0;
                    }
                });
            }
        }

        /// <summary>All registered strategies, by name.</summary>
        /// <returns>The registrations.</returns>
        public IReadOnlyList<StoredStrategy> LoadStrategies()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                var list = new List<StoredStrategy>();
                using (var command = _connection.CreateCommand())
                {
                    command.CommandText = "SELECT name, type, symbols_json, parameters_json, image, description, registered_at FROM strategies ORDER BY name";
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            list.Add(new StoredStrategy
                            {
                                Name = reader.GetString(0),
                                Type = reader.GetString(1),
                                Symbols = JsonSerializer.Deserialize<List<string>>(reader.GetString(2)) ?? new List<string>(),
                                ParametersJson = reader.GetString(3),
                                Image = reader.IsDBNull(4) ? null : reader.GetString(4),
                                Description = reader.IsDBNull(5) ? null : reader.GetString(5),
                                RegisteredAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                            });
                        }
                    }
                }

                return list;
            }
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
                DisposeReadConnection();
                DisposeCommands();
                _connection.Dispose();
            }
        }

        /// <inheritdoc />
        public override string ToString() => "TrajectoryStore " + Path;

        private const string SelectColumns =
            "SELECT seq, id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id, kem_id, payload, " +
            "origin_fingerprint, prev_fingerprint, fingerprint FROM trajectories";

        private static JsonSerializerOptions CreatePayloadJson() => LearningJsonContext.Default.Options;

        private static StoreVerification Fail(StoreVerification result, string? id, string problem)
        {
            result.IsValid = false;
            result.FirstBadRecordId = id;
            result.Problem = problem;
            return result;
        }

        private void Initialize()
        {
            Execute("PRAGMA busy_timeout = " + BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            Retry(() =>
            {
                var mode = Convert.ToString(Scalar("PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "The store could not switch to WAL mode (got '" + mode + "').");
                }

                return 0;
            });

            // NORMAL is durable against process crashes (kill -9) in WAL mode; only an OS crash or power loss can lose
            // the last commits, never corrupt the file. https://www.sqlite.org/pragma.html#pragma_synchronous
            Execute("PRAGMA synchronous = NORMAL");
            Migrate();
            CheckKey();
            StoreLog.Opened(_logger, Path, SchemaVersion, _storeKeyId != null, _storeKeyId);
        }

        private void Migrate()
        {
            var version = Convert.ToInt64(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
            if (version > SchemaVersion)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "The store at '" + Path + "' has schema " + version.ToString(CultureInfo.InvariantCulture) + ", newer than this module's " + SchemaVersion.ToString(CultureInfo.InvariantCulture) + ".");
            }

            if (version == SchemaVersion)
            {
                return;
            }

            WriteTransaction(() =>
            {
                // Re-read inside the write lock: another process may have migrated meanwhile.
                var current = Convert.ToInt64(Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
                foreach (var step in Migrations.Steps)
                {
                    if (step.Version > current)
                    {
                        foreach (var statement in step.Statements)
                        {
                            Execute(statement);
                        }

                        Execute("PRAGMA user_version = " + step.Version.ToString(CultureInfo.InvariantCulture));
                        StoreLog.Migrated(_logger, Path, current, step.Version);
                        current = step.Version;
                    }
                }

                return 0;
            });
        }

        private void CheckKey()
        {
            _storeKeyId = MetaValue("key_id");
            if (_key is null)
            {
                return;
            }

            if (_storeKeyId != null)
            {
                if (!string.Equals(_storeKeyId, _key.KeyId, StringComparison.Ordinal))
                {
                    throw new WrongKeyException("The key (id " + _key.KeyId + ") does not match the store's key (id " + _storeKeyId + "); nothing was changed.");
                }

                return;
            }

            // First keyed open: adopt this key. Records already written in clear stay in clear.
            _storeKeyId = WriteTransaction(() =>
            {
                var existing = MetaValue("key_id");
                if (existing != null)
                {
                    return existing;
                }

                SetMeta("key_id", _key.KeyId);
                SetMeta("key_kind", _key.Kind.ToString());
                return _key.KeyId;
            });
            if (!string.Equals(_storeKeyId, _key.KeyId, StringComparison.Ordinal))
            {
                throw new WrongKeyException("The key (id " + _key.KeyId + ") does not match the store's key (id " + _storeKeyId + "); nothing was changed.");
            }
        }

        private KemSession? PrepareWriteKey()
        {
            if (_storeKeyId is null)
            {
                return null;
            }

            if (_key is null)
            {
                throw new StoreException(StoreErrorIds.KeyRequired, "The store is encrypted (key id " + _storeKeyId + "); appending needs its key.");
            }

            if (_key.Kind == StoreKeyKind.Hqc128)
            {
                _kemSession = _kemSession ?? _key.BeginSession();
                return _kemSession;
            }

            return null;
        }

        private RecordRow BuildRow(Trajectory trajectory, KemSession? session)
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
            var score = trajectory.Outcome.Score;
            if (double.IsNaN(score) || double.IsInfinity(score))
            {
                score = 0;
            }

            trajectory.Outcome.Score = Math.Max(0, Math.Min(1, score));
            var plaintext = JsonSerializer.SerializeToUtf8Bytes(trajectory, LearningJsonContext.Default.Trajectory);
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
            };
            if (_storeKeyId is null || _key is null)
            {
                row.Encryption = 0;
                row.Payload = plaintext;
            }
            else
            {
                row.Encryption = (int)_key.Kind;
                row.KeyId = _key.KeyId;
                row.KemId = session?.KemId;
                row.Payload = _key.Seal(row.Id, plaintext, session);
                Array.Clear(plaintext, 0, plaintext.Length);
            }

            return row;
        }

        private int InsertRows(List<(RecordRow Row, byte[] Digest)> rows, KemSession? session)
        {
            if (session != null && !session.Persisted)
            {
                using (var kem = _connection.CreateCommand())
                {
                    kem.CommandText = "INSERT OR IGNORE INTO kem_keys(kem_id, key_id, encapsulation, created_at) VALUES ($id, $key, $enc, $at)";
                    kem.Parameters.AddWithValue("$id", session.KemId);
                    kem.Parameters.AddWithValue("$key", _key!.KeyId);
                    kem.Parameters.AddWithValue("$enc", session.Encapsulation);
                    kem.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                    kem.ExecuteNonQuery();
                }
            }

            var (previous, count) = ReadHead();
            var inserted = 0;
            var insert = InsertCommand();
            var p = insert.Parameters;
            foreach (var (row, digest) in rows)
            {
                var fingerprint = RecordRow.ComputeFingerprint(previous, digest);
                p[0].Value = row.Id;
                p[1].Value = row.StartedAtMs;
                p[2].Value = row.CompletedAtMs;
                p[3].Value = row.Strategy;
                p[4].Value = row.Symbol;
                p[5].Value = row.Success ? 1 : 0;
                p[6].Value = row.Score;
                p[7].Value = row.DurationMs;
                p[8].Value = row.Encryption;
                p[9].Value = (object?)row.KeyId ?? DBNull.Value;
                p[10].Value = (object?)row.KemId ?? DBNull.Value;
                p[11].Value = row.Payload;
                p[12].Value = (object?)row.OriginFingerprint ?? DBNull.Value;
                p[13].Value = previous;
                p[14].Value = fingerprint;
                if (insert.ExecuteNonQuery() == 1)
                {
                    row.PrevFingerprint = previous;
                    row.Fingerprint = fingerprint;
                    previous = fingerprint;
                    count++;
                    inserted++;
                }
            }

            if (inserted > 0)
            {
                WriteHead(previous, count);
            }

            return inserted;
        }

        private (byte[] Head, long Count) ReadHead()
        {
            string? head = null, count = null;
            using (var reader = Prepared(ref _readHeadCommand, "SELECT (SELECT value FROM meta WHERE key = 'chain_head'), (SELECT value FROM meta WHERE key = 'chain_count')").ExecuteReader())
            {
                reader.Read();
                head = reader.IsDBNull(0) ? null : reader.GetString(0);
                count = reader.IsDBNull(1) ? null : reader.GetString(1);
            }

            return (
                head is null ? RecordRow.Genesis : CryptoPrimitives.FromHex(head),
                count is null ? 0 : long.Parse(count, CultureInfo.InvariantCulture));
        }

        private void WriteHead(byte[] head, long count)
        {
            var command = Prepared(
                ref _writeHeadCommand,
                "INSERT INTO meta(key, value) VALUES ('chain_head', $head), ('chain_count', $count) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                "$head",
                "$count");
            command.Parameters[0].Value = CryptoPrimitives.ToHex(head);
            command.Parameters[1].Value = count.ToString(CultureInfo.InvariantCulture);
            command.ExecuteNonQuery();
        }

        // Statements of the append path, prepared once per connection (as a raw SQLite writer would keep them) instead
        // of parsed again for every batch. Used under _gate only; disposed with the connection.
        private SqliteCommand? _insertCommand;
        private SqliteCommand? _readHeadCommand;
        private SqliteCommand? _writeHeadCommand;

        private SqliteCommand InsertCommand()
        {
            if (_insertCommand != null)
            {
                return _insertCommand;
            }

            var command = _connection.CreateCommand();
            command.CommandText =
                "INSERT OR IGNORE INTO trajectories(id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id, kem_id, payload, origin_fingerprint, prev_fingerprint, fingerprint) " +
                "VALUES ($id, $started, $completed, $strategy, $symbol, $success, $score, $duration, $enc, $key, $kem, $payload, $origin, $prev, $fp)";
            command.Parameters.Add("$id", SqliteType.Text);
            command.Parameters.Add("$started", SqliteType.Integer);
            command.Parameters.Add("$completed", SqliteType.Integer);
            command.Parameters.Add("$strategy", SqliteType.Text);
            command.Parameters.Add("$symbol", SqliteType.Text);
            command.Parameters.Add("$success", SqliteType.Integer);
            command.Parameters.Add("$score", SqliteType.Real);
            command.Parameters.Add("$duration", SqliteType.Integer);
            command.Parameters.Add("$enc", SqliteType.Integer);
            command.Parameters.Add("$key", SqliteType.Text);
            command.Parameters.Add("$kem", SqliteType.Text);
            command.Parameters.Add("$payload", SqliteType.Blob);
            command.Parameters.Add("$origin", SqliteType.Blob);
            command.Parameters.Add("$prev", SqliteType.Blob);
            command.Parameters.Add("$fp", SqliteType.Blob);
            command.Prepare();
            return _insertCommand = command;
        }

        private SqliteCommand Prepared(ref SqliteCommand? field, string sql, params string[] parameters)
        {
            if (field != null)
            {
                return field;
            }

            var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }

            command.Prepare();
            return field = command;
        }

        private void DisposeCommands()
        {
            _insertCommand?.Dispose();
            _readHeadCommand?.Dispose();
            _writeHeadCommand?.Dispose();
            _insertCommand = _readHeadCommand = _writeHeadCommand = null;
        }

        private static RecordRow ReadRow(SqliteDataReader reader) => new RecordRow
        {
            Seq = reader.GetInt64(0),
            Id = reader.GetString(1),
            StartedAtMs = reader.GetInt64(2),
            CompletedAtMs = reader.GetInt64(3),
            Strategy = reader.GetString(4),
            Symbol = reader.GetString(5),
            Success = reader.GetInt64(6) != 0,
            Score = reader.GetDouble(7),
            DurationMs = reader.GetInt64(8),
            Encryption = reader.GetInt32(9),
            KeyId = reader.IsDBNull(10) ? null : reader.GetString(10),
            KemId = reader.IsDBNull(11) ? null : reader.GetString(11),
            Payload = reader.IsDBNull(12) ? Array.Empty<byte>() : (byte[])reader.GetValue(12),
            OriginFingerprint = reader.IsDBNull(13) ? null : (byte[])reader.GetValue(13),
            PrevFingerprint = reader.IsDBNull(14) ? Array.Empty<byte>() : (byte[])reader.GetValue(14),
            Fingerprint = reader.IsDBNull(15) ? Array.Empty<byte>() : (byte[])reader.GetValue(15),
        };

        private StoredTrajectory ToStored(RecordRow row, bool includePayload)
        {
            var stored = new StoredTrajectory
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
            };
            if (includePayload)
            {
                stored.Trajectory = DecodePayload(row);
            }

            return stored;
        }

        /// <summary>Decrypts and deserialises a payload; throws KeyRequired / WrongKey / CorruptStore.</summary>
        internal Trajectory DecodePayload(RecordRow row, IReadOnlyDictionary<string, byte[]>? encapsulations = null)
        {
            var plaintext = DecryptPayload(row, encapsulations);
            try
            {
                return JsonSerializer.Deserialize(plaintext, LearningJsonContext.Default.Trajectory)
                    ?? throw new StoreException(StoreErrorIds.CorruptStore, "Record '" + row.Id + "' has an empty payload.");
            }
            catch (JsonException ex)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "Record '" + row.Id + "' has a payload that is not a trajectory.", ex);
            }
        }

        /// <summary>Decrypts a payload; with <paramref name="encapsulations"/> (preloaded) it never touches the connection.</summary>
        internal byte[] DecryptPayload(RecordRow row, IReadOnlyDictionary<string, byte[]>? encapsulations = null)
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
            if (row.Encryption == (int)StoreKeyKind.Hqc128 && _key.CanDecrypt)
            {
                encapsulation = encapsulations is null
                    ? LoadEncapsulation(row.KemId, _connection)
                    : row.KemId != null && encapsulations.TryGetValue(row.KemId, out var preloaded) ? preloaded : null;
            }

            return _key.Open(row.Id, row.Payload, row.KemId, encapsulation);
        }

        // Read by both the writer (under _gate) and the learning model (under _learnGate).
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _encapsulations = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);

        private byte[]? LoadEncapsulation(string? kemId, SqliteConnection connection)
        {
            if (kemId is null)
            {
                return null;
            }

            if (_encapsulations.TryGetValue(kemId, out var cached))
            {
                return cached;
            }

            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT encapsulation FROM kem_keys WHERE kem_id = $id";
                command.Parameters.AddWithValue("$id", kemId);
                var value = command.ExecuteScalar() as byte[];
                if (value != null)
                {
                    _encapsulations[kemId] = value;
                }

                return value;
            }
        }

        /// <summary>Runs <paramref name="body"/> in BEGIN IMMEDIATE, retrying busy/locked errors with jittered backoff within the busy timeout.</summary>
        private T WriteTransaction<T>(Func<T> body) => Retry(() =>
        {
            BeginImmediate();
            try
            {
                var result = body();
                Execute("COMMIT");
                return result;
            }
            catch
            {
                try
                {
                    Execute("ROLLBACK");
                }
                catch (SqliteException)
                {
                    // The transaction was already rolled back by SQLite.
                }

                throw;
            }
        });

        private T Retry<T>(Func<T> action)
        {
            var watch = Stopwatch.StartNew();
            var attempt = 0;
            while (true)
            {
                try
                {
                    return action();
                }
                catch (SqliteException ex) when (IsBusy(ex))
                {
                    attempt++;
                    if (watch.Elapsed >= _busyTimeout)
                    {
                        throw new StoreException(
                            StoreErrorIds.StoreBusy,
                            "The store '" + Path + "' stayed locked by other writers for " + _busyTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s.",
                            ex);
                    }

                    int delay;
                    lock (_jitter)
                    {
                        var cap = Math.Min(250, 5 << Math.Min(attempt, 6));
                        delay = (cap / 2) + _jitter.Next(cap);
                    }

                    StoreLog.BusyRetry(_logger, attempt, delay);
                    Thread.Sleep(delay);
                }
            }
        }

        private static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode == 5 || ex.SqliteErrorCode == 6;

        /// <summary>
        /// Takes the write lock, polling about every millisecond until the busy timeout. SQLite's own busy handler sleeps
        /// 1, 2, 5, 10, 15, 20, 25 ... 100 ms between tries, so a writer that has waited a while sleeps through the gaps
        /// in which the others encrypt their next batch outside the lock, and the lock stays idle
        /// (https://www.sqlite.org/c3ref/busy_timeout.html). Microsoft.Data.Sqlite would add 150 ms sleeps of its own
        /// on a busy statement, so BEGIN IMMEDIATE goes straight to SQLite here.
        /// </summary>
        private void BeginImmediate()
        {
            var db = _connection.Handle!;
            var watch = (Stopwatch?)null;
            var attempt = 0;
            SQLitePCL.raw.sqlite3_busy_timeout(db, 0);
            try
            {
                while (true)
                {
                    var rc = SQLitePCL.raw.sqlite3_exec(db, "BEGIN IMMEDIATE");
                    if (rc == 0)
                    {
                        return;
                    }

                    if ((rc & 0xFF) != 5 && (rc & 0xFF) != 6)
                    {
                        SqliteException.ThrowExceptionForRC(rc, db);
                    }

                    watch = watch ?? Stopwatch.StartNew();
                    attempt++;
                    if (watch.Elapsed >= _busyTimeout)
                    {
                        throw new StoreException(
                            StoreErrorIds.StoreBusy,
                            "The store '" + Path + "' stayed locked by other writers for " + _busyTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s.");
                    }

                    if ((attempt & (attempt - 1)) == 0)
                    {
                        StoreLog.BusyRetry(_logger, attempt, 1);
                    }

                    Thread.Sleep(attempt == 1 ? 0 : 1);
                }
            }
            finally
            {
                SQLitePCL.raw.sqlite3_busy_timeout(db, BusyTimeoutMilliseconds);
            }
        }

        private int BusyTimeoutMilliseconds => (int)Math.Min(int.MaxValue, _busyTimeout.TotalMilliseconds);

        /// <summary>The store's connections: no pooling (each store owns its connections), commands time out with the busy timeout.</summary>
        private static string ConnectionString(string path, SqliteOpenMode mode, TimeSpan busyTimeout) => new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = (int)Math.Max(1, Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();

        private void Execute(string sql)
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
        }

        private object? Scalar(string sql)
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = sql;
                return command.ExecuteScalar();
            }
        }

        private string? MetaValue(string key)
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "SELECT value FROM meta WHERE key = $key";
                command.Parameters.AddWithValue("$key", key);
                return command.ExecuteScalar() as string;
            }
        }

        private void SetMeta(string key, string value)
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = "INSERT INTO meta(key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$value", value);
                command.ExecuteNonQuery();
            }
        }

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(TrajectoryStore));
            }
        }
    }

    /// <summary>Schema migrations, applied in order inside one write transaction.</summary>
    internal static class Migrations
    {
        internal static readonly (int Version, string[] Statements)[] Steps =
        {
            (1, new[]
            {
                "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                "CREATE TABLE IF NOT EXISTS trajectories (" +
                "seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, started_at INTEGER NOT NULL, completed_at INTEGER NOT NULL, " +
                "strategy TEXT NOT NULL COLLATE NOCASE, symbol TEXT NOT NULL COLLATE NOCASE, success INTEGER NOT NULL, score REAL NOT NULL, " +
                "duration_ms INTEGER NOT NULL, enc INTEGER NOT NULL, key_id TEXT NULL, kem_id TEXT NULL, payload BLOB NOT NULL, " +
                "origin_fingerprint BLOB NULL, prev_fingerprint BLOB NOT NULL, fingerprint BLOB NOT NULL)",
                "CREATE INDEX IF NOT EXISTS ix_trajectories_strategy_symbol ON trajectories(strategy, symbol, seq)",
                "CREATE TABLE IF NOT EXISTS kem_keys (kem_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, encapsulation BLOB NOT NULL, created_at INTEGER NOT NULL)",
                "CREATE TABLE IF NOT EXISTS strategies (name TEXT PRIMARY KEY COLLATE NOCASE, type TEXT NOT NULL, symbols_json TEXT NOT NULL, " +
                "parameters_json TEXT NOT NULL, image TEXT NULL, description TEXT NULL, registered_at INTEGER NOT NULL)",
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('generation', '0')",
                "INSERT OR IGNORE INTO meta(key, value) VALUES ('chain_count', '0')",
            }),
        };
    }
}
