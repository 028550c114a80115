using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store.Sqlite
{
    /// <summary>
    /// The write path of the SQLite store: the write lock (BEGIN IMMEDIATE) with busy retries, the chained insert and
    /// the head, all on one connection and prepared once. Not thread-safe: its owner holds a lock around every call.
    /// </summary>
    internal sealed class SqliteWriter : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly string _path;
        private readonly TimeSpan _busyTimeout;
        private readonly ILogger _logger;
        private readonly Random _jitter = new Random();

        // The append path's statements, prepared once per connection instead of parsed again for every batch.
        private SqliteCommand? _insert;
        private SqliteCommand? _readHead;

        internal SqliteWriter(SqliteConnection connection, string path, TimeSpan busyTimeout, ILogger logger)
        {
            _connection = connection;
            _path = path;
            _busyTimeout = busyTimeout;
            _logger = logger;
        }

        private static readonly string[] HeadKeys = { HeadMeta.Fingerprint, HeadMeta.Count, HeadMeta.Signature, HeadMeta.Signed };

        internal int BusyTimeoutMilliseconds => (int)Math.Min(int.MaxValue, _busyTimeout.TotalMilliseconds);

        /// <summary>Runs <paramref name="body"/> in BEGIN IMMEDIATE, retrying busy/locked errors with jittered backoff within the busy timeout.</summary>
        internal T Transaction<T>(Func<T> body) => Retry(() =>
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

        /// <summary>Retries <paramref name="action"/> while SQLite reports busy or locked, up to the busy timeout.</summary>
        internal T Retry<T>(Func<T> action)
        {
            var watch = Stopwatch.StartNew();
            var attempt = 0;
            while (true)
            {
                try
                {
                    return action();
                }
                catch (SqliteException ex) when (ex.SqliteErrorCode == 5 || ex.SqliteErrorCode == 6)
                {
                    attempt++;
                    if (watch.Elapsed >= _busyTimeout)
                    {
                        throw Busy(ex);
                    }

                    var cap = Math.Min(250, 5 << Math.Min(attempt, 6));
                    var delay = (cap / 2) + _jitter.Next(cap);
                    StoreLog.BusyRetry(_logger, attempt, delay);
                    Thread.Sleep(delay);
                }
            }
        }

        /// <summary>Inserts the rows whose id is new, each linked to the head, and writes the new head. Inside a transaction.</summary>
        internal int InsertChained(IReadOnlyList<RecordRow> rows, FingerprintChain chain)
        {
            var head = ReadHead();
            chain.CheckTail(head, Scalar("SELECT fingerprint FROM trajectories ORDER BY seq DESC LIMIT 1") as byte[],
                () => Scalar("SELECT 1 FROM trajectories WHERE enc <> 0 LIMIT 1") != null, _path);
            var previous = head.Fingerprint;
            var count = head.Count;
            var inserted = 0;
            var insert = InsertCommand();
            var p = insert.Parameters;
            foreach (var row in rows)
            {
                var fingerprint = chain.Fingerprint(previous, row.Digest ?? row.ContentDigest());
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
                WriteHead(chain.Head(previous, count));
            }

            return inserted;
        }

        internal ChainHead ReadHead()
        {
            var values = new string?[4];
            using (var reader = Prepared(ref _readHead, "SELECT " + string.Join(", ", HeadKeys.Select(k => "(SELECT value FROM meta WHERE key = '" + k + "')"))).ExecuteReader())
            {
                reader.Read();
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
                }
            }

            return HeadMeta.Parse(values[0], values[1], values[2], values[3]);
        }

        internal void WriteHead(ChainHead head)
        {
            foreach (var pair in HeadMeta.Values(head))
            {
                Execute("INSERT INTO meta(key, value) VALUES ($p0, $p1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", pair.Key, pair.Value);
            }
        }

        /// <summary>Runs a statement whose parameters are named $p0, $p1, ...; returns the rows changed.</summary>
        internal int Execute(string sql, params object[] parameters)
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = sql;
                for (var i = 0; i < parameters.Length; i++)
                {
                    command.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), parameters[i]);
                }

                return command.ExecuteNonQuery();
            }
        }

        internal object? Scalar(string sql)
        {
            using (var command = _connection.CreateCommand())
            {
                command.CommandText = sql;
                return command.ExecuteScalar();
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            _insert?.Dispose();
            _readHead?.Dispose();
            _insert = _readHead = null;
        }

        private StoreException Busy(Exception? inner) => new StoreException(
            StoreErrorIds.StoreBusy,
            "The store '" + _path + "' stayed locked by other writers for " + _busyTimeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s.",
            inner);

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
                        throw Busy(null);
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

        private SqliteCommand InsertCommand()
        {
            if (_insert != null)
            {
                return _insert;
            }

            var command = _connection.CreateCommand();
            command.CommandText = SqliteSchema.InsertRow;
            foreach (var (name, type) in new[]
            {
                ("$id", SqliteType.Text), ("$started", SqliteType.Integer), ("$completed", SqliteType.Integer), ("$strategy", SqliteType.Text),
                ("$symbol", SqliteType.Text), ("$success", SqliteType.Integer), ("$score", SqliteType.Real), ("$duration", SqliteType.Integer),
                ("$enc", SqliteType.Integer), ("$key", SqliteType.Text), ("$kem", SqliteType.Text), ("$payload", SqliteType.Blob),
                ("$origin", SqliteType.Blob), ("$prev", SqliteType.Blob), ("$fp", SqliteType.Blob),
            })
            {
                command.Parameters.Add(name, type);
            }

            command.Prepare();
            return _insert = command;
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
    }
}
