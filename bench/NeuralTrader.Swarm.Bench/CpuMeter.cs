using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// CPU seconds spent over an interval, split by who spent them: this process (the coordinator and the store), the
    /// sandboxes (Docker containers from their cgroup v1 cpuacct; runner processes from /proc), and the engine daemons
    /// (dockerd and containerd: shared with every other user of the engine, so an upper bound; the containers'
    /// shims are not counted).
    /// On a loaded machine throughput follows the load; CPU per backtest does not, so it says what an idle machine would do.
    /// </summary>
    internal sealed class CpuMeter
    {
        private readonly Func<IEnumerable<string>> _containers;
        private readonly Func<IEnumerable<int>> _processes;
        private double _self, _sandboxes, _engine;

        public CpuMeter(Func<IEnumerable<string>>? containers = null, Func<IEnumerable<int>>? processes = null)
        {
            _containers = containers ?? (() => Array.Empty<string>());
            _processes = processes ?? (() => Array.Empty<int>());
        }

        public double SelfSeconds { get; private set; }
        public double SandboxSeconds { get; private set; }
        public double EngineSeconds { get; private set; }
        public double TotalSeconds => SelfSeconds + SandboxSeconds + EngineSeconds;

        public void Start() => (_self, _sandboxes, _engine) = Read();

        public void Stop()
        {
            var (self, sandboxes, engine) = Read();
            SelfSeconds = self - _self;
            SandboxSeconds = sandboxes - _sandboxes;
            EngineSeconds = engine - _engine;
        }

        private (double, double, double) Read()
        {
            double self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            double sandboxes = _containers().Sum(ContainerSeconds) + _processes().Sum(ProcessSeconds);
            double engine = EnginePids().Sum(ProcessSeconds);
            return (self, sandboxes, engine);
        }

        private static double ContainerSeconds(string id)
        {
            const string Root = "/sys/fs/cgroup/cpuacct/docker";
            string? dir = Directory.Exists(Root) ? Directory.EnumerateDirectories(Root, id + "*").FirstOrDefault() : null;
            string path = Path.Combine(dir ?? Root, "cpuacct.usage");
            return dir != null && File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long ns) ? ns / 1e9 : 0;
        }

        /// <summary>utime + stime of a process (and its reaped children) from /proc/PID/stat.</summary>
        private static double ProcessSeconds(int pid)
        {
            try
            {
                string stat = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
                var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
                long ticks = 0;
                for (int f = 14; f <= 17; f++)
                    ticks += long.Parse(fields[f - 3], CultureInfo.InvariantCulture);
                return ticks / 100.0; // USER_HZ is 100 on Linux
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException || e is IndexOutOfRangeException)
            {
                return 0;
            }
        }

        private static IEnumerable<int> EnginePids()
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(dir), NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid))
                    continue;
                string comm;
                try { comm = File.ReadAllText(Path.Combine(dir, "comm")).Trim(); }
                catch (IOException) { continue; }
                catch (UnauthorizedAccessException) { continue; }
                // The daemons only: per-container shims come and go with every container of every user of the engine,
                // so their counters cannot be subtracted over an interval.
                if (comm == "dockerd" || comm == "containerd")
                    yield return pid;
            }
        }
    }
}
