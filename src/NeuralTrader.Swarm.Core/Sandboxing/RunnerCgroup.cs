using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// The control group of one process-isolated runner, on Linux where the cgroup hierarchy is writable (root, or a
    /// delegated subtree): a memory limit (swap included) that the kernel enforces by killing the runner, a process
    /// limit that caps fork bombs whoever the user is (RLIMIT_NPROC does not apply to root), and a CPU quota.
    /// cgroup v2 (one unified hierarchy) and v1 (the memory, pids and cpu hierarchies, as on hosts whose Docker
    /// engine still uses v1) are both supported. Each runner gets groups of its own under the coordinator's own
    /// group, named <c>neuraltrader-&lt;coordinator pid&gt;-&lt;n&gt;</c>; they are removed when the sandbox stops.
    /// </summary>
    internal sealed class RunnerCgroup : IDisposable
    {
        /// <summary>Processes and threads a runner may have, as Docker sandboxes get (<c>PidsLimit</c>).</summary>
        public const int PidsLimit = 64;

        private const string Prefix = "neuraltrader-";
        private const long CpuPeriodMicroseconds = 100_000;
        private static readonly Lazy<Hierarchy> Host = new Lazy<Hierarchy>(Hierarchy.Detect);
        private static readonly string OwnerId = Process.GetCurrentProcess().Id.ToString(CultureInfo.InvariantCulture);
        private static int s_counter;

        private readonly Hierarchy _hierarchy;
        private int _disposed;

        private RunnerCgroup(Hierarchy hierarchy, IReadOnlyList<string> directories)
        {
            _hierarchy = hierarchy;
            Directories = directories;
        }

        /// <summary>Null when runners get cgroups here, else why not (said once by the provider).</summary>
        public static string? UnavailableReason => Host.Value.UnavailableReason;

        /// <summary>The groups' directories (one with v2; memory, pids and maybe cpu with v1).</summary>
        public IReadOnlyList<string> Directories { get; }

        /// <summary>The files a process writes its pid to in order to join the groups.</summary>
        public IEnumerable<string> ProcsFiles => Directories.Select(d => Path.Combine(d, "cgroup.procs"));

        /// <summary>How often the kernel has killed a process of the group for passing its memory limit.</summary>
        public long OutOfMemoryKills
        {
            get
            {
                var file = _hierarchy.Version == 2 ? "memory.events" : "memory.oom_control";
                try
                {
                    var line = File.ReadLines(Path.Combine(Directories[0], file)).FirstOrDefault(l => l.StartsWith("oom_kill ", StringComparison.Ordinal));
                    return line != null && long.TryParse(line.Substring(9), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
                }
                catch (IOException)
                {
                    return 0;
                }
            }
        }

        /// <summary>
        /// Makes the groups of one runner with its limits, or returns null where cgroups are not available. A failure
        /// to make them where they were available is an error: the runner must not start unconfined.
        /// </summary>
        public static RunnerCgroup? Create(int memoryLimitMb, double cpuLimit)
        {
            var hierarchy = Host.Value;
            if (hierarchy.UnavailableReason != null)
                return null;
            var name = Prefix + OwnerId + "-" + Interlocked.Increment(ref s_counter).ToString(CultureInfo.InvariantCulture);
            var made = new List<string>();
            try
            {
                var memory = (long)memoryLimitMb * 1024 * 1024;
                var quota = Math.Max(1000, (long)Math.Round(cpuLimit * CpuPeriodMicroseconds)).ToString(CultureInfo.InvariantCulture);
                foreach (var parent in hierarchy.Parents)
                {
                    var dir = Path.Combine(parent.Value, name);
                    Directory.CreateDirectory(dir);
                    made.Add(dir);
                    if (hierarchy.Version == 2)
                    {
                        Write(dir, "memory.max", memory);
                        WriteIfPresent(dir, "memory.swap.max", "0");
                        Write(dir, "pids.max", PidsLimit);
                        WriteIfPresent(dir, "cpu.max", quota + " " + CpuPeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
                    }
                    else if (parent.Key == "memory")
                    {
                        Write(dir, "memory.limit_in_bytes", memory);
                        WriteIfPresent(dir, "memory.memsw.limit_in_bytes", memory.ToString(CultureInfo.InvariantCulture)); // swap accounting: no swap beyond the limit
                    }
                    else if (parent.Key == "pids")
                    {
                        Write(dir, "pids.max", PidsLimit);
                    }
                    else
                    {
                        Write(dir, "cpu.cfs_period_us", CpuPeriodMicroseconds);
                        File.WriteAllText(Path.Combine(dir, "cpu.cfs_quota_us"), quota);
                    }
                }
                return new RunnerCgroup(hierarchy, made);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                new RunnerCgroup(hierarchy, made).Dispose();
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                    $"Could not make the runner's control group '{name}' under {string.Join(", ", hierarchy.Parents.Values)}: {e.Message}");
            }
        }

        /// <summary>Kills every process in the groups, including any that left the runner's process group.</summary>
        public void KillAll()
        {
            if (_hierarchy.Version == 2 && File.Exists(Path.Combine(Directories[0], "cgroup.kill")))
            {
                try { File.WriteAllText(Path.Combine(Directories[0], "cgroup.kill"), "1"); }
                catch (IOException) { }
                return;
            }
            foreach (var pid in Members())
                ProcessContainment.Kill(pid);
        }

        /// <summary>Kills what is left and removes the groups, waiting briefly for killed processes to leave them.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            var wait = Stopwatch.StartNew();
            foreach (var dir in Directories.Reverse())
            {
                while (true)
                {
                    try
                    {
                        if (Directory.Exists(dir))
                            Directory.Delete(dir); // rmdir: fails while a process is still a member
                        break;
                    }
                    catch (IOException) when (wait.Elapsed < TimeSpan.FromSeconds(5))
                    {
                        KillAll();
                        Thread.Sleep(10);
                    }
                    catch (IOException)
                    {
                        break; // swept by a later coordinator once empty
                    }
                }
            }
        }

        private IEnumerable<int> Members()
        {
            var pids = new HashSet<int>();
            foreach (var file in ProcsFiles)
            {
                try
                {
                    foreach (var line in File.ReadAllLines(file))
                    {
                        if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                            pids.Add(pid);
                    }
                }
                catch (IOException)
                {
                }
            }
            return pids;
        }

        private static void Write(string dir, string file, long value) =>
            File.WriteAllText(Path.Combine(dir, file), value.ToString(CultureInfo.InvariantCulture));

        private static void WriteIfPresent(string dir, string file, string value)
        {
            var path = Path.Combine(dir, file);
            if (File.Exists(path))
                File.WriteAllText(path, value);
        }

        /// <summary>Where this process's runners get their groups, found once per process.</summary>
        private sealed class Hierarchy
        {
            /// <summary>The controllers runners get limits from (memory and pids required, cpu where offered).</summary>
            private static readonly string[] Controllers = { "memory", "pids", "cpu" };

            private Hierarchy(int version, Dictionary<string, string> parents, string? unavailableReason)
            {
                Version = version;
                Parents = parents;
                UnavailableReason = unavailableReason;
            }

            public int Version { get; }

            /// <summary>Controller (v1) or "unified" (v2) to the directory the runners' groups are made in.</summary>
            public Dictionary<string, string> Parents { get; }

            public string? UnavailableReason { get; }

            public static Hierarchy Detect()
            {
                if (!RunnerEnvironment.IsLinux)
                    return Unavailable("cgroups exist on Linux only");
                try
                {
                    var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(Mount.Parse).Where(m => m != null).Select(m => m!).ToList();
                    var own = File.ReadAllLines("/proc/self/cgroup").Select(l => l.Split(new[] { ':' }, 3)).Where(p => p.Length == 3).ToList();
                    var v2 = TryV2(mounts, own, out var v2Reason);
                    if (v2 != null)
                        return v2;
                    var v1 = TryV1(mounts, own, out var v1Reason);
                    return v1 ?? Unavailable(v2Reason ?? v1Reason ?? "no cgroup hierarchy offers this process the memory and pids controllers");
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    return Unavailable("cannot read the cgroup setup: " + e.Message);
                }
            }

            private static Hierarchy Unavailable(string reason) => new Hierarchy(0, new Dictionary<string, string>(), reason);

            /// <summary>v2: the controllers must be enabled (or enableable) for children of this process's own group.</summary>
            private static Hierarchy? TryV2(List<Mount> mounts, List<string[]> own, out string? reason)
            {
                reason = null;
                var mount = mounts.FirstOrDefault(m => m.Type == "cgroup2");
                var path = own.FirstOrDefault(p => p[0] == "0" && p[1].Length == 0)?[2];
                if (mount == null || path == null)
                    return null;
                var parent = mount.Resolve(path);
                var controllers = ReadWords(Path.Combine(parent, "cgroup.controllers"));
                if (!controllers.Contains("memory") || !controllers.Contains("pids"))
                    return null; // a hybrid host keeps them in v1
                try
                {
                    var wanted = Controllers.Where(controllers.Contains);
                    var enabled = ReadWords(Path.Combine(parent, "cgroup.subtree_control"));
                    if (wanted.Any(c => !enabled.Contains(c)))
                        File.WriteAllText(Path.Combine(parent, "cgroup.subtree_control"), string.Join(" ", wanted.Select(c => "+" + c)));
                    var result = new Hierarchy(2, new Dictionary<string, string> { ["unified"] = parent }, null);
                    return Probe(result, out reason) ? result : null;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    reason = $"cgroup v2 at {parent} does not let this process give children memory and pids limits ({e.Message}; a delegated group, e.g. systemd-run --user --scope -p Delegate=yes, does)";
                    return null;
                }
            }

            private static Hierarchy? TryV1(List<Mount> mounts, List<string[]> own, out string? reason)
            {
                reason = null;
                var parents = new Dictionary<string, string>();
                foreach (var controller in Controllers)
                {
                    var mount = mounts.FirstOrDefault(m => m.Type == "cgroup" && m.Options.Contains(controller));
                    var path = own.FirstOrDefault(p => p[1].Split(',').Contains(controller))?[2];
                    if (mount != null && path != null)
                        parents[controller] = mount.Resolve(path);
                }
                if (!parents.ContainsKey("memory") || !parents.ContainsKey("pids"))
                    return null;
                var result = new Hierarchy(1, parents, null);
                return Probe(result, out reason) ? result : null;
            }

            /// <summary>Makes and removes a group in each parent, and sweeps empty groups left by dead coordinators.</summary>
            private static bool Probe(Hierarchy hierarchy, out string? reason)
            {
                foreach (var parent in hierarchy.Parents.Values)
                {
                    var probe = Path.Combine(parent, Prefix + OwnerId + "-probe");
                    try
                    {
                        Directory.CreateDirectory(probe);
                        Directory.Delete(probe);
                    }
                    catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                    {
                        reason = $"cgroup v{hierarchy.Version} at {parent} is not writable by this user ({e.Message})";
                        return false;
                    }
                    SweepLeftovers(parent);
                }
                reason = null;
                return true;
            }

            private static void SweepLeftovers(string parent)
            {
                foreach (var dir in Directory.EnumerateDirectories(parent, Prefix + "*"))
                {
                    var owner = Path.GetFileName(dir).Substring(Prefix.Length).Split('-')[0];
                    if (owner.Length > 0 && owner.All(char.IsDigit) && !Directory.Exists("/proc/" + owner))
                    {
                        try { Directory.Delete(dir); }
                        catch (IOException) { } // not empty: a runner of the dead coordinator still lives
                    }
                }
            }

            private static HashSet<string> ReadWords(string file) =>
                File.Exists(file) ? new HashSet<string>(File.ReadAllText(file).Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries)) : new HashSet<string>();
        }

        /// <summary>One line of /proc/self/mountinfo, for cgroup file systems.</summary>
        private sealed class Mount
        {
            private Mount(string root, string point, string type, HashSet<string> options)
            {
                Root = root;
                Point = point;
                Type = type;
                Options = options;
            }

            public string Root { get; }

            public string Point { get; }

            public string Type { get; }

            public HashSet<string> Options { get; }

            public static Mount? Parse(string line)
            {
                // id parent major:minor root mount-point options [optional fields] - type source super-options
                var fields = line.Split(' ');
                var dash = Array.IndexOf(fields, "-");
                if (fields.Length < 5 || dash < 0 || dash + 3 >= fields.Length || !fields[dash + 1].StartsWith("cgroup", StringComparison.Ordinal))
                    return null;
                return new Mount(fields[3], fields[4], fields[dash + 1], new HashSet<string>(fields[dash + 3].Split(',')));
            }

            /// <summary>The directory of a group path from /proc/self/cgroup under this mount.</summary>
            public string Resolve(string groupPath)
            {
                var relative = Root != "/" && groupPath.StartsWith(Root, StringComparison.Ordinal) ? groupPath.Substring(Root.Length) : groupPath;
                relative = relative.Trim('/');
                return relative.Length == 0 ? Point : Point.TrimEnd('/') + "/" + relative;
            }
        }
    }
}
