using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Tests.Docker;

namespace NeuralTrader.Swarm.Tests.Sandboxing
{
    /// <summary>
    /// What the process sandbox contains, probed from inside real runner processes: the built-in runner (its
    /// /proc environment and /tmp files) and the busybox-sh test runner (docker/test/busybox-runner/runner.sh,
    /// started as a process runner) that dumps its environment, forks grandchildren and allocates memory.
    /// </summary>
    public sealed class ProcessContainmentTests
    {
        /// <summary>A variable only this test sets in its own process: it stands for any secret of the parent.</summary>
        private const string Canary = "NEURALTRADER_TEST_CANARY_SECRET";
        private const string CanaryValue = "canary-3f9a1c";

        static ProcessContainmentTests() => Environment.SetEnvironmentVariable(Canary, CanaryValue);

        private static string BusyboxRunner
        {
            get
            {
                if (DockerTestEnvironment.FindBusybox() == null)
                    throw new InvalidOperationException("The busybox-sh test runner needs /bin/busybox: apt-get install busybox-static.");
                return Path.Combine(DockerTestEnvironment.RepoRoot, "docker", "test", "busybox-runner", "runner.sh");
            }
        }

        private static SandboxSpec Spec(int memoryMb = 64) => new SandboxSpec
        {
            AgentId = "agent-containment",
            Strategy = "probe",
            MemoryLimitMb = memoryMb,
            StartTimeout = TimeSpan.FromSeconds(30),
        };

        private static RunnerRequest Run(string strategy) => new RunnerRequest
        {
            Id = Guid.NewGuid().ToString("N").Substring(0, 8),
            Op = RunnerOps.Run,
            Strategy = strategy,
            Dataset = "SPY",
        };

        private static async Task<string> ProbeAsync(ISandbox sandbox, string probe)
        {
            var response = await sandbox.SendAsync(Run(probe), TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(response.Ok, probe + " failed: " + response.Error?.Message);
            return response.Runner ?? "";
        }

        private static int Pid(ISandbox sandbox) => int.Parse(sandbox.Id.Substring("proc-".Length), System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>Names a process runner may see: the allow-list, the fixed settings, and what sh itself sets.</summary>
        private static readonly HashSet<string> AllowedNames = new HashSet<string>(
            RunnerEnvironment.Inherited.Concat(RunnerEnvironment.Fixed().Keys).Concat(new[] { "DOTNET_GCHeapHardLimit", "PWD", "SHLVL", "OLDPWD", "_" }),
            StringComparer.Ordinal);

        [Fact]
        public async Task A_runner_sees_only_the_allow_listed_environment()
        {
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(BusyboxRunner), "env-test");
            using var sandbox = await provider.CreateAsync(Spec(), CancellationToken.None);

            var dump = await ProbeAsync(sandbox, "probe-env");

            Assert.DoesNotContain(Canary, dump);
            Assert.DoesNotContain(CanaryValue, dump);
            Assert.Contains("DOTNET_EnableDiagnostics=0", dump);
            var names = dump.Split(' ').Where(w => w.Contains('=')).Select(w => w.Substring(0, w.IndexOf('='))).Where(n => n.Length > 0 && n.All(c => char.IsLetterOrDigit(c) || c == '_')).ToList();
            Assert.NotEmpty(names);
            Assert.All(names.Where(n => n == n.ToUpperInvariant() || n.StartsWith("DOTNET_", StringComparison.Ordinal)),
                n => Assert.True(AllowedNames.Contains(n), $"the runner saw {n}, which is not on the allow-list: {dump}"));
        }

        [Fact]
        public async Task The_built_in_runner_starts_with_no_parent_secret_and_no_diagnostic_files()
        {
            var started = DateTime.UtcNow.AddSeconds(-1);
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(), "diag-test");
            using var sandbox = await provider.CreateAsync(Spec(256), CancellationToken.None);
            var pid = Pid(sandbox);
            // Files of an earlier process with the same pid (left before diagnostics were turned off) are not this runner's.
            string[] Made(string pattern) => Directory.GetFiles(Path.GetTempPath(), pattern).Where(f => File.GetLastWriteTimeUtc(f) >= started).ToArray();

            // The kernel's copy of the environment the runner was started with.
            var environ = File.ReadAllText($"/proc/{pid}/environ").Split('\0').Where(e => e.Length > 0).ToList();
            Assert.DoesNotContain(environ, e => e.StartsWith(Canary + "=", StringComparison.Ordinal));
            Assert.Contains("DOTNET_EnableDiagnostics=0", environ);
            Assert.All(environ, e => Assert.True(AllowedNames.Contains(e.Substring(0, e.IndexOf('='))), $"the runner got {e.Substring(0, e.IndexOf('='))}"));

            // With diagnostics on, the runtime creates these while the process lives and leaves them when it is killed.
            Assert.Empty(Made($"clr-debug-pipe-{pid}-*"));
            Assert.Empty(Made($"dotnet-diagnostic-{pid}-*"));
            await sandbox.StopAsync();
            Assert.Empty(Made($"clr-debug-pipe-{pid}-*"));
            Assert.Empty(Made($"dotnet-diagnostic-{pid}-*"));
        }

        [Fact]
        public async Task Stopping_a_sandbox_kills_its_children_and_orphaned_grandchildren()
        {
            Assert.True(ProcessContainment.GroupsSupported, "setsid is needed for process groups (util-linux)");
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(BusyboxRunner), "group-test");
            var sandbox = await provider.CreateAsync(Spec(), CancellationToken.None);
            var runner = Pid(sandbox);

            var pids = (await ProbeAsync(sandbox, "probe-spawn")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            Assert.Equal(3, pids.Count);
            Assert.All(pids, p => Assert.True(Alive(p), $"sleeper {p} should run before the stop"));
            // The runner leads its own group, so the terminal's Ctrl+C and the coordinator's group do not reach it.
            Assert.Equal(runner, ProcessGroup(runner));
            Assert.NotEqual(ProcessGroup(Environment.ProcessId), runner);

            await sandbox.StopAsync();

            Assert.All(pids, p => Assert.False(WaitGone(p), $"process {p} started by the runner survived the stop"));
        }

        [Fact]
        public async Task A_timeout_kills_the_whole_group()
        {
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(BusyboxRunner), "group-timeout-test");
            var sandbox = await provider.CreateAsync(Spec(), CancellationToken.None);
            var pids = (await ProbeAsync(sandbox, "probe-spawn")).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();

            var request = Run("slow");
            request.Options = new RunOptions { DelayMs = 60000 };
            var e = await Assert.ThrowsAsync<SwarmException>(() => sandbox.SendAsync(request, TimeSpan.FromMilliseconds(500), CancellationToken.None));

            Assert.Equal(SwarmErrorIds.SandboxTimeout, e.ErrorId);
            Assert.All(pids, p => Assert.False(WaitGone(p), $"process {p} survived the timeout kill"));
        }

        [Fact]
        public async Task An_allocation_past_the_memory_limit_fails()
        {
            // The rlimits are what contains memory where runners get no cgroup (RunnerCgroupTests covers the cgroup).
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(BusyboxRunner), "rlimit-test", null, useCgroups: false);
            var sandbox = await provider.CreateAsync(Spec(memoryMb: 64), CancellationToken.None);
            var limits = File.ReadAllLines($"/proc/{Pid(sandbox)}/limits");
            Assert.Contains(limits, l => l.StartsWith("Max data size", StringComparison.Ordinal) && l.Contains((64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Contains(limits, l => l.StartsWith("Max address space", StringComparison.Ordinal) && l.Contains(((64L + ProcessContainment.AddressSpaceHeadroomMb) * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));

            // 128 MB in a 64 MB sandbox: the shell's malloc fails and it exits, reporting out of memory.
            var e = await Assert.ThrowsAsync<SwarmException>(() => sandbox.SendAsync(Run("probe-alloc"), TimeSpan.FromSeconds(30), CancellationToken.None));
            Assert.Equal(SwarmErrorIds.SandboxOutOfMemory, e.ErrorId);
            Assert.Contains("limit 64 MB", e.Message);
        }

        [Fact]
        public async Task A_custom_image_on_a_process_sandbox_is_an_error()
        {
            using var provider = new ProcessSandboxProvider(RunnerLocator.Locate(), "image-test");
            var spec = Spec();
            spec.Image = "example/strategy:1";

            var e = await Assert.ThrowsAsync<SwarmException>(() => provider.CreateAsync(spec, CancellationToken.None));

            Assert.Equal(SwarmErrorIds.InvalidConfiguration, e.ErrorId);
            Assert.Contains("example/strategy:1", e.Message);
            Assert.Empty(provider.ListSandboxes());
            var options = new SwarmOptions { Isolation = IsolationMode.Process, SandboxImage = "example/strategy:1" };
            var invalid = Assert.Throws<SwarmException>(() => options.Validate());
            Assert.Equal(nameof(SwarmOptions.SandboxImage), invalid.Target);
        }

        private static bool Alive(int pid)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                return stat.Substring(stat.LastIndexOf(')') + 2, 1) != "Z";
            }
            catch (IOException)
            {
                return false;
            }
        }

        /// <summary>Waits up to 10 s for a process to be gone (or a zombie); true if it is still alive after that.</summary>
        private static bool WaitGone(int pid)
        {
            var wait = Stopwatch.StartNew();
            while (Alive(pid) && wait.Elapsed < TimeSpan.FromSeconds(10))
                Thread.Sleep(20);
            var alive = Alive(pid);
            if (alive)
            {
                try { Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } // leave nothing behind
            }
            return alive;
        }

        private static int ProcessGroup(int pid)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid pgrp ...
            return int.Parse(stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
