using System;
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
    /// <summary>A fact that needs a writable cgroup hierarchy (skipped with the reason where there is none).</summary>
    public sealed class CgroupFactAttribute : FactAttribute
    {
        public CgroupFactAttribute()
        {
            if (RunnerCgroup.UnavailableReason is { } reason)
                Skip = "Runners get no cgroup here: " + reason;
        }
    }

    /// <summary>
    /// Process-isolated runners in control groups of their own, probed with the busybox-sh test runner as real
    /// processes under the real kernel: the limits are in place, the kernel kills a runner past its memory limit
    /// (reported as out of memory), a fork bomb stops at the pids limit even for root, a process that left the
    /// runner's session dies with the sandbox, and the groups are gone afterwards.
    /// </summary>
    public sealed class RunnerCgroupTests
    {
        private static RunnerCommand BusyboxRunner
        {
            get
            {
                if (DockerTestEnvironment.FindBusybox() == null)
                    throw new InvalidOperationException("The busybox-sh test runner needs /bin/busybox: apt-get install busybox-static.");
                return RunnerLocator.Locate(Path.Combine(DockerTestEnvironment.RepoRoot, "docker", "test", "busybox-runner", "runner.sh"));
            }
        }

        private static async Task<ProcessSandbox> StartAsync(ProcessSandboxProvider provider, int memoryMb = 64, double cpus = 0.5) =>
            (ProcessSandbox)await provider.CreateAsync(new SandboxSpec
            {
                AgentId = "agent-cgroup",
                Strategy = "probe",
                MemoryLimitMb = memoryMb,
                CpuLimit = cpus,
                StartTimeout = TimeSpan.FromSeconds(30),
            }, CancellationToken.None);

        private static RunnerRequest Run(string strategy) => new RunnerRequest
        {
            Id = Guid.NewGuid().ToString("N").Substring(0, 8),
            Op = RunnerOps.Run,
            Strategy = strategy,
            Dataset = "SPY",
        };

        private static int Pid(ISandbox sandbox) => int.Parse(sandbox.Id.Substring("proc-".Length), System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>The value of a limit file in whichever of the runner's groups has it.</summary>
        private static string Limit(RunnerCgroup cgroup, params string[] names) =>
            cgroup.Directories.SelectMany(d => names.Select(n => Path.Combine(d, n))).Where(File.Exists).Select(f => File.ReadAllText(f).Trim()).First();

        [CgroupFact]
        public async Task A_runner_starts_inside_its_own_groups_with_the_limits_and_they_are_removed_after_it()
        {
            using var provider = new ProcessSandboxProvider(BusyboxRunner, "cgroup-test");
            var sandbox = await StartAsync(provider, memoryMb: 64, cpus: 0.5);
            var cgroup = sandbox.Cgroup;
            Assert.NotNull(cgroup);
            var runner = Pid(sandbox).ToString(System.Globalization.CultureInfo.InvariantCulture);

            Assert.All(cgroup!.ProcsFiles, procs => Assert.Contains(runner, File.ReadAllLines(procs)));
            Assert.Equal((64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Limit(cgroup, "memory.max", "memory.limit_in_bytes"));
            Assert.Equal("64", Limit(cgroup, "pids.max"));
            var cpu = Limit(cgroup, "cpu.max", "cpu.cfs_quota_us");
            Assert.StartsWith("50000", cpu);
            // With a cgroup the memory limit is the kernel's, not RLIMIT_DATA (which misses shared mappings).
            Assert.Contains(File.ReadAllLines($"/proc/{runner}/limits"), l => l.StartsWith("Max data size", StringComparison.Ordinal) && l.Contains("unlimited"));

            await sandbox.StopAsync();

            Assert.All(cgroup.Directories, d => Assert.False(Directory.Exists(d), d + " was left behind"));
        }

        [CgroupFact]
        public async Task A_runner_past_its_memory_limit_is_killed_by_the_kernel_and_reported_as_out_of_memory()
        {
            using var provider = new ProcessSandboxProvider(BusyboxRunner, "cgroup-oom-test");
            var sandbox = await StartAsync(provider, memoryMb: 64);
            var cgroup = sandbox.Cgroup!;

            // Doubles a string in the runner itself until something stops it: here the cgroup, at 64 MB.
            var e = await Assert.ThrowsAsync<SwarmException>(() => sandbox.SendAsync(Run("probe-oom"), TimeSpan.FromSeconds(60), CancellationToken.None));

            Assert.Equal(SwarmErrorIds.SandboxOutOfMemory, e.ErrorId);
            Assert.Contains("memory limit of 64 MB and was killed by the kernel", e.Message);
            Assert.All(cgroup.Directories, d => Assert.False(Directory.Exists(d), d + " was left behind"));
        }

        [CgroupFact]
        public async Task A_fork_bomb_stops_at_the_pids_limit_even_for_root()
        {
            using var provider = new ProcessSandboxProvider(BusyboxRunner, "cgroup-fork-test");
            var sandbox = await StartAsync(provider);
            var cgroup = sandbox.Cgroup!;

            var response = await sandbox.SendAsync(Run("probe-forks"), TimeSpan.FromSeconds(60), CancellationToken.None);

            Assert.True(response.Ok, response.Error?.Message);
            Assert.Equal("subshell_exit=2", response.Runner); // a fork failed: 0 would mean all 200 sleepers started
            var members = File.ReadAllLines(cgroup.ProcsFiles.First(f => File.Exists(Path.Combine(Path.GetDirectoryName(f)!, "pids.max")))).Length;
            Assert.InRange(members, 2, RunnerCgroup.PidsLimit);

            await sandbox.StopAsync();

            Assert.All(cgroup.Directories, d => Assert.False(Directory.Exists(d), d + " was left behind"));
        }

        [CgroupFact]
        public async Task A_process_that_left_the_runners_session_dies_with_the_sandbox()
        {
            using var provider = new ProcessSandboxProvider(BusyboxRunner, "cgroup-escape-test");
            var sandbox = await StartAsync(provider);
            var response = await sandbox.SendAsync(Run("probe-escape"), TimeSpan.FromSeconds(30), CancellationToken.None);
            var escaped = int.Parse(response.Runner!, System.Globalization.CultureInfo.InvariantCulture);
            var wait = Stopwatch.StartNew();
            while (Session(escaped) == Pid(sandbox) && wait.Elapsed < TimeSpan.FromSeconds(10))
                Thread.Sleep(20); // setsid runs in the child: wait until it has its session
            Assert.Equal(escaped, Session(escaped)); // out of the runner's session and process group

            await sandbox.StopAsync();

            Assert.False(Directory.Exists("/proc/" + escaped) && !File.ReadAllText($"/proc/{escaped}/stat").Contains(") Z "), $"process {escaped} outlived the sandbox");
        }

        [CgroupFact]
        public async Task Without_cgroups_the_runner_falls_back_to_rlimits()
        {
            using var provider = new ProcessSandboxProvider(BusyboxRunner, "cgroup-off-test", null, useCgroups: false);
            var sandbox = await StartAsync(provider);

            Assert.Null(sandbox.Cgroup);
            Assert.Contains(File.ReadAllLines($"/proc/{Pid(sandbox)}/limits"), l => l.StartsWith("Max data size", StringComparison.Ordinal) && l.Contains((64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await sandbox.StopAsync();
        }

        private static int Session(int pid)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // pid (comm) state ppid pgrp session ...
            return int.Parse(stat.Substring(stat.LastIndexOf(')') + 2).Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
