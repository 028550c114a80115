using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Npgsql;

namespace NeuralTrader.Swarm.Tests.Store
{
    /// <summary>
    /// A real PostgreSQL 15 cluster made for the tests: initdb in a temporary folder, listening only on a Unix socket
    /// there (no TCP), trust authentication for the one local user. Run as the postgres account when the tests run as
    /// root (the server refuses root). Stopped by its postmaster pid and deleted on dispose.
    /// </summary>
    public sealed class PostgresCluster : IDisposable
    {
        private const string User = "nts";
        private readonly string _root;
        private readonly int _port;
        private int _postmasterPid;

        public PostgresCluster()
        {
            var bin = new[] { "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin" }.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
                ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql; install postgresql (.ci/run does).");
            _root = Path.Combine("/tmp", "nts-pg-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(_root);
            _port = 20000 + new Random().Next(30000);
            var asRoot = Environment.UserName == "root";
            if (asRoot)
            {
                Run("chown", "postgres " + _root);
            }

            var data = Path.Combine(_root, "data");
            Server(asRoot, Path.Combine(bin, "initdb"), $"-D {data} -U {User} --auth=trust -E UTF8 --no-sync");
            Server(asRoot, Path.Combine(bin, "pg_ctl"), $"-D {data} -w -t 60 -l {Path.Combine(_root, "server.log")} -o \"-k {_root} -p {_port} -c listen_addresses='' -c fsync=off\" start");
            _postmasterPid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        }

        /// <summary>A new empty database; its <c>postgresql://</c> URI as users give it.</summary>
        public string NewDatabase()
        {
            var name = "t" + Guid.NewGuid().ToString("N").Substring(0, 16);
            using (var connection = new NpgsqlConnection($"Host={_root};Port={_port};Username={User};Database=postgres;Pooling=false"))
            {
                connection.Open();
                using var command = new NpgsqlCommand("CREATE DATABASE " + name, connection);
                command.ExecuteNonQuery();
            }

            return $"postgresql://{User}@localhost:{_port}/{name}?host={_root}";
        }

        public void Dispose()
        {
            if (_postmasterPid > 0)
            {
                try
                {
                    // SIGQUIT: immediate shutdown of the postmaster and its children; then wait for it to go.
                    using var postmaster = Process.GetProcessById(_postmasterPid);
                    Run("kill", "-QUIT " + _postmasterPid.ToString(CultureInfo.InvariantCulture));
                    postmaster.WaitForExit(30000);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }

                _postmasterPid = 0;
            }

            NpgsqlConnection.ClearAllPools();
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static void Server(bool asRoot, string program, string arguments)
        {
            if (asRoot)
            {
                Run("runuser", "-u postgres -- " + program + " " + arguments);
            }
            else
            {
                Run(program, arguments);
            }
        }

        private static void Run(string program, string arguments)
        {
            var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {arguments} exited {process.ExitCode}: {stderr}{stdout.Result}");
            }
        }
    }
}
