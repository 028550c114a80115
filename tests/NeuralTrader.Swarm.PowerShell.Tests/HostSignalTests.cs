using System;
using System.IO;
using System.Runtime.InteropServices;
using NeuralTrader.Swarm.Cli.Tests;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>
    /// SIGTERM and SIGHUP (a closing terminal) sent to a real pwsh while Start-Swarm runs a Docker swarm: two
    /// deployments have finished and two are busy for ten minutes. The swarm is cancelled, its containers removed,
    /// the finished deployments committed, nothing after Start-Swarm runs, and pwsh exits with 128 + the signal;
    /// the same for a swarm started with -AsJob.
    /// </summary>
    [Trait("Category", "Docker")]
    public sealed class HostSignalTests : IClassFixture<SlowRunnerImage>
    {
        private const int SigHup = 1, SigTerm = 15;
        private readonly SlowRunnerImage _image;

        public HostSignalTests(SlowRunnerImage image) => _image = image;

        private const string Deployments = "@(0, 1, 600000, 600001) | ForEach-Object { @{ Strategy = 'slow'; Parameters = @{ delayMs = $_ } } }";

        [DockerPwshTheory]
        [InlineData(SigTerm, 143, false)]
        [InlineData(SigHup, 129, false)]
        [InlineData(SigTerm, 143, true)]
        public void A_signal_to_pwsh_stops_the_swarm_removes_its_containers_commits_what_finished_and_exits(int signal, int exitCode, bool asJob)
        {
            var session = "pwsh-signal-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var work = Directory.CreateTempSubdirectory("neuraltrader-signal-");
            try
            {
                var store = Path.Combine(work.FullName, "swarm.db");
                using (var pwsh = new PwshChild(work.FullName, session,
                    "Set-SwarmConfiguration -Isolation Docker -MaxAgents 4 -StorePath " + Repo.Quote(store) + "; " +
                    "Register-Strategy -Name slow -Type momentum -Image " + Repo.Quote(_image.Tag) + " | Out-Null; " +
                    (asJob
                        ? "$job = " + Deployments + " | Start-Swarm -AsJob; " +
                          "while (@($job | Receive-Job -Keep).Count -lt 2) { Start-Sleep -Milliseconds 50 }; 'RESULT 2 finished'; " +
                          "$job | Wait-Job | Out-Null; "
                        : Deployments + " | Start-Swarm | ForEach-Object { 'RESULT ' + $_.Status }; ") +
                    "'AFTER THE SWARM'"))
                {
                    pwsh.WaitFor(p => p.Lines("RESULT ").Count == (asJob ? 1 : 2), "two finished deployments");
                    Assert.Equal(4, DockerCli.ContainersOfSession(session).Count);

                    Assert.Equal(0, kill(pwsh.OwnerPid, signal));
                    var code = pwsh.WaitForExit();

                    Assert.True(code == exitCode, $"exit code {code}, expected {exitCode}:\n{pwsh.Output}");
                    Assert.Empty(DockerCli.ContainersOfSession(session)); // removed by the module, not left to the engine
                    if (!asJob)
                        Assert.Equal(new[] { "RESULT Succeeded", "RESULT Succeeded", "RESULT Cancelled", "RESULT Cancelled" }, pwsh.Lines("RESULT "));
                    Assert.DoesNotContain("AFTER THE SWARM", pwsh.Output);
                }

                using var check = new PwshChild(work.FullName, session,
                    "Set-SwarmConfiguration -StorePath " + Repo.Quote(store) + "; " +
                    "'VALID ' + (Test-SwarmStore).IsValid; 'SUCCEEDED ' + @(Get-SwarmTrajectory | Where-Object Success).Count");
                Assert.True(check.WaitForExit() == 0, check.Output);
                Assert.Equal(new[] { "VALID True" }, check.Lines("VALID "));
                Assert.Equal(new[] { "SUCCEEDED 2" }, check.Lines("SUCCEEDED "));
            }
            finally
            {
                DockerCli.RemoveSession(session);
                work.Delete(recursive: true);
            }
        }

        [DockerPwshFact]
        public void After_the_swarm_pwsh_has_its_own_signal_handling_again()
        {
            var session = "pwsh-signal-test-" + Guid.NewGuid().ToString("N").Substring(0, 12);
            var work = Directory.CreateTempSubdirectory("neuraltrader-signal-");
            try
            {
                using var pwsh = new PwshChild(work.FullName, session,
                    "Set-SwarmConfiguration -Isolation Docker -StorePath " + Repo.Quote(Path.Combine(work.FullName, "swarm.db")) + "; " +
                    "Register-Strategy -Name slow -Type momentum -Image " + Repo.Quote(_image.Tag) + " | Out-Null; " +
                    "$r = Start-Swarm -Strategy slow; 'DONE ' + $r.Status; Start-Sleep -Seconds 600; 'AFTER THE SLEEP'");
                pwsh.WaitFor(p => p.Lines("DONE ").Count == 1, "the end of its swarm");
                Assert.Equal("DONE Succeeded", pwsh.Lines("DONE ")[0]);

                Assert.Equal(0, kill(pwsh.OwnerPid, SigTerm));

                Assert.Equal(143, pwsh.WaitForExit());
                Assert.DoesNotContain("SIGTERM received", pwsh.Output); // the module's handler was removed with the swarm
                Assert.DoesNotContain("AFTER THE SLEEP", pwsh.Output);
            }
            finally
            {
                DockerCli.RemoveSession(session);
                work.Delete(recursive: true);
            }
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int kill(int pid, int sig);
    }
}
