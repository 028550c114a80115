using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store.Sqlite
{
    /// <summary>
    /// One SQLite file in WAL mode, shared by every process of a user on one machine. The writer connection holds the
    /// write lock only for the chained insert (<see cref="SqliteWriter"/>); a second, read-only connection feeds the
    /// learning model, so readers never queue behind a writer.
    /// </summary>
    internal sealed class SqliteBackend : ITrajectoryBackend
    {
        private readonly object _gate = new object();
        private readonly object _feedGate = new object();
        private readonly SqliteConnection _connection;
        private readonly SqliteWriter _writer;
        private readonly TimeSpan _busyTimeout;
        private SqliteConnection? _feedConnection;
        private SqliteCommand? _dataVersionCommand;
        private long _dataVersion = -1;
        private bool _disposed;

        private SqliteBackend(string path, SqliteConnection connection, TimeSpan busyTimeout, ILogger logger)
        {
            Location = path;
            _connection = connection;
            _busyTimeout = busyTimeout;
            _writer = new SqliteWriter(connection, path, busyTimeout, logger);
        }

        /// <inheritdoc />
        public string Location { get; }

        /// <summary>
        /// Opens (creating when missing) the file: directory and file owner-only, WAL, migrations. A file that is not
        /// a store throws <see cref="StoreErrorIds.CorruptStore"/>.
        /// </summary>
        internal static SqliteBackend Open(string path, TimeSpan busyTimeout, ILogger logger)
        {
            var directory = Path.GetDirectoryName(path);
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

            var connection = new SqliteConnection(SqliteSchema.ConnectionString(path, SqliteOpenMode.ReadWriteCreate, busyTimeout));
            SqliteBackend? backend = null;
            try
            {
                connection.Open();
                backend = new SqliteBackend(path, connection, busyTimeout, logger);
                SqliteSchema.Apply(backend._writer, path, logger);
                return backend;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 26 || ex.SqliteErrorCode == 11)
            {
                backend?.Dispose();
                connection.Dispose();
                throw new StoreException(StoreErrorIds.CorruptStore, "'" + path + "' is not a valid trajectory store: " + ex.Message, ex);
            }
            catch
            {
                backend?.Dispose();
                connection.Dispose();
                throw;
            }
        }

        /// <inheritdoc />
        public string? ReadMeta(string key)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return MetaValue(key);
            }
        }

        /// <inheritdoc />
        public WriteResult Write(WriteBatch batch)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return _writer.Transaction(() =>
                {
                    foreach (var pair in batch.MetaIfAbsent ?? new Dictionary<string, string>())
                    {
                        _writer.Execute("INSERT OR IGNORE INTO meta(key, value) VALUES ($p0, $p1)", pair.Key, pair.Value);
                    }

                    foreach (var kem in batch.Encapsulations)
                    {
                        _writer.Execute("INSERT OR IGNORE INTO kem_keys(kem_id, key_id, encapsulation, created_at) VALUES ($p0, $p1, $p2, $p3)", kem.KemId, kem.KeyId, kem.Encapsulation, kem.CreatedAtMs);
                    }

                    var strategies = 0;
                    foreach (var strategy in batch.Strategies)
                    {
                        using (var command = _connection.CreateCommand())
                        {
                            command.CommandText = SqliteSchema.InsertStrategy + (batch.ReplaceStrategies ? SqliteSchema.ReplaceStrategy : SqliteSchema.KeepStrategy);
                            SqliteSchema.BindStrategy(command, strategy);
                            strategies += command.ExecuteNonQuery();
                        }
                    }

                    return new WriteResult(batch.Rows.Count == 0 ? 0 : _writer.InsertChained(batch.Rows, batch.Chain), strategies);
                });
            }
        }

        /// <inheritdoc />
        public long Count()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return Convert.ToInt64(_writer.Scalar("SELECT COUNT(*) FROM trajectories"), CultureInfo.InvariantCulture);
            }
        }

        /// <inheritdoc />
        public RecordRow? Get(string id)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return ReadRows(_connection, SqliteSchema.SelectRows + " WHERE id = $id", ("$id", id)).FirstOrDefault();
            }
        }

        /// <inheritdoc />
        public IReadOnlyList<RecordRow> Query(TrajectoryFilter filter, int? limit)
        {
            var sql = new StringBuilder(SqliteSchema.SelectRows + " WHERE 1=1");
            var parameters = new List<(string, object)>();
            void Where(string clause, string name, object? value)
            {
                if (value != null)
                {
                    sql.Append(" AND ").Append(clause);
                    parameters.Add((name, value));
                }
            }

            Where("strategy = $strategy", "$strategy", string.IsNullOrEmpty(filter.Strategy) ? null : filter.Strategy);
            Where("symbol = $symbol", "$symbol", string.IsNullOrEmpty(filter.Symbol) ? null : filter.Symbol);
            Where("completed_at >= $since", "$since", filter.Since?.ToUnixTimeMilliseconds());
            Where("completed_at < $until", "$until", filter.Until?.ToUnixTimeMilliseconds());
            Where("success = $success", "$success", filter.Success is null ? (object?)null : filter.Success.Value ? 1 : 0);
            sql.Append(" ORDER BY seq DESC");
            if (limit.HasValue)
            {
                sql.Append(" LIMIT $limit");
                parameters.Add(("$limit", Math.Max(0, limit.Value)));
            }

            lock (_gate)
            {
                ThrowIfDisposed();
                return ReadRows(_connection, sql.ToString(), parameters.ToArray()).ToList();
            }
        }

        /// <inheritdoc />
        public HashSet<string> Ids()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                var ids = new HashSet<string>(StringComparer.Ordinal);
                using (var command = _connection.CreateCommand())
                {
                    command.CommandText = "SELECT id FROM trajectories";
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            ids.Add(reader.GetString(0));
                        }
                    }
                }

                return ids;
            }
        }

        /// <inheritdoc />
        public T Snapshot<T>(Func<IBackendSnapshot, T> read)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                _writer.Execute("BEGIN");
                try
                {
                    return read(new ReadView(this));
                }
                finally
                {
                    _writer.Execute("COMMIT");
                }
            }
        }

        /// <inheritdoc />
        public RecordFeed? ReadSince(string generation, long afterSeq)
        {
            lock (_feedGate)
            {
                var connection = FeedConnection();
                var dataVersion = Convert.ToInt64(_dataVersionCommand!.ExecuteScalar(), CultureInfo.InvariantCulture);
                if (dataVersion == _dataVersion)
                {
                    return null;
                }

                var feed = new RecordFeed();
                using (var transaction = connection.BeginTransaction(deferred: true))
                {
                    using (var command = connection.CreateCommand())
                    {
                        command.CommandText = "SELECT value FROM meta WHERE key = 'generation'";
                        feed.Generation = command.ExecuteScalar() as string ?? "0";
                    }

                    if (!string.Equals(feed.Generation, generation, StringComparison.Ordinal))
                    {
                        afterSeq = 0;
                    }

                    var rows = ReadRows(connection, SqliteSchema.SelectRows + " WHERE seq > $seq ORDER BY seq", ("$seq", afterSeq)).ToList();
                    var encapsulations = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    foreach (var kemId in rows.Where(r => r.KemId != null).Select(r => r.KemId!).Distinct())
                    {
                        var encapsulation = LoadEncapsulation(connection, kemId);
                        if (encapsulation != null)
                        {
                            encapsulations[kemId] = encapsulation;
                        }
                    }

                    transaction.Commit();
                    feed.Rows = rows;
                    feed.Encapsulations = encapsulations;
                }

                _dataVersion = dataVersion;
                return feed;
            }
        }

        /// <inheritdoc />
        public long Reset(FingerprintChain chain)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                _writer.Execute("PRAGMA secure_delete = ON");
                try
                {
                    return _writer.Transaction(() =>
                    {
                        var count = Convert.ToInt64(_writer.Scalar("SELECT COUNT(*) FROM trajectories"), CultureInfo.InvariantCulture);
                        _writer.Execute("DELETE FROM trajectories");
                        _writer.Execute("DELETE FROM kem_keys");
                        _writer.WriteHead(chain.Head(FingerprintChain.Genesis, 0));
                        _writer.Execute("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'");
                        return count;
                    });
                }
                finally
                {
                    _writer.Execute("PRAGMA secure_delete = OFF");
                }
            }
        }

        /// <inheritdoc />
        public bool RemoveStrategy(string name)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return _writer.Transaction(() => _writer.Execute("DELETE FROM strategies WHERE name = $p0", name) > 0);
            }
        }

        /// <inheritdoc />
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
                            list.Add(SqliteSchema.ReadStrategy(reader));
                        }
                    }
                }

                return list;
            }
        }

        /// <inheritdoc />
        public byte[]? LoadEncapsulation(string kemId)
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return LoadEncapsulation(_connection, kemId);
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
                lock (_feedGate)
                {
                    _dataVersionCommand?.Dispose();
                    _feedConnection?.Dispose();
                    _feedConnection = null;
                }

                _writer.Dispose();
                _connection.Dispose();
            }
        }

        /// <summary>The feed's own connection, opened on first use; only reads.</summary>
        private SqliteConnection FeedConnection()
        {
            ThrowIfDisposed();
            if (_feedConnection != null)
            {
                return _feedConnection;
            }

            var connection = new SqliteConnection(SqliteSchema.ConnectionString(Location, SqliteOpenMode.ReadWrite, _busyTimeout));
            try
            {
                connection.Open();
                using (var command = connection.CreateCommand())
                {
                    command.CommandText = "PRAGMA busy_timeout = " + _writer.BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture) + "; PRAGMA query_only = 1";
                    command.ExecuteNonQuery();
                }

                _dataVersionCommand = connection.CreateCommand();
                _dataVersionCommand.CommandText = "PRAGMA data_version";
                _dataVersionCommand.Prepare();
            }
            catch
            {
                _dataVersionCommand?.Dispose();
                _dataVersionCommand = null;
                connection.Dispose();
                throw;
            }

            return _feedConnection = connection;
        }

        private static IEnumerable<RecordRow> ReadRows(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = sql;
                foreach (var (name, value) in parameters)
                {
                    command.Parameters.AddWithValue(name, value);
                }

                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        yield return RecordRow.Read(reader);
                    }
                }
            }
        }

        private static byte[]? LoadEncapsulation(SqliteConnection connection, string kemId)
        {
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT encapsulation FROM kem_keys WHERE kem_id = $id";
                command.Parameters.AddWithValue("$id", kemId);
                return command.ExecuteScalar() as byte[];
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

        private void ThrowIfDisposed()
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(TrajectoryStore));
            }
        }

        /// <summary>A read transaction on the writer connection (held under the gate by <see cref="Snapshot{T}"/>).</summary>
        private sealed class ReadView : IBackendSnapshot
        {
            private readonly SqliteBackend _backend;

            internal ReadView(SqliteBackend backend)
            {
                _backend = backend;
                Head = backend._writer.ReadHead();
            }

            public ChainHead Head { get; }

            public IEnumerable<RecordRow> Rows() => ReadRows(_backend._connection, SqliteSchema.SelectRows + " ORDER BY seq");

            public IReadOnlyList<KemRecord> Encapsulations()
            {
                var list = new List<KemRecord>();
                using (var command = _backend._connection.CreateCommand())
                {
                    command.CommandText = "SELECT kem_id, key_id, encapsulation, created_at FROM kem_keys ORDER BY created_at, kem_id";
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            list.Add(new KemRecord { KemId = reader.GetString(0), KeyId = reader.GetString(1), Encapsulation = (byte[])reader.GetValue(2), CreatedAtMs = reader.GetInt64(3) });
                        }
                    }
                }

                return list;
            }
        }
    }
}
