using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>A theory that needs the Docker engine (skipped with the reason without it, unless required).</summary>
    public sealed class DockerTheoryAttribute : TheoryAttribute
    {
        public DockerTheoryAttribute() => Skip = DockerCli.SkipReason;
    }

    /// <summary>A fact that needs the Docker engine.</summary>
    public sealed class DockerFactAttribute : FactAttribute
    {
        public DockerFactAttribute() => Skip = DockerCli.SkipReason;
    }

    /// <summary>A real deploy-swarm child process whose stderr is read as it comes, to signal it at the right moment.</summary>
    internal sealed class LiveCli : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stderr = new StringBuilder();
        private readonly StringBuilder _stdout = new StringBuilder();

        public LiveCli(IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            start.ArgumentList.Add(CliRunner.Dll);
            foreach (var a in args)
                start.ArgumentList.Add(a);
            start.Environment.Remove(CliRunner.KeyVariable);
            foreach (var e in environment)
                start.Environment[e.Key] = e.Value;
            _process = Process.Start(start)!;
            _process.StandardInput.Close();
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_stderr) _stderr.AppendLine(e.Data); };
            _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_stdout) _stdout.AppendLine(e.Data); };
            _process.BeginErrorReadLine();
            _process.BeginOutputReadLine();
        }

        public int Pid => _process.Id;

        public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

        public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

        public override string ToString() => $"--- stdout\n{Stdout}\n--- stderr\n{Stderr}";

        /// <summary>Waits until stderr contains <paramref name="text"/>; a safety net of minutes, not an assertion on speed.</summary>
        public void WaitForStderr(string text)
        {
            var wait = Stopwatch.StartNew();
            while (!Stderr.Contains(text, StringComparison.Ordinal))
            {
                if (_process.HasExited)
                    throw new InvalidOperationException($"deploy-swarm exited (code {_process.ExitCode}) before writing '{text}'.\n{this}");
                if (wait.Elapsed > TimeSpan.FromMinutes(5))
                    throw new TimeoutException($"deploy-swarm did not write '{text}'.\n{this}");
                Thread.Sleep(20);
            }
        }

        public void Signal(int signal)
        {
            // A shell without job control starts `cmd &` with SIGINT ignored, and every child inherits that: the CLI
            // then never sees the signal. Say so instead of failing on the exit code.
            var ignored = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            if (ignored != null && (Convert.ToUInt64(ignored.Substring(7).Trim(), 16) & (1UL << (signal - 1))) != 0)
            {
                Assert.Fail($"Signal {signal} is ignored by this test process (inherited from how it was started, e.g. `(cmd &)` in a script), " +
                    "so its children cannot receive it either; run the tests in the foreground or from a shell with job control.");
            }

            Assert.Equal(0, kill(_process.Id, signal));
        }

        public int WaitForExit()
        {
            if (!_process.WaitForExit(TimeSpan.FromMinutes(5)))
                throw new TimeoutException("deploy-swarm did not exit after the signal.\n" + this);
            _process.WaitForExit(); // drains the output handlers
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);
    }

    /// <summary>
    /// SIGINT and SIGTERM sent to a real deploy-swarm process in the middle of a Docker swarm: the sandboxes are
    /// removed, the deployments that finished are committed and the exit code says which signal ended it.
    /// </summary>
    [Trait("Category", "Docker")]
    public sealed class SignalTests : IClassFixture<SlowRunnerImage>, IClassFixture<TempFolder>
    {
        private const int SigInt = 2, SigTerm = 15;
        private readonly SlowRunnerImage _image;
        private readonly TempFolder _temp;

        public SignalTests(SlowRunnerImage image, TempFolder temp)
        {
            _image = image;
            _temp = temp;
        }

        /// <summary>Two deployments that answer at once and two that sleep for <paramref name="slowMs"/>, on a custom image.</summary>
        private (string Store, string From, Dictionary<string, string> Environment, string Session) Prepare(string name, int slowMs = 600000)
        {
            var session = "signal-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var store = _temp.File(name + ".db");
            var registered = CliRunner.Run("register", "-n", "slow", "--image", _image.Tag, "--store", store);
            Assert.True(registered.ExitCode == 0, registered.ToString());
            var from = _temp.File(name + ".json");
            File.WriteAllText(from, "[" + string.Join(",", new[] { 0, 1, slowMs, slowMs + 1 }.Select(d => "{\"strategy\":\"slow\",\"params\":{\"delayMs\":" + d + "}}")) + "]");
            return (store, from, new Dictionary<string, string> { ["NEURALTRADER_SESSION"] = session }, session);
        }

        [DockerTheory]
        [InlineData(SigInt, 130)]
        [InlineData(SigTerm, 143)]
        public void A_signal_removes_the_sandboxes_commits_what_finished_and_exits_with_its_code(int signal, int exitCode)
        {
            var (store, from, environment, session) = Prepare("signal-" + signal);
            try
            {
                using var cli = new LiveCli(environment, "deploy", "--from", from, "--isolation", "docker", "--store", store);
                cli.WaitForStderr("[2/4]"); // both quick deployments are done; the two slow ones are running
                Assert.True(DockerCli.ContainersOfSession(session).Count >= 2, "the slow deployments' containers should be running\n" + cli);

                cli.Signal(signal);
                var code = cli.WaitForExit();

                Assert.True(code == exitCode, $"exit code {code}, expected {exitCode}\n{cli}");
                Assert.Empty(DockerCli.ContainersOfSession(session));
                Assert.Contains("Cancelled", cli.Stdout);
                var exported = _temp.File("signal-" + signal + "-export.json");
                var export = CliRunner.Run("export", "--store", store, "-o", exported);
                Assert.True(export.ExitCode == 0, export.ToString());
                using var state = JsonDocument.Parse(File.ReadAllText(exported));
                // The two that finished before the signal are committed (the two it cut short are recorded as not successful).
                Assert.Equal(2, state.RootElement.GetProperty("trajectories").EnumerateArray().Count(t => t.GetProperty("success").GetBoolean()));
                var status = CliRunner.Run("status", "--store", store, "--json");
                Assert.Contains("\"chainValid\": true", status.Stdout);
            }
            finally
            {
                DockerCli.RemoveSession(session);
            }
        }

        [DockerFact]
        public void After_kill_9_of_the_owner_no_container_outlives_it_by_more_than_a_few_seconds()
        {
            // The slow deployments are busy for 3 s when the owner dies: they finish, find their stdin closed and exit.
            var (store, from, environment, session) = Prepare("kill9", slowMs: 3000);
            try
            {
                using var cli = new LiveCli(environment, "deploy", "--from", from, "--isolation", "docker", "--store", store);
                cli.WaitForStderr("[2/4]"); // two agents idle with their sandbox, two busy
                Assert.True(DockerCli.ContainersOfSession(session).Count >= 2, "the swarm's containers should be up\n" + cli);

                cli.Signal(9);
                Assert.Equal(137, cli.WaitForExit());

                // Nothing cleans up for the dead owner: each runner sees end of input and exits, and the engine removes its container.
                var wait = Stopwatch.StartNew();
                while (DockerCli.ContainersOfSession(session).Count > 0 && wait.Elapsed < TimeSpan.FromSeconds(LeakBoundSeconds))
                    Thread.Sleep(200);
                Assert.Empty(DockerCli.ContainersOfSession(session));
            }
            finally
            {
                DockerCli.RemoveSession(session);
            }
        }

        /// <summary>The bound docs/docker.md promises: the slowest request in flight (3 s here) plus the engine's removal.</summary>
        private const int LeakBoundSeconds = 20;
    }
}
