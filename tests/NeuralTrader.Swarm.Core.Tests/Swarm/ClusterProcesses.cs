using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Tests.Docker;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>What a process started in a node's namespace printed, and how it ended.</summary>
    public sealed record NodeProcessResult(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>
    /// Programs run as a host of the test cluster would run them: in a node's network namespace (nsenter --net), with
    /// their own environment (keys and passwords there, never in the arguments). Every process started is tracked by
    /// pid and killed with its children on dispose if it is still running, also when a test fails.
    /// </summary>
    public sealed class ClusterProcesses : IDisposable
    {
        private readonly List<Process> _started = new List<Process>();

        public static string RepoRoot => DockerTestEnvironment.RepoRoot;

        /// <summary>deploy-swarm.dll from the CLI's own output folder (built first by the project reference).</summary>
        public static string Cli
        {
            get
            {
                var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Debug";
                return Path.Combine(RepoRoot, "src", "NeuralTrader.Swarm.Cli", "bin", configuration, "net10.0", "deploy-swarm.dll");
            }
        }

        public static string Pwsh =>
            Environment.GetEnvironmentVariable("NEURALTRADER_PWSH") is { Length: > 0 } p ? p : Path.Combine(RepoRoot, ".tools", "pwsh", "pwsh");

        /// <summary>The staged module's manifest (built by the solution).</summary>
        public static string Manifest
        {
            get
            {
                var version = Regex.Match(File.ReadAllText(Path.Combine(RepoRoot, "Directory.Build.props")), @"<Version>([^<]+)</Version>").Groups[1].Value;
                return Path.Combine(RepoRoot, "output", "NeuralTrader.Swarm", version, "NeuralTrader.Swarm.psd1");
            }
        }

        public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        /// <summary>Runs the CLI in a namespace and waits for it.</summary>
        public Task<NodeProcessResult> CliAsync(string networkNamespace, IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            var command = new List<string> { "dotnet", Cli };
            command.AddRange(args);
            return RunAsync(networkNamespace, environment, command);
        }

        /// <summary>Runs a pwsh script (given as -Command) in a namespace and waits for it.</summary>
        public Task<NodeProcessResult> PwshAsync(string networkNamespace, IReadOnlyDictionary<string, string> environment, string script) =>
            RunAsync(networkNamespace, environment, new List<string> { Pwsh, "-NoProfile", "-NonInteractive", "-Command", script });

        private async Task<NodeProcessResult> RunAsync(string networkNamespace, IReadOnlyDictionary<string, string> environment, List<string> command)
        {
            var start = new ProcessStartInfo("nsenter")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetTempPath(),
            };
            start.ArgumentList.Add("--net=/var/run/netns/" + networkNamespace);
            foreach (var part in command)
                start.ArgumentList.Add(part);
            // Nothing from the test host's environment decides which store, key or password is used.
            foreach (var name in new[] { "NEURALTRADER_ENCRYPTION_KEY", "PGPASSWORD", "PGPASSFILE", "PGUSER", "PGHOST" })
                start.Environment.Remove(name);
            start.Environment["NO_COLOR"] = "1";
            foreach (var pair in environment)
                start.Environment[pair.Key] = pair.Value;
            var process = Process.Start(start)!;
            lock (_started) _started.Add(process);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // A safety net against a hung child (Dispose then kills it), not an assertion on speed.
            using (var hung = new System.Threading.CancellationTokenSource(TimeSpan.FromMinutes(10)))
                await process.WaitForExitAsync(hung.Token);
            return new NodeProcessResult(process.ExitCode, await stdout, await stderr);
        }

        public void Dispose()
        {
            lock (_started)
            {
                foreach (var process in _started)
                {
                    try
                    {
                        if (!process.HasExited)
                            process.Kill(entireProcessTree: true);
                    }
                    catch (InvalidOperationException)
                    {
                        // Exited meanwhile.
                    }
                    process.Dispose();
                }
                _started.Clear();
            }
        }
    }
}
