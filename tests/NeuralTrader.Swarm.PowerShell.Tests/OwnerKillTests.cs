using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>
    /// Warm by default is safe only if no sandbox outlives its owner: a real pwsh imports the built module, runs a
    /// Docker swarm whose agents stay warm (the default idle time), and is then killed with SIGKILL, so neither the
    /// module nor .NET can clean up. Its containers must be gone a few seconds later.
    /// </summary>
    [Trait("Category", "Docker")]
    public sealed class OwnerKillTests
    {
        /// <summary>Idle runners see end of input at once; this bounds the engine's removal on a loaded machine.</summary>
        private const int LeakBoundSeconds = 20;

        private static string? DockerSkipReason
        {
            get
            {
                if (PesterEnvironment.SkipReason != null)
                    return PesterEnvironment.SkipReason;
                if (Environment.GetEnvironmentVariable("NEURALTRADER_REQUIRE_DOCKER") == "1")
                    return null;
                try
                {
                    Docker("version", "--format", "{{.Server.Version}}");
                    return null;
                }
                catch (Exception e)
                {
                    return "Docker not available (" + e.Message + "); set NEURALTRADER_REQUIRE_DOCKER=1 to make this a failure.";
                }
            }
        }

        public sealed class DockerPwshFactAttribute : FactAttribute
        {
            public DockerPwshFactAttribute() => Skip = DockerSkipReason;
        }

        [DockerPwshFact]
        public void Kill_9_of_pwsh_leaves_no_warm_container_behind()
        {
            var session = "pwsh-kill-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var work = Directory.CreateTempSubdirectory("neuraltrader-kill-");
            try
            {
                var store = Path.Combine(work.FullName, "swarm.db");
                var script =
                    "$ErrorActionPreference = 'Stop'; Import-Module " + Repo.Quote(Repo.Manifest) + "; " +
                    "Set-SwarmConfiguration -Isolation Docker -MaxAgents 2 -StorePath " + Repo.Quote(store) + "; " +
                    "$r = @(Start-Swarm -Strategy momentum -Symbol SPY, QQQ); " +
                    "if (@($r | Where-Object Success).Count -ne 2) { throw 'the swarm failed: ' + ($r.Error -join '; ') }; " +
                    "'READY ' + @(Get-SwarmSandbox | Where-Object State -EQ 'Idle').Count + ' ' + $PID; " +
                    "Start-Sleep -Seconds 600";
                var start = new ProcessStartInfo(PesterEnvironment.Pwsh)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = true,
                    UseShellExecute = false,
                    WorkingDirectory = work.FullName,
                };
                foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-Command", script })
                    start.ArgumentList.Add(a);
                start.Environment["XDG_DATA_HOME"] = Path.Combine(work.FullName, "data");
                start.Environment["NEURALTRADER_SESSION"] = session;
                start.Environment["NO_COLOR"] = "1";

                var output = new StringBuilder();
                using var pwsh = Process.Start(start)!;
                pwsh.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
                pwsh.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
                pwsh.BeginOutputReadLine();
                pwsh.BeginErrorReadLine();
                string Output() { lock (output) return output.ToString(); }

                var wait = Stopwatch.StartNew();
                while (!Output().Contains("READY", StringComparison.Ordinal))
                {
                    Assert.False(pwsh.HasExited, "pwsh exited before the swarm was up:\n" + Output());
                    Assert.True(wait.Elapsed < TimeSpan.FromMinutes(5), "pwsh did not finish its swarm:\n" + Output());
                    Thread.Sleep(50);
                }
                Assert.Contains("READY 2 ", Output());
                Assert.Equal(2, ContainersOf(session).Length);

                // The pwsh that owns the swarm: the .tools/pwsh/pwsh tool shim runs it as a child, so kill it by its own $PID.
                var owner = int.Parse(Output().Split('\n').First(l => l.StartsWith("READY ", StringComparison.Ordinal)).Split(' ')[2].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                using (var real = Process.GetProcessById(owner))
                {
                    real.Kill(); // SIGKILL: no finally, no ProcessExit, no cleanup of any kind
                    Assert.True(real.WaitForExit(60000), "the killed pwsh did not exit");
                }
                Assert.True(pwsh.WaitForExit(60000), "the pwsh shim did not exit after its child was killed");

                wait.Restart();
                while (ContainersOf(session).Length > 0 && wait.Elapsed < TimeSpan.FromSeconds(LeakBoundSeconds))
                    Thread.Sleep(200);
                Assert.Empty(ContainersOf(session));
            }
            finally
            {
                foreach (var id in ContainersOf(session))
                    Docker("rm", "-f", id);
                work.Delete(recursive: true);
            }
        }

        private static string[] ContainersOf(string session) =>
            Docker("ps", "-aq", "--filter", "label=org.neuraltrader.swarm.session=" + session)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        private static string Docker(params string[] args)
        {
            var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
                start.ArgumentList.Add(a);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException("docker " + string.Join(" ", args) + " failed: " + stderr.Trim());
            return stdout.Result;
        }
    }
}
