using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>How to start the runner: an executable plus leading arguments (the dll when run by the dotnet host).</summary>
    internal sealed class RunnerCommand
    {
        /// <summary>Creates a command.</summary>
        public RunnerCommand(string fileName, IReadOnlyList<string> arguments, string runnerPath)
        {
            FileName = fileName;
            Arguments = arguments;
            RunnerPath = runnerPath;
        }

        /// <summary>Executable to start.</summary>
        public string FileName { get; }
        /// <summary>Arguments before any of the runner's own.</summary>
        public IReadOnlyList<string> Arguments { get; }
        /// <summary>The runner binary or dll.</summary>
        public string RunnerPath { get; }
    }

    /// <summary>
    /// Finds the runner shipped with Core: a native binary for this platform (runner/&lt;rid&gt;/) when the
    /// build made one, else the framework-dependent dll started through the dotnet host.
    /// </summary>
    internal static class RunnerLocator
    {
        private const string RunnerName = "NeuralTrader.Swarm.Runner";

        /// <summary>Environment variable that overrides where the runner is.</summary>
        public const string RunnerPathVariable = "NEURALTRADER_RUNNER";

        /// <summary>The runtime identifier of this machine, e.g. linux-x64.</summary>
        public static string CurrentRid
        {
            get
            {
                var os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                    : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux";
                return os + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
            }
        }

        /// <summary>Resolves the runner; throws RunnerNotFound naming every place it looked.</summary>
        public static RunnerCommand Locate(string? configuredPath = null)
        {
            var explicitPath = configuredPath ?? Environment.GetEnvironmentVariable(RunnerPathVariable);
            if (!string.IsNullOrEmpty(explicitPath))
            {
                if (!File.Exists(explicitPath))
                    throw NotFound(new[] { explicitPath! });
                return CommandFor(Path.GetFullPath(explicitPath));
            }

            var searched = new List<string>();
            foreach (var dir in CandidateDirectories())
            {
                var native = Path.Combine(dir, CurrentRid, RunnerName + (IsWindows ? ".exe" : ""));
                var managed = Path.Combine(dir, RunnerName + ".dll");
                searched.Add(native);
                if (File.Exists(native))
                    return CommandFor(native);
                searched.Add(managed);
                if (File.Exists(managed))
                    return CommandFor(managed);
            }
            throw NotFound(searched);
        }

        /// <summary>The folder the module ships its runner in (runner/ beside Core or one level up).</summary>
        public static IEnumerable<string> CandidateDirectories()
        {
            var coreDir = Path.GetDirectoryName(typeof(RunnerLocator).Assembly.Location) ?? ".";
            yield return Path.Combine(coreDir, "runner");
            yield return Path.GetFullPath(Path.Combine(coreDir, "..", "runner"));
        }

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        private static RunnerCommand CommandFor(string path) =>
            path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                ? new RunnerCommand(DotnetHost(), new[] { path }, path)
                : new RunnerCommand(path, Array.Empty<string>(), path);

        /// <summary>The dotnet host of the running runtime, so the runner uses the same install.</summary>
        private static string DotnetHost()
        {
            var exe = IsWindows ? "dotnet.exe" : "dotnet";
            var candidates = new[]
            {
                Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
                // .../dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll -> .../dotnet/dotnet
                Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location) ?? ".", "..", "..", "..", exe),
                Environment.GetEnvironmentVariable("DOTNET_ROOT") is string root ? Path.Combine(root, exe) : null,
            };
            return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c)) is string found
                ? Path.GetFullPath(found)
                : exe; // from PATH
        }

        private static SwarmException NotFound(IEnumerable<string> searched) =>
            new SwarmException(SwarmErrorIds.RunnerNotFound, SwarmErrorKind.Unavailable,
                "The sandbox runner was not found. Looked in: " + string.Join(", ", searched) +
                ". Rebuild the module or set " + RunnerPathVariable + " to the runner's path.");
    }
}
