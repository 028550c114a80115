using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// A real two-node Docker Swarm on this machine: two network namespaces joined by a veth pair (10.213.7.1 and
    /// .2, addresses that exist only inside these namespaces), one dockerd per namespace with its own data root,
    /// exec root, pid file and socket under a temporary folder, node 1 the manager and node 2 a worker labelled
    /// <c>tier=batch</c> (node 1 <c>tier=interactive</c>). A registry (Debian's docker-registry, unpacked, not
    /// installed) serves inside node 1's namespace at 10.213.7.1:5000, which both engines trust as insecure.
    /// Everything started is stopped by pid, every mount under the folder unmounted, both namespaces deleted and the
    /// folder removed by <see cref="TearDownAsync"/>. No xunit here: bench/ builds the same cluster (linked source).
    /// </summary>
    public class TwoNodeSwarm
    {
        public const string Node1Address = "10.213.7.1";
        public const string Node2Address = "10.213.7.2";
        public const string RegistryAddress = Node1Address + ":5000";

        /// <summary>Six hex digits naming this cluster's namespaces, links, folder and images.</summary>
        protected string Id { get; } = Guid.NewGuid().ToString("N").Substring(0, 6);
        private readonly List<int> _pids = new List<int>();
        private readonly List<string> _namespaces = new List<string>();
        private readonly Dictionary<string, int> _enginePids = new Dictionary<string, int>();
        private readonly string _busybox;

        public string Root { get; }

        /// <summary>Node 1's network namespace (under /var/run/netns), where 10.213.7.1 lives.</summary>
        public string Namespace1 => "ntsc" + Id + "a";

        /// <summary>Node 2's network namespace, where 10.213.7.2 lives.</summary>
        public string Namespace2 => "ntsc" + Id + "b";
        public string Node1Endpoint => "unix://" + Path.Combine(Root, "n1", "docker.sock");
        public string Node2Endpoint => "unix://" + Path.Combine(Root, "n2", "docker.sock");
        public DockerClient Node1 => DockerEngine.GetClient(new Uri(Node1Endpoint));
        public DockerClient Node2 => DockerEngine.GetClient(new Uri(Node2Endpoint));
        public string Node1Id { get; private set; } = "";
        public string Node2Id { get; private set; } = "";

        /// <summary>The node endpoint map a provider needs (node address → the engine's socket).</summary>
        public Dictionary<string, string> NodeEndpoints => new Dictionary<string, string>
        {
            [Node1Address] = Node1Endpoint,
            [Node2Address] = Node2Endpoint,
        };

        /// <param name="busybox">A static busybox, run in node 1's namespace to see the registry answer.</param>
        public TwoNodeSwarm(string busybox)
        {
            _busybox = busybox;
            // Short: the managed containerd's socket path under the exec root must stay below 108 bytes.
            Root = Path.Combine("/tmp", "ntsc-" + Id);
        }

        /// <summary>Builds the cluster; on failure call <see cref="TearDownAsync"/>, which stops whatever started.</summary>
        public async Task BuildAsync()
        {
            Directory.CreateDirectory(Root);
            var ns1 = Namespace1;
            var ns2 = Namespace2;
            Must("ip", "netns", "add", ns1);
            _namespaces.Add(ns1);
            Must("ip", "netns", "add", ns2);
            _namespaces.Add(ns2);
            var veth1 = "ntv" + Id + "a";
            var veth2 = "ntv" + Id + "b";
            // Created in namespace 1 directly, so no end ever exists in the host's namespace.
            Must("ip", "-n", ns1, "link", "add", veth1, "type", "veth", "peer", "name", veth2, "netns", ns2);
            Must("ip", "-n", ns1, "addr", "add", Node1Address + "/24", "dev", veth1);
            Must("ip", "-n", ns2, "addr", "add", Node2Address + "/24", "dev", veth2);
            foreach (var (ns, dev) in new[] { (ns1, veth1), (ns2, veth2), (ns1, "lo"), (ns2, "lo") })
                Must("ip", "-n", ns, "link", "set", dev, "up");

            await StartRegistryAsync(ns1);
            StartDockerd(ns1, "n1");
            StartDockerd(ns2, "n2");
            await WaitForEngineAsync(Node1Endpoint);
            await WaitForEngineAsync(Node2Endpoint);

            await Node1.Swarm.InitSwarmAsync(new SwarmInitParameters { ListenAddr = Node1Address + ":2377", AdvertiseAddr = Node1Address });
            var swarm = await Node1.Swarm.InspectSwarmAsync();
            await Node2.Swarm.JoinSwarmAsync(new SwarmJoinParameters
            {
                ListenAddr = Node2Address + ":2377",
                AdvertiseAddr = Node2Address,
                RemoteAddrs = new List<string> { Node1Address + ":2377" },
                JoinToken = swarm.JoinTokens.Worker,
            });
            Node1Id = (await Node1.System.GetSystemInfoAsync()).Swarm.NodeID;
            Node2Id = (await Node2.System.GetSystemInfoAsync()).Swarm.NodeID;
            var watch = Stopwatch.StartNew();
            while ((await Node1.Swarm.ListNodesAsync()).Count(n => n.Status.State == "ready") < 2)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(60))
                    throw new TimeoutException("Node 2 did not become ready in the swarm within 60 s.");
                await Task.Delay(200);
            }
            await LabelNodeAsync(Node1Id, "interactive");
            await LabelNodeAsync(Node2Id, "batch");
        }

        private async Task LabelNodeAsync(string nodeId, string tier)
        {
            var node = await Node1.Swarm.InspectNodeAsync(nodeId);
            await Node1.Swarm.UpdateNodeAsync(nodeId, node.Version.Index, new NodeUpdateParameters
            {
                Role = node.Spec.Role,
                Availability = node.Spec.Availability,
                Labels = new Dictionary<string, string> { ["tier"] = tier },
            });
        }

        private async Task StartRegistryAsync(string ns)
        {
            var dir = Path.Combine(Root, "registry");
            Directory.CreateDirectory(dir);
            // Unpacked, never installed: nothing on the host changes.
            var (code, output) = Run("/bin/sh", "-c", "cd '" + dir + "' && apt-get download docker-registry 2>&1 && dpkg -x docker-registry_*.deb pkg");
            var binary = Path.Combine(dir, "pkg", "usr", "bin", "docker-registry");
            if (code != 0 || !File.Exists(binary))
                throw new InvalidOperationException("Could not fetch Debian's docker-registry with apt-get download (run apt-get update?): " + output);
            var config = Path.Combine(dir, "config.yml");
            File.WriteAllText(config, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: " + Path.Combine(dir, "data") +
                "\n  delete:\n    enabled: true\nhttp:\n  addr: " + RegistryAddress + "\n");
            StartInNamespace(ns, Path.Combine(dir, "registry.log"), binary, "serve", config);
            var watch = Stopwatch.StartNew();
            while (Run("nsenter", "--net=/var/run/netns/" + ns, _busybox, "wget", "-q", "-O", "/dev/null", "http://" + RegistryAddress + "/v2/").Code != 0)
            {
                if (watch.Elapsed > TimeSpan.FromSeconds(30))
                    throw new TimeoutException("The registry did not answer at " + RegistryAddress + " within 30 s.");
                await Task.Delay(100);
            }
        }

        private void StartDockerd(string ns, string node)
        {
            var dir = Path.Combine(Root, node);
            Directory.CreateDirectory(Path.Combine(dir, "data"));
            Directory.CreateDirectory(Path.Combine(dir, "exec"));
            _enginePids[node] = StartInNamespace(ns, Path.Combine(dir, "dockerd.log"), "dockerd",
                "--data-root", Path.Combine(dir, "data"),
                "--exec-root", Path.Combine(dir, "exec"),
                "--pidfile", Path.Combine(dir, "dockerd.pid"),
                "-H", "unix://" + Path.Combine(dir, "docker.sock"),
                "--bridge=none", "--iptables=false", "--ip-masq=false",
                "--insecure-registry", RegistryAddress,
                "--log-level", "warn");
        }

        /// <summary>
        /// Starts a program in a namespace's network only: nsenter --net, not `ip netns exec`, which also remounts
        /// /sys and so hides the cgroup mounts dockerd needs ("Devices cgroup isn't mounted").
        /// </summary>
        private int StartInNamespace(string ns, string log, string program, params string[] args)
        {
            var quoted = string.Join(" ", new[] { "nsenter", "--net=/var/run/netns/" + ns, program }.Concat(args).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
            // exec: the pid we keep is the program's own (sh execs nsenter, which execs the program).
            var start = new ProcessStartInfo("/bin/sh", new[] { "-c", "exec " + quoted + " >'" + log + "' 2>&1 </dev/null" }) { UseShellExecute = false };
            using var process = Process.Start(start)!;
            lock (_pids) _pids.Add(process.Id);
            return process.Id;
        }

        /// <summary>A node failure for real: node 2's dockerd is killed with SIGKILL (its containerd and tasks stay until teardown).</summary>
        public void KillNode2Engine() => Signal(_enginePids["n2"], "KILL");

        private static async Task WaitForEngineAsync(string endpoint)
        {
            var watch = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await DockerEngine.PingAsync(new Uri(endpoint), TimeSpan.FromSeconds(2));
                    return;
                }
                catch (Exception) when (watch.Elapsed < TimeSpan.FromSeconds(60))
                {
                    await Task.Delay(200);
                }
            }
        }

        /// <summary>Stops everything started by pid, unmounts, deletes both namespaces and the folder; safe after a failed or partial build.</summary>
        public async Task TearDownAsync()
        {
            // Services first, so each engine stops its task containers while it still runs.
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                foreach (var service in await Node1.Swarm.ListServicesAsync(new ServicesListParameters(), cts.Token))
                    await Node1.Swarm.RemoveServiceAsync(service.ID, cts.Token);
            }
            catch (Exception)
            {
                // The engine may never have started; the processes are stopped below regardless.
            }
            List<int> pids;
            lock (_pids) pids = _pids.ToList();
            foreach (var pid in pids)
                Signal(pid, "TERM");
            await WaitGoneAsync(pids, TimeSpan.FromSeconds(20));
            foreach (var pid in pids)
                Signal(pid, "KILL");
            // containerd and its shims, started by the engines: found by the folder in their command lines.
            var children = ProcessesUsing(Root);
            foreach (var pid in children)
                Signal(pid, "KILL");
            await WaitGoneAsync(children, TimeSpan.FromSeconds(10));
            foreach (var mount in MountsUnder(Root).OrderByDescending(m => m.Length))
                Run("umount", "-l", mount);
            foreach (var ns in _namespaces)
                Run("ip", "netns", "del", ns);
            _namespaces.Clear();
            try
            {
                if (Directory.Exists(Root))
                    Directory.Delete(Root, true);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Run("rm", "-rf", Root);
            }
        }

        private static void Signal(int pid, string signal)
        {
            if (Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
                Run("kill", "-" + signal, pid.ToString(CultureInfo.InvariantCulture));
        }

        private static async Task WaitGoneAsync(IEnumerable<int> pids, TimeSpan timeout)
        {
            var watch = Stopwatch.StartNew();
            while (pids.Any(p => IsRunning(p)) && watch.Elapsed < timeout)
                await Task.Delay(100);
        }

        /// <summary>Running and not a zombie (a reaped child's /proc entry stays until its parent waits).</summary>
        private static bool IsRunning(int pid)
        {
            try
            {
                var stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
                return stat.Substring(stat.LastIndexOf(')') + 2, 1) != "Z";
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>Pids whose command line mentions <paramref name="path"/>: only what this fixture's engines started.</summary>
        internal static List<int> ProcessesUsing(string path)
        {
            var pids = new List<int>();
            foreach (var dir in Directory.GetDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), out var pid))
                    continue;
                try
                {
                    var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                    if (cmdline.Contains(path + "/", StringComparison.Ordinal) || cmdline.EndsWith(path + " ", StringComparison.Ordinal))
                        pids.Add(pid);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                }
            }
            return pids;
        }

        internal static List<string> MountsUnder(string path) =>
            File.ReadLines("/proc/self/mountinfo")
                .Select(l => l.Split(' ')[4].Replace("\\040", " "))
                .Where(m => m.StartsWith(path + "/", StringComparison.Ordinal))
                .Distinct()
                .ToList();

        /// <summary>The last lines of the engines' and the registry's logs, for a failure message.</summary>
        public string Logs()
        {
            var sb = new StringBuilder();
            foreach (var log in new[] { "n1/dockerd.log", "n2/dockerd.log", "registry/registry.log" })
            {
                var file = Path.Combine(Root, log);
                if (File.Exists(file))
                    sb.Append("--- ").Append(log).Append(":\n").Append(string.Join("\n", File.ReadLines(file).TakeLast(15))).Append('\n');
            }
            return sb.ToString();
        }

        private static void Must(params string[] command)
        {
            var (code, output) = Run(command);
            if (code != 0)
                throw new InvalidOperationException($"`{string.Join(" ", command)}` failed ({code}): {output.Trim()}");
        }

        internal static (int Code, string Output) Run(params string[] command)
        {
            var start = new ProcessStartInfo(command[0], command.Skip(1))
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }

        internal static string? Which(string tool) =>
            (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
                .Concat(new[] { "/usr/sbin", "/sbin" })
                .Select(d => Path.Combine(d, tool))
                .FirstOrDefault(File.Exists);

    }
}
