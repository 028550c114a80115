using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// The environment a runner starts with: an allow-list, never the parent's whole environment, so secrets the
    /// coordinator holds (NEURALTRADER_ENCRYPTION_KEY, NEURALTRADER_KEY_PASSPHRASE, cloud tokens...) never reach
    /// strategy code. Both sandboxes use it; the Docker one adds nothing from the host at all.
    /// </summary>
    internal static class RunnerEnvironment
    {
        /// <summary>
        /// Parent variables a process runner may see: what a program needs to start and find its runtime and
        /// temp folder, and the runner's own log level. Nothing else is copied.
        /// </summary>
        public static readonly IReadOnlyList<string> Inherited = new[]
        {
            "PATH", "LANG", "LC_ALL", "TZ", "TMPDIR", "DOTNET_ROOT", "NEURALTRADER_RUNNER_LOG_LEVEL",
            // Windows cannot start a process without these.
            "SystemRoot", "WINDIR", "TEMP", "TMP", "PATHEXT", "COMSPEC",
        };

        /// <summary>
        /// Settings every runner gets: .NET diagnostics off, so no debugger pipe or diagnostic socket is created in
        /// /tmp (a process-mode deployment used to leave clr-debug-pipe-* and dotnet-diagnostic-* files behind, and
        /// a sandboxed program has no business being attachable), and the workstation GC without tiered PGO, which
        /// suit a small, short-lived process.
        /// </summary>
        public static IDictionary<string, string> Fixed() => new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["DOTNET_EnableDiagnostics"] = "0",
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_TieredPGO"] = "0",
        };

        /// <summary>
        /// The whole environment of a process runner: the allowed parent variables, the fixed settings and the GC
        /// heap hard limit, which caps the managed heap of the built-in runner at the memory limit.
        /// </summary>
        public static IDictionary<string, string> ForProcess(int memoryLimitMb)
        {
            var environment = Fixed();
            foreach (var name in Inherited)
            {
                var value = Environment.GetEnvironmentVariable(name);
                if (!string.IsNullOrEmpty(value))
                    environment[name] = value!;
            }
            environment["DOTNET_GCHeapHardLimit"] = ((long)memoryLimitMb * 1024 * 1024).ToString("X", CultureInfo.InvariantCulture);
            return environment;
        }

        /// <summary>
        /// The variables a container is created with, as NAME=value: only the fixed settings (the image supplies
        /// PATH; the cgroup, not the GC setting, enforces the memory limit).
        /// </summary>
        public static IList<string> ForContainer()
        {
            var list = new List<string>();
            foreach (var pair in Fixed())
                list.Add(pair.Key + "=" + pair.Value);
            return list;
        }

        internal static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        internal static bool IsLinux => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
    }
}
