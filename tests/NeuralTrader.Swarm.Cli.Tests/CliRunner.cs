using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Threading.Tasks;

// The tests start real swarms; one at a time keeps the 2-core CI machines from timing sandboxes out.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace NeuralTrader.Swarm.Cli.Tests
{
    /// <summary>The CLI's build output folder, set by the project file.</summary>
    [AttributeUsage(AttributeTargets.Assembly)]
    public sealed class CliFolderAttribute : Attribute
    {
        public CliFolderAttribute(string path) => Path = path;

        public string Path { get; }
    }

    public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
    {
        public string All => Stdout + Stderr;

        /// <summary>The child's process id (Docker sandboxes carry it in their owner label).</summary>
        public int ProcessId { get; init; }

        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    /// <summary>Runs deploy-swarm.dll with dotnet as a child process: own environment, real exit code, stdin redirected (never prompts).</summary>
    public static class CliRunner
    {
        public const string KeyVariable = "NEURALTRADER_ENCRYPTION_KEY";

        public static string Folder { get; } = typeof(CliRunner).Assembly.GetCustomAttribute<CliFolderAttribute>()!.Path;

        public static string Dll => Path.Combine(Folder, "deploy-swarm.dll");

        public static CliResult Run(IReadOnlyDictionary<string, string?>? environment, params string[] args) => RunIn(Path.GetTempPath(), environment, args);

        /// <summary>Runs in a given working folder (for commands that write there by default).</summary>
        public static CliResult RunIn(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = workingDirectory,
            };
            start.ArgumentList.Add(Dll);
            foreach (var a in args)
                start.ArgumentList.Add(a);
            start.Environment.Remove(KeyVariable);
            if (environment != null)
            {
                foreach (var e in environment)
                    start.Environment[e.Key] = e.Value;
            }

            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            // A safety net against a hung child, not an assertion on speed.
            if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("deploy-swarm " + string.Join(" ", args) + " did not exit.");
            }
            process.WaitForExit();
            return new CliResult(process.ExitCode, stdout.Result, stderr.Result) { ProcessId = process.Id };
        }

        public static CliResult Run(params string[] args) => Run(null, args);

        public static Dictionary<string, string?> WithKey(string key) => new Dictionary<string, string?> { [KeyVariable] = key };

        public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    }

    /// <summary>A temporary folder removed after the test class.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "deploy-swarm-tests-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
