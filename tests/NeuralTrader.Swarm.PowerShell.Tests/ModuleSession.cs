using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>Paths of the repository and of the staged module (output/NeuralTrader.Swarm/&lt;version&gt;/).</summary>
    public static class Repo
    {
        public static string Root { get; } = FindRoot();

        /// <summary>Version from Directory.Build.props, the single source of truth.</summary>
        public static string Version { get; } =
            Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props")), @"<Version>([^<]+)</Version>").Groups[1].Value;

        public static string ModuleBase => Path.Combine(Root, "output", "NeuralTrader.Swarm", Version);

        public static string Manifest => Path.Combine(ModuleBase, "NeuralTrader.Swarm.psd1");

        public static string SourceManifest => Path.Combine(Root, "NeuralTrader.Swarm.psd1");

        public static string TestsDir => Path.Combine(Root, "tests", "NeuralTrader.Swarm.PowerShell.Tests");

        private static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NeuralTrader.Psm.sln")))
                    return dir.FullName;
            }

            throw new InvalidOperationException("Cannot find the repository root above " + AppContext.BaseDirectory);
        }

        /// <summary>PowerShell single-quoted literal.</summary>
        public static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
    }

    /// <summary>
    /// A fresh runspace from InitialSessionState.CreateDefault2 (Core cmdlets only; no execution policy is set:
    /// that throws on Linux) with the staged module imported.
    /// </summary>
    public sealed class ModuleSession : IDisposable
    {
        private readonly ITestOutputHelper? _output;

        public ModuleSession(ITestOutputHelper? output = null, bool import = true)
        {
            _output = output;
            Assert.True(File.Exists(Repo.Manifest), "The module is not staged at " + Repo.Manifest + ": build src/NeuralTrader.Swarm first.");
            Shell = System.Management.Automation.PowerShell.Create(InitialSessionState.CreateDefault2());
            if (import)
            {
                Run("Import-Module " + Repo.Quote(Repo.Manifest) + " -ErrorAction Stop");
                // Registrations and trajectories persist in the store: one per session, apart from the user's.
                StorePath = Path.Combine(Path.GetTempPath(), "swarm-tests-" + Guid.NewGuid().ToString("N") + ".db");
                Run("Set-SwarmConfiguration -StorePath " + Repo.Quote(StorePath));
            }
        }

        public System.Management.Automation.PowerShell Shell { get; }

        public string? StorePath { get; }

        /// <summary>Runs a script, copies every stream to the test output, and throws on a terminating error.</summary>
        public IReadOnlyList<PSObject> Run(string script, bool allowErrors = false)
        {
            Shell.Commands.Clear();
            Shell.Streams.ClearStreams();
            Shell.AddScript(script);
            var output = Shell.Invoke();
            Dump();
            if (!allowErrors && Shell.Streams.Error.Count > 0)
                throw new Xunit.Sdk.XunitException("The script wrote errors:\n" + string.Join("\n", Shell.Streams.Error.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            return output;
        }

        public IReadOnlyList<ErrorRecord> Errors => Shell.Streams.Error.ToList();

        public void Dump()
        {
            if (_output == null)
                return;
            var text = new StringBuilder();
            foreach (var e in Shell.Streams.Error) text.AppendLine("ERROR " + e.FullyQualifiedErrorId + ": " + e);
            foreach (var w in Shell.Streams.Warning) text.AppendLine("WARNING " + w);
            foreach (var v in Shell.Streams.Verbose) text.AppendLine("VERBOSE " + v);
            foreach (var i in Shell.Streams.Information) text.AppendLine("INFO " + i);
            if (text.Length > 0)
                _output.WriteLine(text.ToString());
        }

        public void Dispose()
        {
            try { Shell.Runspace?.Close(); } catch (Exception) { }
            Shell.Dispose();
        }
    }
}
