using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;
using Npgsql;
using NpgsqlTypes;

namespace NeuralTrader.Swarm.Store.Postgres
{
    /// <summary>
    /// One PostgreSQL database shared by every host that runs swarms: the same rows, chain and sealing as the SQLite
    /// store (payloads arrive sealed; keys never reach the server). Writers on any host are serialised by a
    /// transaction-scoped advisory lock, so the chain stays one chain; readers use pooled connections and never wait.
    /// </summary>
    internal sealed class PostgresBackend : ITrajectoryBackend
    {
        // One advisory lock id for the write path of every store in the database ("NTSWARM1" as a 64-bit number).
        private const long WriteLock = 0x4E54535741524D31;
        private const string Columns = "seq, id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id, kem_id, payload, origin_fingerprint, prev_fingerprint, fingerprint";

        private readonly NpgsqlDataSource _source;
        private readonly object _feedGate = new object();
        private (string Generation, long MaxSeq) _lastFeed = (string.Empty, -1);
        private bool _disposed;

        private PostgresBackend(NpgsqlDataSource source, string location)
        {
            _source = source;
            Location = location;
        }

        /// <inheritdoc />
        public string Location { get; }

        /// <summary>Connects, creates the tables when missing (under the write lock) and returns the backend. Found by Core by name.</summary>
        internal static ITrajectoryBackend Open(string connectionString, System.Net.NetworkCredential? credential, TimeSpan busyTimeout, ILogger logger)
        {
            var builder = Parse(connectionString);
            if (credential != null)
            {
                if (!string.IsNullOrEmpty(credential.UserName))
                {
                    builder.Username = credential.UserName;
                }

                // Kept in the data source only: Npgsql leaves it out of ConnectionString once opened (Persist Security Info is off).
                builder.Password = credential.Password;
            }

            builder.CommandTimeout = (int)Math.Max(1, Math.Ceiling(busyTimeout.TotalSeconds));
            var location = Describe(builder);
            var backend = new PostgresBackend(NpgsqlDataSource.Create(builder), location);
            try
            {
                backend.Transaction(connection =>
                {
                    foreach (var statement in Schema)
                    {
                        Execute(connection, statement);
                    }

                    return 0;
                });
                StoreLog.Migrated(logger, location, 0, 1);
                return backend;
            }
            catch (NpgsqlException ex)
            {
                backend.Dispose();
                // Npgsql's messages name the user and server, never the password.
                var id = ex is PostgresException { SqlState: var state } && state.StartsWith("28", StringComparison.Ordinal) ? StoreErrorIds.StoreAccessDenied
                    : ex is PostgresException ? StoreErrorIds.CorruptStore
                    : StoreErrorIds.StoreUnavailable;
                throw new StoreException(id, "The PostgreSQL store " + location + " could not be opened: " + ex.Message, ex);
            }
        }

        /// <inheritdoc />
        public string? ReadMeta(string key) => Read(connection => Scalar(connection, "SELECT value FROM nts_meta WHERE key = $1", key) as string);

        /// <inheritdoc />
        public WriteResult Write(WriteBatch batch) => Transaction(connection =>
        {
            foreach (var pair in batch.MetaIfAbsent ?? new Dictionary<string, string>())
            {
                Execute(connection, "INSERT INTO nts_meta(key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", pair.Key, pair.Value);
            }

            foreach (var kem in batch.Encapsulations)
            {
                Execute(connection, "INSERT INTO nts_kem_keys(kem_id, key_id, encapsulation, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (kem_id) DO NOTHING", kem.KemId, kem.KeyId, kem.Encapsulation, kem.CreatedAtMs);
            }

            var strategies = 0;
            foreach (var s in batch.Strategies)
            {
                strategies += Execute(
                    connection,
                    "INSERT INTO nts_strategies(name_key, name, type, symbols_json, parameters_json, image, description, registered_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) " +
                    (batch.ReplaceStrategies
                        ? "ON CONFLICT (name_key) DO UPDATE SET name = excluded.name, type = excluded.type, symbols_json = excluded.symbols_json, parameters_json = excluded.parameters_json, image = excluded.image, description = excluded.description, registered_at = excluded.registered_at"
                        : "ON CONFLICT (name_key) DO NOTHING"),
                    s.Name.ToUpperInvariant(),
                    s.Name,
                    s.Type ?? string.Empty,
                    JsonSerializer.Serialize(s.Symbols ?? new List<string>()),
                    string.IsNullOrWhiteSpace(s.ParametersJson) ? "{}" : s.ParametersJson,
                    s.Image,
                    s.Description,
                    s.RegisteredAt.ToUnixTimeMilliseconds());
            }

            return new WriteResult(batch.Rows.Count == 0 ? 0 : InsertChained(connection, batch.Rows, batch.Chain), strategies);
        });

        /// <inheritdoc />
        public long Count() => Read(connection => Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM nts_trajectories"), CultureInfo.InvariantCulture));

        /// <inheritdoc />
        public RecordRow? Get(string id) => Read(connection => Rows(connection, "SELECT " + Columns + " FROM nts_trajectories WHERE id = $1", id).FirstOrDefault());

        /// <inheritdoc />
        public IReadOnlyList<RecordRow> Query(TrajectoryFilter filter, int? limit)
        {
            var sql = new StringBuilder("SELECT " + Columns + " FROM nts_trajectories WHERE TRUE");
            var values = new List<object?>();
            void Where(string clause, object? value)
            {
                if (value != null)
                {
                    values.Add(value);
                    sql.Append(" AND ").Append(clause.Replace("$?", "$" + values.Count.ToString(CultureInfo.InvariantCulture)));
                }
            }

            Where("upper(strategy) = $?", string.IsNullOrEmpty(filter.Strategy) ? null : filter.Strategy!.ToUpperInvariant());
            Where("upper(symbol) = $?", string.IsNullOrEmpty(filter.Symbol) ? null : filter.Symbol!.ToUpperInvariant());
            Where("completed_at >= $?", filter.Since?.ToUnixTimeMilliseconds());
            Where("completed_at < $?", filter.Until?.ToUnixTimeMilliseconds());
            Where("success = $?", filter.Success);
            sql.Append(" ORDER BY seq DESC");
            if (limit.HasValue)
            {
                values.Add((long)Math.Max(0, limit.Value));
                sql.Append(" LIMIT $").Append(values.Count.ToString(CultureInfo.InvariantCulture));
            }

            return Read(connection => Rows(connection, sql.ToString(), values.ToArray()).ToList());
        }

        /// <inheritdoc />
        public HashSet<string> Ids() => Read(connection =>
        {
            var ids = new HashSet<string>(StringComparer.Ordinal);
            using var command = Command(connection, "SELECT id FROM nts_trajectories");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        });

        /// <inheritdoc />
        public T Snapshot<T>(Func<IBackendSnapshot, T> read) => Read(connection =>
        {
            using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
            var result = read(new ReadView(connection));
            transaction.Commit();
            return result;
        });

        /// <inheritdoc />
        public RecordFeed? ReadSince(string generation, long afterSeq)
        {
            lock (_feedGate)
            {
                return Read(connection =>
                {
                    using var transaction = connection.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
                    var current = Scalar(connection, "SELECT value FROM nts_meta WHERE key = 'generation'") as string ?? "0";
                    var maxSeq = Convert.ToInt64(Scalar(connection, "SELECT COALESCE(MAX(seq), 0) FROM nts_trajectories"), CultureInfo.InvariantCulture);
                    if (_lastFeed == (current, maxSeq))
                    {
                        return null;
                    }

                    var from = string.Equals(current, generation, StringComparison.Ordinal) ? afterSeq : 0;
                    var rows = Rows(connection, "SELECT " + Columns + " FROM nts_trajectories WHERE seq > $1 AND seq <= $2 ORDER BY seq", from, maxSeq).ToList();
                    var encapsulations = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                    foreach (var kemId in rows.Where(r => r.KemId != null).Select(r => r.KemId!).Distinct())
                    {
                        if (Scalar(connection, "SELECT encapsulation FROM nts_kem_keys WHERE kem_id = $1", kemId) is byte[] encapsulation)
                        {
                            encapsulations[kemId] = encapsulation;
                        }
                    }

                    transaction.Commit();
                    _lastFeed = (current, maxSeq);
                    return new RecordFeed { Generation = current, Rows = rows, Encapsulations = encapsulations };
                });
            }
        }

        /// <inheritdoc />
        public long Reset(FingerprintChain chain) => Transaction(connection =>
        {
            var count = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM nts_trajectories"), CultureInfo.InvariantCulture);
            Execute(connection, "DELETE FROM nts_trajectories");
            Execute(connection, "DELETE FROM nts_kem_keys");
            WriteHead(connection, chain.Head(FingerprintChain.Genesis, 0));
            Execute(connection, "UPDATE nts_meta SET value = (value::bigint + 1)::text WHERE key = 'generation'");
            return count;
        });

        /// <inheritdoc />
        public bool RemoveStrategy(string name) => Transaction(connection => Execute(connection, "DELETE FROM nts_strategies WHERE name_key = $1", name.ToUpperInvariant()) > 0);

        /// <inheritdoc />
        public IReadOnlyList<StoredStrategy> LoadStrategies() => Read(connection =>
        {
            var list = new List<StoredStrategy>();
            using var command = Command(connection, "SELECT name, type, symbols_json, parameters_json, image, description, registered_at FROM nts_strategies ORDER BY name_key");
            using var reader = command.ExecuteReader();
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

            return list;
        });

        /// <inheritdoc />
        public byte[]? LoadEncapsulation(string kemId) => Read(connection => Scalar(connection, "SELECT encapsulation FROM nts_kem_keys WHERE kem_id = $1", kemId) as byte[]);

        /// <inheritdoc />
        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _source.Dispose();
            }
        }

        private static readonly string[] Schema =
        {
            "CREATE TABLE IF NOT EXISTS nts_meta (key text PRIMARY KEY, value text NOT NULL)",
            "CREATE TABLE IF NOT EXISTS nts_trajectories (seq bigserial PRIMARY KEY, id text NOT NULL UNIQUE, started_at bigint NOT NULL, completed_at bigint NOT NULL, " +
            "strategy text NOT NULL, symbol text NOT NULL, success boolean NOT NULL, score double precision NOT NULL, duration_ms bigint NOT NULL, enc integer NOT NULL, " +
            "key_id text NULL, kem_id text NULL, payload bytea NOT NULL, origin_fingerprint bytea NULL, prev_fingerprint bytea NOT NULL, fingerprint bytea NOT NULL)",
            "CREATE INDEX IF NOT EXISTS nts_trajectories_pair ON nts_trajectories (upper(strategy), upper(symbol), seq)",
            "CREATE TABLE IF NOT EXISTS nts_kem_keys (kem_id text PRIMARY KEY, key_id text NOT NULL, encapsulation bytea NOT NULL, created_at bigint NOT NULL)",
            "CREATE TABLE IF NOT EXISTS nts_strategies (name_key text PRIMARY KEY, name text NOT NULL, type text NOT NULL, symbols_json text NOT NULL, " +
            "parameters_json text NOT NULL, image text NULL, description text NULL, registered_at bigint NOT NULL)",
            "INSERT INTO nts_meta(key, value) VALUES ('generation', '0'), ('chain_count', '0'), ('schema', '1') ON CONFLICT (key) DO NOTHING",
        };

        /// <summary>
        /// A <c>postgresql://user@host:port/database?key=value</c> URI (the form libpq and psql take; <c>host=</c> in the query
        /// may name a Unix socket folder) or an Npgsql keyword string. The password comes from the credential, PGPASSWORD or a pgpass file, never from here.
        /// </summary>
        private static NpgsqlConnectionStringBuilder Parse(string location)
        {
            if (!location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) && !location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            {
                return new NpgsqlConnectionStringBuilder(location);
            }

            var uri = new Uri(location);
            var builder = new NpgsqlConnectionStringBuilder();
            if (!string.IsNullOrEmpty(uri.Host))
            {
                builder.Host = uri.Host;
            }

            if (uri.Port > 0)
            {
                builder.Port = uri.Port;
            }

            // Core refused a URI with a password before this (StorePaths.RefusePassword).
            var user = Uri.UnescapeDataString(uri.UserInfo);
            if (user.Length > 0)
            {
                builder.Username = user;
            }

            builder.Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                builder[Uri.UnescapeDataString(equals < 0 ? pair : pair.Substring(0, equals))] = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair.Substring(equals + 1));
            }

            return builder;
        }

        /// <summary>The server and database, never the password.</summary>
        private static string Describe(NpgsqlConnectionStringBuilder builder) =>
            "postgresql://" + (builder.Username is null ? string.Empty : builder.Username + "@") + builder.Host + (builder.Port == 5432 ? string.Empty : ":" + builder.Port.ToString(CultureInfo.InvariantCulture)) + "/" + builder.Database;

        private int InsertChained(NpgsqlConnection connection, IReadOnlyList<RecordRow> rows, FingerprintChain chain)
        {
            var head = ReadHead(connection);
            chain.CheckTail(head, Scalar(connection, "SELECT fingerprint FROM nts_trajectories ORDER BY seq DESC LIMIT 1") as byte[],
                () => Scalar(connection, "SELECT 1 FROM nts_trajectories WHERE enc <> 0 LIMIT 1") != null, Location);
            var previous = head.Fingerprint;
            var count = head.Count;
            var inserted = 0;
            foreach (var row in rows)
            {
                var fingerprint = chain.Fingerprint(previous, row.Digest ?? row.ContentDigest());
                var added = Execute(
                    connection,
                    "INSERT INTO nts_trajectories(id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id, kem_id, payload, origin_fingerprint, prev_fingerprint, fingerprint) " +
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING",
                    row.Id, row.StartedAtMs, row.CompletedAtMs, row.Strategy, row.Symbol, row.Success, row.Score, row.DurationMs, row.Encryption, row.KeyId, row.KemId, row.Payload, row.OriginFingerprint, previous, fingerprint);
                if (added == 1)
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
                WriteHead(connection, chain.Head(previous, count));
            }

            return inserted;
        }

        private static ChainHead ReadHead(NpgsqlConnection connection)
        {
            string? Value(string key) => Scalar(connection, "SELECT value FROM nts_meta WHERE key = $1", key) as string;
            return HeadMeta.Parse(Value(HeadMeta.Fingerprint), Value(HeadMeta.Count), Value(HeadMeta.Signature), Value(HeadMeta.Signed));
        }

        private static void WriteHead(NpgsqlConnection connection, ChainHead head)
        {
            foreach (var pair in HeadMeta.Values(head))
            {
                Execute(connection, "INSERT INTO nts_meta(key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", pair.Key, pair.Value);
            }
        }

        /// <summary>Runs <paramref name="body"/> in a transaction holding the store-wide write lock (every host waits its turn).</summary>
        private T Transaction<T>(Func<NpgsqlConnection, T> body) => Read(connection =>
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, "SELECT pg_advisory_xact_lock($1)", WriteLock);
            var result = body(connection);
            transaction.Commit();
            return result;
        });

        private T Read<T>(Func<NpgsqlConnection, T> body)
        {
            if (_disposed)
            {
                throw new ObjectDisposedException(nameof(TrajectoryStore));
            }

            try
            {
                using var connection = _source.OpenConnection();
                return body(connection);
            }
            catch (NpgsqlException ex) when (ex.IsTransient || ex.InnerException is TimeoutException)
            {
                throw new StoreException(StoreErrorIds.StoreBusy, "The PostgreSQL store " + Location + " did not answer in time: " + ex.Message, ex);
            }
        }

        private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object?[] values)
        {
            var command = new NpgsqlCommand(sql, connection);
            foreach (var value in values)
            {
                command.Parameters.Add(value is null ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Unknown } : new NpgsqlParameter { Value = value });
            }

            return command;
        }

        private static int Execute(NpgsqlConnection connection, string sql, params object?[] values)
        {
            using var command = Command(connection, sql, values);
            return command.ExecuteNonQuery();
        }

        private static object? Scalar(NpgsqlConnection connection, string sql, params object?[] values)
        {
            using var command = Command(connection, sql, values);
            return command.ExecuteScalar();
        }

        private static IEnumerable<RecordRow> Rows(NpgsqlConnection connection, string sql, params object?[] values)
        {
            using var command = Command(connection, sql, values);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                yield return RecordRow.Read(reader);
            }
        }

        /// <summary>A repeatable-read transaction: head, rows and encapsulations as of one moment.</summary>
        private sealed class ReadView : IBackendSnapshot
        {
            private readonly NpgsqlConnection _connection;

            internal ReadView(NpgsqlConnection connection)
            {
                _connection = connection;
                Head = ReadHead(connection);
            }

            public ChainHead Head { get; }

            public IEnumerable<RecordRow> Rows() => PostgresBackend.Rows(_connection, "SELECT " + Columns + " FROM nts_trajectories ORDER BY seq");

            public IReadOnlyList<KemRecord> Encapsulations()
            {
                var list = new List<KemRecord>();
                using var command = Command(_connection, "SELECT kem_id, key_id, encapsulation, created_at FROM nts_kem_keys ORDER BY created_at, kem_id");
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    list.Add(new KemRecord { KemId = reader.GetString(0), KeyId = reader.GetString(1), Encapsulation = (byte[])reader.GetValue(2), CreatedAtMs = reader.GetInt64(3) });
                }

                return list;
            }
        }
    }
}
