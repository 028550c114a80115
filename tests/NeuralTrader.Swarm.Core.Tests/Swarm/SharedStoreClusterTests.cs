using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Tests.Store;
using Npgsql;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// One learning store on PostgreSQL shared by the hosts of the two-node test cluster: the server runs in node 1's
    /// namespace and listens on 10.213.7.1 only (password authentication, SCRAM-SHA-256); coordinators run in each node's
    /// namespace and reach it over TCP, node 2's over the veth link. The server and every process are stopped by pid
    /// when the test ends, also when it fails.
    /// </summary>
    [Collection(SwarmClusterCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class SharedStoreClusterTests
    {
        private readonly SwarmClusterFixture _cluster;

        public SharedStoreClusterTests(SwarmClusterFixture cluster)
        {
            _cluster = cluster;
        }

        private static string NewPassword() => "pw-" + Guid.NewGuid().ToString("N");

        private static IReadOnlyList<string> TrajectoryIds(NodeProcessResult deploy)
        {
            using var json = JsonDocument.Parse(deploy.Stdout);
            return json.RootElement.EnumerateArray().Select(r => r.GetProperty("trajectoryId").GetString()!).ToList();
        }

        [SwarmClusterFact]
        public async Task Coordinators_in_both_namespaces_write_to_one_PostgreSQL_over_the_veth_link_at_once()
        {
            _cluster.RequireCluster();
            var password = NewPassword();
            using var server = new PostgresCluster(password, _cluster.Namespace1, SwarmClusterFixture.Node1Address);
            using var processes = new ClusterProcesses();
            var store = server.NewDatabase();
            Assert.StartsWith("postgresql://" + PostgresCluster.User + "@" + SwarmClusterFixture.Node1Address + ":", store);
            var key = ClusterProcesses.NewKey();
            var work = Directory.CreateTempSubdirectory("nts-shared-cluster-");
            try
            {
                // Each host: its key and password in its environment, never in its arguments.
                Dictionary<string, string> Host(string name) => new Dictionary<string, string>
                {
                    ["NEURALTRADER_ENCRYPTION_KEY"] = key,
                    ["PGPASSWORD"] = password,
                    ["XDG_DATA_HOME"] = Path.Combine(work.FullName, name),
                };

                var node1 = processes.CliAsync(_cluster.Namespace1, Host("n1"), "deploy", "-s", "momentum", "-a", "6", "--symbols", "SPY", "--isolation", "process", "--store", store, "--encryption-key", "--json");
                var node2 = processes.CliAsync(_cluster.Namespace2, Host("n2"), "deploy", "-s", "momentum", "-a", "6", "--symbols", "QQQ", "--isolation", "process", "--store", store, "--encryption-key", "--json");
                var deploys = await Task.WhenAll(node1, node2);
                foreach (var deploy in deploys)
                    Assert.True(deploy.ExitCode == 0, deploy.ToString());
                var reported = deploys.SelectMany(TrajectoryIds).ToList();
                Assert.Equal(12, reported.Count);
                Assert.Equal(12, reported.Distinct().Count());

                // Every trajectory there exactly once, as the server holds it.
                using (var connection = server.Connect(store.Substring(store.LastIndexOf('/') + 1)))
                using (var command = new NpgsqlCommand("SELECT id FROM nts_trajectories", connection))
                using (var reader = await command.ExecuteReaderAsync())
                {
                    var stored = new List<string>();
                    while (await reader.ReadAsync())
                        stored.Add(reader.GetString(0));
                    Assert.Equal(reported.OrderBy(i => i, StringComparer.Ordinal), stored.OrderBy(i => i, StringComparer.Ordinal));
                }

                // From each side: one valid chain of all 12, and learning on the other side's symbol sees its 6 runs.
                foreach (var (ns, other) in new[] { (_cluster.Namespace1, "QQQ"), (_cluster.Namespace2, "SPY") })
                {
                    var status = await processes.CliAsync(ns, Host("status"), "status", "--store", store, "--learning", "--json");
                    Assert.True(status.ExitCode == 0, status.ToString());
                    using (var json = JsonDocument.Parse(status.Stdout))
                    {
                        Assert.Equal(12, json.RootElement.GetProperty("trajectories").GetInt64());
                        Assert.True(json.RootElement.GetProperty("chainValid").GetBoolean(), status.Stdout);
                        Assert.Equal(12, json.RootElement.GetProperty("learning").GetProperty("totalTrajectories").GetInt64());
                    }

                    var advice = await processes.CliAsync(ns, Host("patterns"), "patterns", "-t", "momentum on " + other, "--store", store, "--json");
                    Assert.True(advice.ExitCode == 0, advice.ToString());
                    using (var json = JsonDocument.Parse(advice.Stdout))
                        Assert.Equal(6, json.RootElement.GetProperty("suggestion").GetProperty("observations").GetInt32());
                }
            }
            finally
            {
                work.Delete(true);
            }
        }

        [SwarmClusterFact]
        public async Task The_password_comes_from_PGPASSWORD_or_a_pgpass_file_and_is_in_no_message()
        {
            _cluster.RequireCluster();
            var password = NewPassword();
            using var server = new PostgresCluster(password, _cluster.Namespace1, SwarmClusterFixture.Node1Address);
            using var processes = new ClusterProcesses();
            var store = server.NewDatabase();
            var key = ClusterProcesses.NewKey();
            var work = Directory.CreateTempSubdirectory("nts-pgpass-");
            try
            {
                Dictionary<string, string> Env(params (string Name, string Value)[] extra)
                {
                    var env = new Dictionary<string, string> { ["NEURALTRADER_ENCRYPTION_KEY"] = key, ["XDG_DATA_HOME"] = work.FullName };
                    foreach (var (name, value) in extra)
                        env[name] = value;
                    return env;
                }

                // PGPASSWORD, from node 2 over the veth link.
                var deploy = await processes.CliAsync(_cluster.Namespace2, Env(("PGPASSWORD", password)), "deploy", "-s", "momentum", "-a", "2", "--symbols", "SPY", "--isolation", "process", "--store", store, "--encryption-key", "--json");
                Assert.True(deploy.ExitCode == 0, deploy.ToString());

                // A pgpass file (PGPASSFILE; owner-only, as libpq and Npgsql expect), and nothing else.
                var pgpass = Path.Combine(work.FullName, "pgpass");
                File.WriteAllText(pgpass, $"{SwarmClusterFixture.Node1Address}:{server.Port}:*:{PostgresCluster.User}:{password}\n");
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(pgpass, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                var status = await processes.CliAsync(_cluster.Namespace2, Env(("PGPASSFILE", pgpass)), "status", "--store", store, "--json");
                Assert.True(status.ExitCode == 0, status.ToString());
                using (var json = JsonDocument.Parse(status.Stdout))
                    Assert.Equal(2, json.RootElement.GetProperty("trajectories").GetInt64());

                // No password at all, and a wrong one: refused by the server, and the message names neither password.
                var wrong = NewPassword();
                var none = await processes.CliAsync(_cluster.Namespace2, Env(("PGPASSFILE", Path.Combine(work.FullName, "missing"))), "status", "--store", store, "--json");
                var refused = await processes.CliAsync(_cluster.Namespace2, Env(("PGPASSWORD", wrong)), "deploy", "-s", "momentum", "-a", "1", "--symbols", "SPY", "--isolation", "process", "--store", store, "--encryption-key", "--json");
                foreach (var failed in new[] { none, refused })
                {
                    Assert.NotEqual(0, failed.ExitCode);
                    Assert.DoesNotContain(password, failed.Stdout + failed.Stderr, StringComparison.Ordinal);
                    Assert.DoesNotContain(wrong, failed.Stdout + failed.Stderr, StringComparison.Ordinal);
                }
                Assert.Contains("password authentication failed", refused.Stderr, StringComparison.Ordinal);

                // A password in the URI is refused before anything connects, and the message does not repeat it.
                var inUri = store.Replace(PostgresCluster.User + "@", PostgresCluster.User + ":" + password + "@", StringComparison.Ordinal);
                var uri = await processes.CliAsync(_cluster.Namespace2, Env(), "status", "--store", inUri, "--json");
                Assert.Equal(2, uri.ExitCode);
                Assert.Contains("carries a password", uri.Stderr, StringComparison.Ordinal);
                Assert.DoesNotContain(password, uri.Stdout + uri.Stderr, StringComparison.Ordinal);

                // Still 2: the refused writer recorded nothing.
                using var connection = server.Connect(store.Substring(store.LastIndexOf('/') + 1));
                using var count = new NpgsqlCommand("SELECT COUNT(*) FROM nts_trajectories", connection);
                Assert.Equal(2L, (long)(await count.ExecuteScalarAsync())!);
            }
            finally
            {
                work.Delete(true);
            }
        }
    }
}
