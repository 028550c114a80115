using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

// Also compiled into NeuralTrader.Swarm.PowerShell.Tests (linked), for its signal and owner-kill tests of pwsh.
namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>
    /// Builds, once, the busybox-sh protocol runner image (docker/test/busybox-runner plus the host's static busybox)
    /// with the docker CLI, offline. Its "run" sleeps for the request's delayMs, which makes a deployment that is
    /// still running when a test sends its signal. Removed at the end.
    /// </summary>
    public sealed class SlowRunnerImage : IDisposable
    {
        public SlowRunnerImage()
        {
            SkipReason = DockerCli.SkipReason;
            if (SkipReason != null)
                return;
            var context = Path.Combine(Path.GetTempPath(), "nts-signal-image-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(context);
            try
            {
                var repo = new DirectoryInfo(AppContext.BaseDirectory);
                while (repo != null && !File.Exists(Path.Combine(repo.FullName, "docker", "test", "busybox-runner", "runner.sh")))
                    repo = repo.Parent;
                var source = Path.Combine(repo?.FullName ?? throw new InvalidOperationException("docker/test/busybox-runner not found"), "docker", "test", "busybox-runner");
                File.Copy(Path.Combine(source, "Dockerfile"), Path.Combine(context, "Dockerfile"));
                File.Copy(Path.Combine(source, "runner.sh"), Path.Combine(context, "runner.sh"));
                File.Copy(new[] { "/bin/busybox", "/usr/bin/busybox" }.FirstOrDefault(File.Exists)
                    ?? throw new InvalidOperationException("The signal tests need a static busybox: apt-get install busybox-static."), Path.Combine(context, "busybox"));
                DockerCli.Run("build", "-q", "--network", "none", "--label", "org.neuraltrader.swarm.image=test", "-t", Tag, context);
            }
            finally
            {
                Directory.Delete(context, recursive: true);
            }
        }

        public string Tag { get; } = "neuraltrader-swarm-test-signal:" + Guid.NewGuid().ToString("N").Substring(0, 10);

        public string? SkipReason { get; }

        public void Dispose()
        {
            if (SkipReason == null)
                DockerCli.TryRun("rmi", "-f", Tag);
        }
    }

    /// <summary>The docker CLI, for what the tests check from outside: images and containers by label.</summary>
    internal static class DockerCli
    {
        private static readonly Lazy<string?> Unavailable = new Lazy<string?>(() =>
        {
            try
            {
                Run("version", "--format", "{{.Server.Version}}");
                return null;
            }
            catch (Exception e)
            {
                return e.Message;
            }
        });

        /// <summary>Null when Docker tests can run (or must: NEURALTRADER_REQUIRE_DOCKER=1), else why they are skipped.</summary>
        public static string? SkipReason =>
            Unavailable.Value == null || Environment.GetEnvironmentVariable("NEURALTRADER_REQUIRE_DOCKER") == "1" ? null
                : "Docker not available (" + Unavailable.Value + "); set NEURALTRADER_REQUIRE_DOCKER=1 to make this a failure.";

        /// <summary>Containers, running or not, labelled with this session.</summary>
        public static List<string> ContainersOfSession(string session) =>
            Run("ps", "-aq", "--filter", "label=org.neuraltrader.swarm.session=" + session)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

        /// <summary>Removes what a failed test left, so one failure does not leak into the machine.</summary>
        public static void RemoveSession(string session)
        {
            foreach (var id in ContainersOfSession(session))
                TryRun("rm", "-f", id);
        }

        public static string Run(params string[] args)
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

        public static void TryRun(params string[] args)
        {
            try
            {
                Run(args);
            }
            catch (InvalidOperationException)
            {
            }
        }
    }
}
