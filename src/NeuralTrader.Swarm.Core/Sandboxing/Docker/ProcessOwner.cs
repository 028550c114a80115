using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// A process identity that survives pid reuse: host name, pid and the process start time (clock ticks
    /// since boot from /proc on Linux, UTC ticks elsewhere). Written into <see cref="SwarmLabels.Owner"/>.
    /// </summary>
    internal sealed class ProcessOwner
    {
        /// <summary>Creates an identity.</summary>
        public ProcessOwner(string host, int pid, string startTime)
        {
            Host = host;
            Pid = pid;
            StartTime = startTime;
        }

        /// <summary>Host (machine) name.</summary>
        public string Host { get; }
        /// <summary>Process id.</summary>
        public int Pid { get; }
        /// <summary>Process start time as text; empty when it could not be read.</summary>
        public string StartTime { get; }

        /// <summary>This process.</summary>
        public static ProcessOwner Current { get; } = ForProcess(CurrentPid());

        /// <summary>The identity of a live process on this host, or one with an empty start time when unknown.</summary>
        public static ProcessOwner ForProcess(int pid) => new ProcessOwner(Environment.MachineName, pid, ReadStartTime(pid) ?? "");

        /// <summary><c>host:pid:start</c>.</summary>
        public override string ToString() => Host + ":" + Pid.ToString(CultureInfo.InvariantCulture) + ":" + StartTime;

        /// <summary>Parses <c>host:pid:start</c> (the host may itself contain colons).</summary>
        public static bool TryParse(string? text, out ProcessOwner owner)
        {
            owner = null!;
            if (string.IsNullOrEmpty(text))
                return false;
            var last = text!.LastIndexOf(':');
            if (last <= 0)
                return false;
            var middle = text.LastIndexOf(':', last - 1);
            if (middle <= 0)
                return false;
            if (!int.TryParse(text.Substring(middle + 1, last - middle - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                return false;
            owner = new ProcessOwner(text.Substring(0, middle), pid, text.Substring(last + 1));
            return true;
        }

        /// <summary>True when this identity is on the current host.</summary>
        public bool IsThisHost => string.Equals(Host, Environment.MachineName, StringComparison.OrdinalIgnoreCase);

        /// <summary>
        /// Whether the owner still runs: its pid exists with the same start time. When the start time cannot
        /// be read for a pid that exists (e.g. access denied), it counts as alive, so a live owner is never touched.
        /// </summary>
        public bool IsAlive()
        {
            if (Pid == CurrentPid())
                return StartTime.Length == 0 || StartTime == Current.StartTime;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                if (!Directory.Exists("/proc/" + Pid.ToString(CultureInfo.InvariantCulture)))
                    return false;
                var start = ReadStartTime(Pid);
                return start == null || StartTime.Length == 0 || start == StartTime;
            }
            try
            {
                using (var p = Process.GetProcessById(Pid))
                {
                    if (p.HasExited)
                        return false;
                    var start = ReadStartTime(Pid);
                    return start == null || StartTime.Length == 0 || start == StartTime;
                }
            }
            catch (ArgumentException)
            {
                return false; // no such process
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static int CurrentPid()
        {
            using (var p = Process.GetCurrentProcess())
                return p.Id;
        }

        /// <summary>Start time of a process, or null when it cannot be read.</summary>
        internal static string? ReadStartTime(int pid)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                try
                {
                    // Field 22 of /proc/<pid>/stat, counted after the command name, which may contain spaces.
                    var stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
                    var close = stat.LastIndexOf(')');
                    if (close < 0)
                        return null;
                    var fields = stat.Substring(close + 2).Split(' ');
                    return fields.Length > 19 ? fields[19] : null;
                }
                catch (IOException)
                {
                    return null;
                }
                catch (UnauthorizedAccessException)
                {
                    return null;
                }
            }
            try
            {
                using (var p = Process.GetProcessById(pid))
                    return p.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is ArgumentException || e is InvalidOperationException || e is System.ComponentModel.Win32Exception || e is NotSupportedException)
            {
                return null;
            }
        }
    }
}
