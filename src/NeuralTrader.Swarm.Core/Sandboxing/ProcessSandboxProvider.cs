using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// Runs each sandbox as a child process of the runner. Weaker isolation than Docker: the child shares
    /// the network and filesystem of the user. It gets an allow-listed environment (<see cref="RunnerEnvironment"/>),
    /// and on Unix a process group and resource limits of its own (<see cref="ProcessContainment"/>): a control
    /// group where the cgroup hierarchy is writable, rlimits elsewhere (said once, as a warning, when the provider
    /// is made). Stopping the sandbox kills the whole group. The runner exits when its stdin closes, so a dying
    /// coordinator takes its children with it.
    /// </summary>
    internal sealed class ProcessSandboxProvider : ISandboxProvider
    {
        private readonly RunnerCommand _command;
        private readonly string _coordinatorId;
        private readonly ILogger _logger;
        private readonly bool _cgroups;
        private readonly ConcurrentDictionary<string, ProcessSandbox> _live = new ConcurrentDictionary<string, ProcessSandbox>();

        /// <summary>Creates a provider that starts <paramref name="command"/> for each sandbox.</summary>
        public ProcessSandboxProvider(RunnerCommand command, string coordinatorId, ILogger? logger = null)
            : this(command, coordinatorId, logger, useCgroups: true)
        {
        }

        /// <summary>Tests turn cgroups off to prove the rlimit fallback on a machine that has them.</summary>
        internal ProcessSandboxProvider(RunnerCommand command, string coordinatorId, ILogger? logger, bool useCgroups)
        {
            _command = command;
            _coordinatorId = coordinatorId;
            _logger = logger ?? NullLogger.Instance;
            _cgroups = useCgroups && RunnerCgroup.UnavailableReason == null;
            if (useCgroups && RunnerEnvironment.IsLinux && RunnerCgroup.UnavailableReason is { } reason)
                SandboxLog.NoCgroups(_logger, reason);
        }

        /// <inheritdoc />
        public string Kind => "process";

        /// <inheritdoc />
        public async Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            if (spec.Image != null)
            {
                throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                    $"Strategy '{spec.Strategy}' needs the image '{spec.Image}', but this swarm runs process-isolated sandboxes, which cannot run images. Use {{isolation=docker}} (or drop {{image}}).", spec.Strategy);
            }

            SwarmOptions.ValidateLimits(spec.MemoryLimitMb, spec.CpuLimit);
            var cgroup = _cgroups ? RunnerCgroup.Create(spec.MemoryLimitMb, spec.CpuLimit) : null;
            var start = ProcessContainment.StartInfo(_command, spec.MemoryLimitMb, cgroup);

            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException("Process.Start returned null.");
            }
            catch (Exception e) when (e is not SwarmException)
            {
                cgroup?.Dispose();
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                    $"Could not start the runner '{_command.RunnerPath}': {e.Message}", spec.Strategy, e);
            }

            var sandbox = new ProcessSandbox(process, cgroup, spec, _command.RunnerPath, _coordinatorId, _logger, s => _live.TryRemove(s.Id, out _));
            _live[sandbox.Id] = sandbox;
            try
            {
                var pong = await sandbox.SendAsync(new RunnerRequest { Id = "ready", Op = RunnerOps.Ping }, spec.StartTimeout, cancellationToken)
                    .ConfigureAwait(false);
                if (!pong.Ok)
                {
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                        $"The runner did not pass its readiness ping: {pong.Error?.Message}", spec.Strategy);
                }
            }
            catch (SwarmException e) when (e.ErrorId != SwarmErrorIds.SandboxStartFailed)
            {
                await sandbox.StopAsync().ConfigureAwait(false);
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                    $"The runner '{_command.RunnerPath}' did not become ready (readiness check: ping): {e.Message}", spec.Strategy, e);
            }
            catch
            {
                await sandbox.StopAsync().ConfigureAwait(false);
                throw;
            }
            return sandbox;
        }

        /// <inheritdoc />
        public IReadOnlyList<SandboxInfo> ListSandboxes() => _live.Values.Select(s => s.Refresh()).ToList();

        /// <inheritdoc />
        public async Task<int> CleanupAsync()
        {
            var all = _live.Values.ToList();
            await Task.WhenAll(all.Select(s => s.StopAsync())).ConfigureAwait(false);
            return all.Count;
        }

        /// <inheritdoc />
        public void Dispose() => CleanupAsync().GetAwaiter().GetResult();
    }

    /// <summary>One runner child process.</summary>
    internal sealed class ProcessSandbox : ISandbox
    {
        private const int StderrTailChars = 4096;
        private readonly Process _process;
        private readonly RunnerCgroup? _cgroup;
        private readonly RunnerChannel _channel;
        private readonly ILogger _logger;
        private readonly Action<ProcessSandbox> _onStopped;
        private readonly StringBuilder _stderrTail = new StringBuilder();
        private readonly int _memoryLimitMb;
        private readonly int _pid;
        private int _stopped;

        public ProcessSandbox(Process process, RunnerCgroup? cgroup, SandboxSpec spec, string runnerPath, string coordinatorId, ILogger logger, Action<ProcessSandbox> onStopped)
        {
            _process = process;
            _cgroup = cgroup;
            _logger = logger;
            _onStopped = onStopped;
            _memoryLimitMb = spec.MemoryLimitMb;
            _pid = process.Id;
            Id = "proc-" + _pid.ToString(CultureInfo.InvariantCulture);
            Info = new SandboxInfo
            {
                Id = Id,
                Kind = "process",
                AgentId = spec.AgentId,
                Strategy = spec.Strategy,
                Image = runnerPath,
                CreatedAt = DateTimeOffset.UtcNow,
                CoordinatorId = coordinatorId,
            };
            _channel = new RunnerChannel(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            process.ErrorDataReceived += (_, e) => OnStderr(e.Data);
            process.BeginErrorReadLine();
        }

        public string Id { get; }

        public SandboxInfo Info { get; }

        /// <summary>The runner's control groups, or null where it runs under rlimits.</summary>
        internal RunnerCgroup? Cgroup => _cgroup;

        public bool IsAlive => Volatile.Read(ref _stopped) == 0 && !HasExited;

        private bool HasExited
        {
            get
            {
                try { return _process.HasExited; }
                catch (InvalidOperationException) { return true; }
            }
        }

        public async Task<RunnerResponse> SendAsync(RunnerRequest request, TimeSpan timeout, CancellationToken cancellationToken)
        {
            if (!IsAlive)
                throw Exited();
            Info.State = "Busy";
            try
            {
                var response = await _channel.SendWithinAsync(request, timeout, StopAsync, "sandbox " + Id, Info.Strategy, cancellationToken).ConfigureAwait(false);
                Info.State = "Idle";
                return response;
            }
            catch (Exception e) when (e is SwarmException s ? s.ErrorId == SwarmErrorIds.SandboxExited
                                      : e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // The process ended, or the pipe broke under the write or read because it was killed (cleanup,
                // Stop-Swarm) or died: report how it exited.
                var exited = Exited();
                await StopAsync().ConfigureAwait(false);
                throw exited;
            }
            catch (SwarmException e) when (e.ErrorId != SwarmErrorIds.SandboxTimeout)
            {
                // A protocol violation leaves the stream in an unknown state: the sandbox is not reused.
                await StopAsync().ConfigureAwait(false);
                throw;
            }
        }

        /// <summary>The exit code once the process has ended (waiting briefly), or "unknown" when cleanup got there first.</summary>
        private string ExitCode()
        {
            try
            {
                return _process.WaitForExit(2000) ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "unknown";
            }
            catch (InvalidOperationException)
            {
                return "unknown"; // stopped and released by StopAsync meanwhile
            }
        }

        private SwarmException Exited()
        {
            string tail;
            lock (_stderrTail) tail = _stderrTail.ToString();
            var code = ExitCode();
            if (_cgroup != null && _cgroup.OutOfMemoryKills > 0)
            {
                return new SwarmException(SwarmErrorIds.SandboxOutOfMemory, SwarmErrorKind.ResourceLimit,
                    $"Sandbox {Id} passed its memory limit of {_memoryLimitMb} MB and was killed by the kernel (exit code {code}).", Info.Strategy);
            }

            if (tail.IndexOf("OutOfMemory", StringComparison.OrdinalIgnoreCase) >= 0 || tail.IndexOf("Out of memory", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return new SwarmException(SwarmErrorIds.SandboxOutOfMemory, SwarmErrorKind.ResourceLimit,
                    $"Sandbox {Id} ran out of memory (limit {_memoryLimitMb} MB) and exited with code {code}.", Info.Strategy);
            }

            return new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                $"Sandbox {Id} exited unexpectedly with code {code}." + (tail.Length > 0 ? " Last output: " + tail.Trim() : ""), Info.Strategy);
        }

        private void OnStderr(string? line)
        {
            if (line == null)
                return;
            lock (_stderrTail)
            {
                _stderrTail.AppendLine(line);
                if (_stderrTail.Length > StderrTailChars)
                    _stderrTail.Remove(0, _stderrTail.Length - StderrTailChars);
            }
            SandboxLog.RunnerOutput(_logger, Id, line);
        }

        public SandboxInfo Refresh()
        {
            try
            {
                _process.Refresh();
                Info.MemoryBytes = _process.WorkingSet64;
            }
            catch (InvalidOperationException)
            {
                Info.State = "Stopped";
            }
            return Info;
        }

        public Task StopAsync()
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1)
                return Task.CompletedTask;
            Info.State = "Stopped";
            try
            {
                // The group first: children and grandchildren of the runner go with it, even if it already exited.
                ProcessContainment.KillGroup(_pid);
                _cgroup?.KillAll(); // also what left the group with a session of its own
                if (!_process.HasExited)
                    _process.Kill();
                _process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                SandboxLog.KillFailed(_logger, Id, e.Message);
            }
            _process.Dispose();
            _cgroup?.Dispose();
            _onStopped(this);
            return Task.CompletedTask;
        }

        public void Dispose() => StopAsync().GetAwaiter().GetResult();
    }

    internal static partial class SandboxLog
    {
        [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Sandbox {SandboxId}: {Line}")]
        public static partial void RunnerOutput(ILogger logger, string sandboxId, string line);

        [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Could not kill sandbox {SandboxId}: {Reason}")]
        public static partial void KillFailed(ILogger logger, string sandboxId, string reason);

        [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Process isolation without cgroups: {Reason}. Runners are limited by rlimits only (memory: RLIMIT_DATA/RLIMIT_AS; processes: RLIMIT_NPROC, not for root; no CPU limit). See docs/isolation.md.")]
        public static partial void NoCgroups(ILogger logger, string reason);
    }
}
