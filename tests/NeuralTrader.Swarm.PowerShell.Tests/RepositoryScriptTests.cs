using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>build.ps1 runs in the hosted engine (the examples run in real pwsh: Scripts/Examples.Tests.ps1).</summary>
    public sealed class RepositoryScriptTests
    {
        private readonly ITestOutputHelper _output;

        public RepositoryScriptTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Build_script_builds_stages_and_packages_the_module()
        {
            using var session = new ModuleSession(_output, import: false);
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            // Package builds first; running -Task Test from a test would recurse.
            var output = session.Run("& " + Repo.Quote(Path.Combine(Repo.Root, "build.ps1")) + " -Task Package -Configuration " + configuration);
            foreach (var line in output)
                _output.WriteLine(line?.ToString() ?? "");
            Assert.False(session.Shell.HadErrors);
            Assert.True(File.Exists(Repo.Manifest));
            Assert.Contains(output, o => o?.ToString()?.Contains(Path.Combine("output", "NeuralTrader.Swarm"), StringComparison.Ordinal) == true);
            // The .nupkg in the Gallery layout: manifest and nuspec at the root, the module's files beside them.
            var nupkg = output.Select(o => o?.ToString() ?? "").Single(o => o.EndsWith(".nupkg", StringComparison.Ordinal));
            using var package = ZipFile.OpenRead(nupkg);
            var entries = package.Entries.Select(e => e.FullName.Replace('\\', '/')).ToList();
            Assert.Contains("NeuralTrader.Swarm.psd1", entries);
            Assert.Contains("NeuralTrader.Swarm.nuspec", entries);
            Assert.Contains("module/NeuralTrader.Swarm.psm1", entries);
            Assert.Contains(entries, e => e.StartsWith("module/runner/", StringComparison.Ordinal));
        }
    }
}
