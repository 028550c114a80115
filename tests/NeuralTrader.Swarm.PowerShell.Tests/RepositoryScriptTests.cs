using System;
using System.Collections.Generic;
using System.IO;
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
        public void Build_script_builds_and_stages_the_module()
        {
            using var session = new ModuleSession(_output, import: false);
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            // Build only: running the tests from a test would recurse.
            var output = session.Run("& " + Repo.Quote(Path.Combine(Repo.Root, "build.ps1")) + " -Task Build -Configuration " + configuration);
            foreach (var line in output)
                _output.WriteLine(line?.ToString() ?? "");
            Assert.False(session.Shell.HadErrors);
            Assert.True(File.Exists(Repo.Manifest));
            Assert.Contains(output, o => o?.ToString()?.Contains(Path.Combine("output", "NeuralTrader.Swarm"), StringComparison.Ordinal) == true);
        }
    }
}
