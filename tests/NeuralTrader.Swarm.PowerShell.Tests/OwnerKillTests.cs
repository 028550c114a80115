using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using NeuralTrader.Swarm.Cli.Tests;

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

        [DockerPwshFact]
        public void Kill_9_of_pwsh_leaves_no_warm_container_behind()
        {
            var session = "pwsh-kill-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var work = Directory.CreateTempSubdirectory("neuraltrader-kill-");
            try
            {
                var store = Path.Combine(work.FullName, "swarm.db");
                using var pwsh = new PwshChild(work.FullName, session,
                    "Set-SwarmConfiguration -Isolation Docker -MaxAgents 2 -StorePath " + Repo.Quote(store) + "; " +
                    "$r = @(Start-Swarm -Strategy momentum -Symbol SPY, QQQ); " +
                    "if (@($r | Where-Object Success).Count -ne 2) { throw 'the swarm failed: ' + ($r.Error -join '; ') }; " +
                    "'READY ' + @(Get-SwarmSandbox | Where-Object State -EQ 'Idle').Count; " +
                    "Start-Sleep -Seconds 600");
                pwsh.WaitFor(p => p.Lines("READY").Count > 0, "the end of its swarm");
                Assert.Equal("READY 2", pwsh.Lines("READY")[0]);
                Assert.Equal(2, DockerCli.ContainersOfSession(session).Count);

                using (var real = Process.GetProcessById(pwsh.OwnerPid))
                {
                    real.Kill(); // SIGKILL: no finally, no ProcessExit, no cleanup of any kind
                    Assert.True(real.WaitForExit(60000), "the killed pwsh did not exit");
                }
                pwsh.WaitForExit();

                var wait = Stopwatch.StartNew();
                while (DockerCli.ContainersOfSession(session).Count > 0 && wait.Elapsed < TimeSpan.FromSeconds(LeakBoundSeconds))
                    Thread.Sleep(200);
                Assert.Empty(DockerCli.ContainersOfSession(session));
            }
            finally
            {
                DockerCli.RemoveSession(session);
                work.Delete(recursive: true);
            }
        }
    }
}
