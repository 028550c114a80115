using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>build.ps1 and every script in examples/ run in the hosted engine.</summary>
    public sealed class RepositoryScriptTests
    {
        private readonly ITestOutputHelper _output;

        public RepositoryScriptTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Examples() =>
            Directory.GetFiles(Path.Combine(Repo.Root, "examples"), "*.ps1").OrderBy(f => f, StringComparer.Ordinal)
                .Select(f => new object[] { Path.GetFileName(f) });

        [Theory]
        [MemberData(nameof(Examples))]
        [Trait("Requires", "Runner")]
        public void Example_runs(string example)
        {
            using var session = new ModuleSession(_output, import: false);
            // The examples import the module by name, as a user would once it is installed.
            var modulePath = Path.Combine(Repo.Root, "output");
            // The examples use the default store: XDG_DATA_HOME puts it in a temporary folder, never the user's own.
            var data = Directory.CreateTempSubdirectory("swarm-example-");
            var output = session.Run(
                "$env:XDG_DATA_HOME = " + Repo.Quote(data.FullName) + "; " +
                "$env:PSModulePath = " + Repo.Quote(modulePath) + " + [System.IO.Path]::PathSeparator + $env:PSModulePath; " +
                "& " + Repo.Quote(Path.Combine(Repo.Root, "examples", example)));
            foreach (var line in output)
                _output.WriteLine(line?.ToString() ?? "");
            Assert.False(session.Shell.HadErrors, "The example wrote errors.");
            data.Delete(recursive: true);
            Assert.NotEmpty(output);
        }

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
