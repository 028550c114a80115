using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store.Sqlite
{
    /// <summary>The SQLite store's tables, their migrations, and how a row is read.</summary>
    internal static class SqliteSchema
    {
        /// <summary>Schema version written to <c>PRAGMA user_version</c>.</summary>
        internal const int Version = 1;

        internal const string SelectRows =
            "SELECT seq, id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id, kem_id, payload, " +
            "origin_fingerprint, prev_fingerprint, fingerprint FROM trajectories";

        internal const string InsertRow =
            "INSERT OR IGNORE INTO trajectories(id, started_at, completed_at, strategy, symbol, success, score, duration_ms, enc, key_id, kem_id, payload, origin_fingerprint, prev_fingerprint, fingerprint) " +
            "VALUES ($id, $started, $completed, $strategy, $symbol, $success, $score, $duration, $enc, $key, $kem, $payload, $origin, $prev, $fp)";

        internal const string InsertStrategy =
            "INSERT INTO strategies(name, type, symbols_json, parameters_json, image, description, registered_at) " +
            "VALUES ($name, $type, $symbols, $parameters, $image, $description, $at) ";

        internal const string ReplaceStrategy =
            "ON CONFLICT(name) DO UPDATE SET type = excluded.type, symbols_json = excluded.symbols_json, " +
            "parameters_json = excluded.parameters_json, image = excluded.image, description = excluded.description, " +
            "registered_at = excluded.registered_at";

        internal const string KeepStrategy = "ON CONFLICT(name) DO NOTHING";

        /// <summary>Schema migrations, applied in order inside one write transaction.</summary>
        internal static readonly (int Version, string[] Statements)[] Migrations =
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

        /// <summary>The store's connections: no pooling (each store owns its connections), commands time out with the busy timeout.</summary>
        internal static string ConnectionString(string path, SqliteOpenMode mode, TimeSpan busyTimeout) => new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            Pooling = false,
            DefaultTimeout = (int)Math.Max(1, Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();

        /// <summary>Binds a registration to <see cref="InsertStrategy"/>'s parameters.</summary>
        internal static void BindStrategy(SqliteCommand command, StoredStrategy strategy)
        {
            command.Parameters.AddWithValue("$name", strategy.Name);
            command.Parameters.AddWithValue("$type", strategy.Type ?? string.Empty);
            command.Parameters.AddWithValue("$symbols", JsonSerializer.Serialize(strategy.Symbols ?? new System.Collections.Generic.List<string>()));
            command.Parameters.AddWithValue("$parameters", string.IsNullOrWhiteSpace(strategy.ParametersJson) ? "{}" : strategy.ParametersJson);
            command.Parameters.AddWithValue("$image", (object?)strategy.Image ?? DBNull.Value);
            command.Parameters.AddWithValue("$description", (object?)strategy.Description ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", strategy.RegisteredAt.ToUnixTimeMilliseconds());
        }

        /// <summary>Reads a registration selected by name, type, symbols_json, parameters_json, image, description, registered_at.</summary>
        internal static StoredStrategy ReadStrategy(SqliteDataReader reader) => new StoredStrategy
        {
            Name = reader.GetString(0),
            Type = reader.GetString(1),
            Symbols = JsonSerializer.Deserialize<System.Collections.Generic.List<string>>(reader.GetString(2)) ?? new System.Collections.Generic.List<string>(),
            ParametersJson = reader.GetString(3),
            Image = reader.IsDBNull(4) ? null : reader.GetString(4),
            Description = reader.IsDBNull(5) ? null : reader.GetString(5),
            RegisteredAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        };

        /// <summary>Sets WAL mode and the sync level, then brings the file to <see cref="Version"/> (creating it when new).</summary>
        internal static void Apply(SqliteWriter writer, string location, ILogger logger)
        {
            writer.Execute("PRAGMA busy_timeout = " + writer.BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture));
            writer.Retry(() =>
            {
                var mode = Convert.ToString(writer.Scalar("PRAGMA journal_mode = WAL"), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new StoreException(StoreErrorIds.CorruptStore, "The store could not switch to WAL mode (got '" + mode + "').");
                }

                return 0;
            });

            // NORMAL is durable against process crashes (kill -9) in WAL mode; only an OS crash or power loss can lose
            // the last commits, never corrupt the file. https://www.sqlite.org/pragma.html#pragma_synchronous
            writer.Execute("PRAGMA synchronous = NORMAL");
            Migrate(writer, location, logger);
        }

        private static void Migrate(SqliteWriter writer, string location, ILogger logger)
        {
            var version = Convert.ToInt64(writer.Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
            if (version > Version)
            {
                throw new StoreException(StoreErrorIds.CorruptStore, "The store at '" + location + "' has schema " + version.ToString(CultureInfo.InvariantCulture) + ", newer than this module's " + Version.ToString(CultureInfo.InvariantCulture) + ".");
            }

            if (version == Version)
            {
                return;
            }

            writer.Transaction(() =>
            {
                // Re-read inside the write lock: another process may have migrated meanwhile.
                var current = Convert.ToInt64(writer.Scalar("PRAGMA user_version"), CultureInfo.InvariantCulture);
                foreach (var step in Migrations.Where(s => s.Version > current))
                {
                    foreach (var statement in step.Statements)
                    {
                        writer.Execute(statement);
                    }

                    writer.Execute("PRAGMA user_version = " + step.Version.ToString(CultureInfo.InvariantCulture));
                    StoreLog.Migrated(logger, location, current, step.Version);
                    current = step.Version;
                }

                return 0;
            });
        }
    }
}
