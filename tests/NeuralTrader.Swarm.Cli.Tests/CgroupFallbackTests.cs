using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>
    /// Process isolation where the cgroup hierarchy is not writable: the CLI run as the unprivileged user nobody
    /// (setpriv, from this root test run) cannot make runner cgroups, so it says so once, however many deployments,
    /// and the runners run under rlimits. Run as root on the same machine, the runners get cgroups and nothing is said.
    /// </summary>
    public sealed class CgroupFallbackTests : IClassFixture<TempFolder>
    {
        private const string Warning = "Process isolation without cgroups";
        private readonly TempFolder _temp;

        public CgroupFallbackTests(TempFolder temp) => _temp = temp;

        public sealed class RootWithCgroupsFactAttribute : FactAttribute
        {
            public RootWithCgroupsFactAttribute()
            {
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || geteuid() != 0 || !File.Exists("/usr/bin/setpriv"))
                    Skip = "Needs Linux, root and setpriv (util-linux) to run the CLI as another user.";
                else if (!Directory.Exists("/sys/fs/cgroup/memory") && !File.Exists("/sys/fs/cgroup/cgroup.controllers"))
                    Skip = "No cgroup hierarchy here.";
            }
        }

        [RootWithCgroupsFact]
        [System.Runtime.Versioning.SupportedOSPlatform("linux")]
        public void Without_a_writable_cgroup_hierarchy_the_CLI_warns_once_and_runs_under_rlimits()
        {
            var folder = Path.Combine(_temp.Path, "nobody");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(_temp.Path, (UnixFileMode)0x1FF); // 0777: the user nobody writes its store here
            File.SetUnixFileMode(folder, (UnixFileMode)0x1FF);

            var result = RunAs("65534", folder, "deploy", "-s", "momentum", "--symbols", "SPY,QQQ,IWM", "--isolation", "process", "--store", Path.Combine(folder, "swarm.db"));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Single(Regex.Matches(result.Stderr, Warning));
            Assert.Contains("not writable by this user", result.Stderr);
            Assert.Contains("3 succeeded", result.Stdout);

            var asRoot = CliRunner.Run("deploy", "-s", "momentum", "--symbols", "SPY", "--isolation", "process", "--store", _temp.File("root.db"));
            Assert.True(asRoot.ExitCode == 0, asRoot.ToString());
            Assert.DoesNotContain(Warning, asRoot.Stderr);
        }

        private static CliResult RunAs(string uid, string home, params string[] args)
        {
            var start = new ProcessStartInfo("/usr/bin/setpriv")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = home,
            };
            foreach (var a in new[] { "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "dotnet", CliRunner.Dll })
                start.ArgumentList.Add(a);
            foreach (var a in args)
                start.ArgumentList.Add(a);
            start.Environment.Remove(CliRunner.KeyVariable);
            start.Environment["HOME"] = home;
            start.Environment["DOTNET_CLI_HOME"] = home;
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("deploy-swarm as user " + uid + " did not exit.");
            }
            process.WaitForExit();
            return new CliResult(process.ExitCode, stdout.Result, stderr.Result);
        }

        [DllImport("libc")]
        private static extern uint geteuid();
    }
}
