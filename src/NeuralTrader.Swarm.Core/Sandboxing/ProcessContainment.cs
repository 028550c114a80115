using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// What the process sandbox can contain without Docker, on Unix: the runner starts in a session (and process
    /// group) of its own through <c>setsid</c>, so stopping the sandbox kills every process it started with one
    /// signal to the group. On Linux where the cgroup hierarchy (v2, or v1's memory and pids) is writable, the
    /// runner joins a control group of its own before it executes (<see cref="RunnerCgroup"/>): memory limit,
    /// <see cref="RunnerCgroup.PidsLimit"/> processes, the CPU quota, and every member is killed on stop, even one
    /// that started a session of its own. Elsewhere resource limits set by <c>ulimit</c> stand in: writable memory
    /// (RLIMIT_DATA) at the sandbox's memory limit and, for users other than root, the number of processes
    /// (RLIMIT_NPROC). Address space (RLIMIT_AS) is always capped at the memory limit plus
    /// <see cref="AddressSpaceHeadroomMb"/>. Not contained: the network, the user's files (including the Docker
    /// socket when the user may use it), and on Windows anything but the runner itself.
    /// </summary>
    internal static class ProcessContainment
    {
        /// <summary>
        /// Address space allowed beyond the memory limit: the .NET runtime reserves about half a gigabyte of
        /// address space at start that it never uses (measured: a runner with a 64 MB heap needs ~450 MB of address
        /// space to start), so RLIMIT_AS alone cannot be the memory limit; RLIMIT_DATA is.
        /// </summary>
        public const int AddressSpaceHeadroomMb = 1024;

        /// <summary>
        /// Processes and threads a runner may add to its user's count. RLIMIT_NPROC counts every process of the
        /// user, so the limit is the user's count at start plus this; the kernel does not apply it to root.
        /// </summary>
        public const int ProcessAllowance = 256;

        private const int SigKill = 9;

        private static readonly Lazy<string?> SetsidPath = new Lazy<string?>(() =>
            new[] { "/usr/bin/setsid", "/bin/setsid", "/usr/sbin/setsid" }.FirstOrDefault(File.Exists));

        /// <summary>Whether runners get a process group of their own here (Unix with setsid installed).</summary>
        public static bool GroupsSupported => !RunnerEnvironment.IsWindows && SetsidPath.Value != null;

        /// <summary>
        /// The start info of a runner: the allow-listed environment, and on Unix a <c>/bin/sh</c> that joins the
        /// runner's control groups (when it has them) or sets the rlimits, and then executes <c>setsid</c> and the
        /// runner (exec keeps one pid, so the runner's pid is its group id and it starts inside its cgroups).
        /// </summary>
        internal static ProcessStartInfo StartInfo(RunnerCommand command, int memoryLimitMb, RunnerCgroup? cgroup)
        {
            ProcessStartInfo start;
            if (RunnerEnvironment.IsWindows)
            {
                start = new ProcessStartInfo(command.FileName) { Arguments = Join(command.Arguments) };
            }
            else
            {
                var script = new List<string> { "ulimit -v " + Kb(memoryLimitMb + AddressSpaceHeadroomMb) + " 2>/dev/null" };
                if (cgroup != null)
                {
                    // Paths we made (no user input); a runner that cannot join its groups does not start.
                    foreach (var procs in cgroup.ProcsFiles)
                        script.Add("echo $$ > '" + procs + "' || exit 125");
                }
                else
                {
                    script.Add("ulimit -d " + Kb(memoryLimitMb) + " 2>/dev/null");
                    var uid = geteuid();
                    if (uid != 0)
                        script.Add("ulimit -u " + (CountUserTasks(uid) + ProcessAllowance).ToString(CultureInfo.InvariantCulture) + " 2>/dev/null");
                }
                script.Add("exec " + (SetsidPath.Value != null ? SetsidPath.Value + " " : "") + "\"$@\"");
                // $0 names the shell in ps; "$@" is the runner and its arguments, never interpreted by the shell.
                var arguments = new List<string> { "-c", string.Join("; ", script), "neuraltrader-runner", command.FileName };
                arguments.AddRange(command.Arguments);
                start = new ProcessStartInfo("/bin/sh") { Arguments = Join(arguments) };
            }
            start.UseShellExecute = false;
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            start.CreateNoWindow = true;
            start.Environment.Clear();
            foreach (var pair in RunnerEnvironment.ForProcess(memoryLimitMb))
                start.Environment[pair.Key] = pair.Value;
            return start;
        }

        /// <summary>
        /// Sends SIGKILL to the runner's process group, so its children and grandchildren end with it (even after
        /// the runner itself has exited). No-op on Windows or without setsid.
        /// </summary>
        public static void KillGroup(int runnerPid)
        {
            if (GroupsSupported && runnerPid > 1)
                _ = kill(-runnerPid, SigKill); // ESRCH: the group is already gone
        }

        /// <summary>Sends SIGKILL to one process (ESRCH: already gone).</summary>
        internal static void Kill(int pid)
        {
            if (pid > 1)
                _ = kill(pid, SigKill);
        }

        /// <summary>Processes and threads owned by <paramref name="uid"/>, from /proc (0 where there is none).</summary>
        private static int CountUserTasks(uint uid)
        {
            var count = 0;
            var owner = uid.ToString(CultureInfo.InvariantCulture);
            try
            {
                foreach (var dir in Directory.EnumerateDirectories("/proc"))
                {
                    try
                    {
                        string? uidLine = null, threads = null;
                        foreach (var line in File.ReadLines(Path.Combine(dir, "status")))
                        {
                            if (line.StartsWith("Uid:", StringComparison.Ordinal)) uidLine = line;
                            else if (line.StartsWith("Threads:", StringComparison.Ordinal)) threads = line;
                        }
                        if (uidLine != null && threads != null &&
                            uidLine.Split(new[] { '\t', ' ' }, StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == owner &&
                            int.TryParse(threads.Substring(8).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                        {
                            count += n;
                        }
                    }
                    catch (IOException)
                    {
                        // Not a process, or it ended meanwhile.
                    }
                    catch (UnauthorizedAccessException)
                    {
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            return count;
        }

        private static string Kb(int mb) => ((long)mb * 1024).ToString(CultureInfo.InvariantCulture);

        private static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Quote));

        // ProcessStartInfo.Arguments is split by the Windows rules on every platform: quote what has spaces or quotes.
        private static string Quote(string arg) =>
            arg.Length > 0 && arg.IndexOfAny(new[] { ' ', '"', '\t' }) < 0 ? arg : "\"" + arg.Replace("\"", "\\\"") + "\"";

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);

        [DllImport("libc")]
        private static extern uint geteuid();
    }
}
