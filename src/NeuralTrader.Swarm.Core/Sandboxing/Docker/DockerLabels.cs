using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Labels on every container this module creates. The key <see cref="Module"/> is on all of them, so
    /// <c>docker ps --filter label=org.neuraltrader.swarm</c> lists exactly ours; the others say who made it.
    /// </summary>
    public static class SwarmLabels
    {
        /// <summary>Present on every container of the module; its value is the module version.</summary>
        public const string Module = "org.neuraltrader.swarm";
        /// <summary>Id of the coordinator (swarm run) that created the container.</summary>
        public const string Run = Module + ".run";
        /// <summary>Agent that owns the container (<c>warm-pool</c> while it waits in the warm pool).</summary>
        public const string Agent = Module + ".agent";
        /// <summary>Strategy the container was created for.</summary>
        public const string Strategy = Module + ".strategy";
        /// <summary>Owner process: <c>host:pid:starttime</c>; the orphan reaper removes containers whose owner is gone.</summary>
        public const string Owner = Module + ".owner";
        /// <summary>Module version that created the container.</summary>
        public const string Version = Module + ".version";
        /// <summary>
        /// The session that created the container: the value of the <c>NEURALTRADER_SESSION</c> environment variable
        /// when set (e.g. one CI run), so a run on a shared engine counts and removes only its own containers.
        /// </summary>
        public const string Session = Module + ".session";
        /// <summary>Image labels (not inherited meaningfully: a different key, so image labels never match <see cref="Module"/>).</summary>
        public const string ImageRole = Module + ".image";

        /// <summary>The module version, without build metadata (e.g. 0.1.0).</summary>
        public static string ModuleVersion { get; } = ReadVersion();

        private static string ReadVersion()
        {
            var asm = typeof(SwarmLabels).Assembly;
            var info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (string.IsNullOrEmpty(info))
                return asm.GetName().Version?.ToString(3) ?? "0.0.0";
            var plus = info!.IndexOf('+');
            return plus >= 0 ? info.Substring(0, plus) : info;
        }

        /// <summary>This process's session (<c>NEURALTRADER_SESSION</c>), or null when none is set.</summary>
        public static string? CurrentSession
        {
            get
            {
                var session = Environment.GetEnvironmentVariable("NEURALTRADER_SESSION");
                return string.IsNullOrWhiteSpace(session) ? null : session!.Trim();
            }
        }

        /// <summary>Labels for a new container.</summary>
        internal static Dictionary<string, string> For(string coordinatorId, string agentId, string strategy)
        {
            var labels = new Dictionary<string, string>
            {
                [Module] = ModuleVersion,
                [Run] = coordinatorId,
                [Agent] = agentId,
                [Strategy] = strategy,
                [Owner] = ProcessOwner.Current.ToString(),
                [Version] = ModuleVersion,
            };
            if (CurrentSession is string session)
                labels[Session] = session;
            return labels;
        }
    }

    /// <summary>
    /// A process identity that survives pid reuse: host name, pid and the process start time (clock ticks
    /// since boot from /proc on Linux, UTC ticks elsewhere). Written into <see cref="SwarmLabels.Owner"/>.
    /// </summary>
    public sealed class ProcessOwner
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
