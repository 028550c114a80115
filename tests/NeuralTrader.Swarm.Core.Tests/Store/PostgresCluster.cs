using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Npgsql;

namespace NeuralTrader.Swarm.Tests.Store
{
    /// <summary>
    /// A real PostgreSQL 15 cluster made for the tests: initdb in a temporary folder, listening on a Unix socket there
    /// and, when given a network namespace, also on TCP at an address inside it (the server runs in that namespace).
    /// Trust authentication for the one user, or SCRAM-SHA-256 with a password (local and host lines in pg_hba). Run as
    /// the postgres account when the tests run as root (the server refuses root). Stopped by its postmaster pid and
    /// deleted on dispose, also when the start fails.
    /// </summary>
    public sealed class PostgresCluster : IDisposable
    {
        public const string User = "nts";
        private readonly string _root;
        private readonly int _port;
        private readonly string? _listenAddress;
        private int _postmasterPid;

        public PostgresCluster()
            : this(null, null, null)
        {
        }

        // Internal: xunit wants one public constructor on a class fixture.
        /// <param name="password">The user's password (SCRAM-SHA-256 for every connection), or null for trust.</param>
        /// <param name="networkNamespace">A namespace under /var/run/netns the server runs in, or null for the host's.</param>
        /// <param name="listenAddress">A TCP address inside that namespace to listen on (with its /24 allowed in pg_hba), or null for the socket only.</param>
        internal PostgresCluster(string? password, string? networkNamespace, string? listenAddress)
        {
            Password = password;
            _listenAddress = listenAddress;
            var bin = new[] { "/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin" }.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")))
                ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql; install postgresql (.ci/run does).");
            _root = Path.Combine("/tmp", "nts-pg-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(_root);
            _port = 20000 + new Random().Next(30000);
            var asRoot = Environment.UserName == "root";
            try
            {
                if (asRoot)
                {
                    Run("chown", "postgres " + _root);
                }

                var data = Path.Combine(_root, "data");
                var auth = "--auth=trust";
                if (password != null)
                {
                    // initdb reads the password from a file, never from its arguments; the file goes once it is read.
                    var pwfile = Path.Combine(_root, "pwfile");
                    File.WriteAllText(pwfile, password + "\n");
                    if (asRoot)
                    {
                        Run("chown", "postgres " + pwfile);
                    }

                    auth = "--auth=scram-sha-256 --pwfile=" + pwfile;
                }

                Server(asRoot, null, Path.Combine(bin, "initdb"), $"-D {data} -U {User} {auth} -E UTF8 --no-sync");
                File.Delete(Path.Combine(_root, "pwfile"));
                if (listenAddress != null)
                {
                    var net = listenAddress.Substring(0, listenAddress.LastIndexOf('.')) + ".0/24";
                    File.AppendAllText(Path.Combine(data, "pg_hba.conf"), $"host all all {net} {(password == null ? "trust" : "scram-sha-256")}\n");
                }

                Server(asRoot, networkNamespace, Path.Combine(bin, "pg_ctl"), $"-D {data} -w -t 60 -l {Path.Combine(_root, "server.log")} -o \"-k {_root} -p {_port} -c listen_addresses='{listenAddress}' -c fsync=off\" start");
                _postmasterPid = int.Parse(File.ReadLines(Path.Combine(data, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>The user's password, or null when the cluster trusts every connection.</summary>
        public string? Password { get; }

        public int Port => _port;

        /// <summary>A connection to a database over the Unix socket, for checks the tests make directly.</summary>
        public NpgsqlConnection Connect(string database)
        {
            var connection = new NpgsqlConnection($"Host={_root};Port={_port};Username={User};Password={Password};Database={database};Pooling=false");
            connection.Open();
            return connection;
        }

        /// <summary>A new empty database; its <c>postgresql://</c> URI as users give it.</summary>
        public string NewDatabase()
        {
            var name = "t" + Guid.NewGuid().ToString("N").Substring(0, 16);
            using (var connection = Connect("postgres"))
            {
                using var command = new NpgsqlCommand("CREATE DATABASE " + name, connection);
                command.ExecuteNonQuery();
            }

            // Reached over TCP inside the namespace when the cluster listens there, else over the socket.
            return _listenAddress != null ? $"postgresql://{User}@{_listenAddress}:{_port}/{name}" : $"postgresql://{User}@localhost:{_port}/{name}?host={_root}";
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

        private static void Server(bool asRoot, string? networkNamespace, string program, string arguments)
        {
            if (networkNamespace != null)
            {
                // nsenter --net only (not `ip netns exec`): the server needs nothing but the namespace's network.
                Run("nsenter", "--net=/var/run/netns/" + networkNamespace + " " + (asRoot ? "runuser -u postgres -- " : string.Empty) + program + " " + arguments);
            }
            else if (asRoot)
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
