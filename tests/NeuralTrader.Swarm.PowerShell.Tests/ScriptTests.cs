using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Text;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>
    /// Runs the Pester 5 style files in Scripts/ through MiniPester (Pester is not installable here; see
    /// MiniPester/MiniPester.ps1) and reports every It as its own xunit test case. Discovery runs each file's
    /// Describe bodies; the first case of a file runs the whole file once and the rest read its results.
    /// </summary>
    public sealed class ScriptTests
    {
        private static readonly ConcurrentDictionary<string, Lazy<FileRun>> s_runs = new ConcurrentDictionary<string, Lazy<FileRun>>();
        private readonly ITestOutputHelper _output;

        public ScriptTests(ITestOutputHelper output) => _output = output;

        public static IEnumerable<object[]> Cases()
        {
            var dir = Path.Combine(Repo.TestsDir, "Scripts");
            foreach (var file in Directory.GetFiles(dir, "*.Tests.ps1").OrderBy(f => f, StringComparer.Ordinal))
            {
                var name = Path.GetFileName(file);
                List<string> tests;
                try
                {
                    tests = Discover(file);
                }
                catch (Exception e)
                {
                    tests = new List<string> { "(discovery failed: " + e.Message.Replace('\n', ' ') + ")" };
                }
                foreach (var test in tests)
                    yield return new object[] { name, test };
            }
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void It(string file, string test)
        {
            var run = s_runs.GetOrAdd(file, f => new Lazy<FileRun>(() => RunFile(Path.Combine(Repo.TestsDir, "Scripts", f)))).Value;
            _output.WriteLine(run.Log);
            Assert.True(run.Error == null, "The file failed outside any It: " + run.Error);
            var result = run.Results.FirstOrDefault(r => r.Path == test);
            Assert.True(result != null, $"'{test}' did not run. Ran: {string.Join("; ", run.Results.Select(r => r.Path))}");
            if (result!.Result == "Skipped")
            {
                _output.WriteLine("Skipped.");
                return;
            }
            Assert.True(result.Result == "Passed", result.Error);
        }

        /// <summary>The runner itself: passes, failures with the failing line, skips, setup failures, scoping.</summary>
        [Fact]
        public void MiniPester_reports_passes_failures_and_scoping_like_Pester()
        {
            var file = Path.Combine(Path.GetTempPath(), "minipester-" + Guid.NewGuid().ToString("N") + ".Tests.ps1");
            File.WriteAllText(file, string.Join("\n",
                "BeforeAll { $fileLevel = 'file' }",
                "Describe 'outer' {",
                "    BeforeAll { $shared = 41 }",
                "    BeforeEach { $each = $shared + 1 }",
                "    It 'sees BeforeAll and BeforeEach' { $fileLevel | Should -Be 'file'; $each | Should -Be 42 }",
                "    It 'fails' {",
                "        1 | Should -Be 2",
                "    }",
                "    It 'is skipped' -Skip { throw 'never' }",
                "    It 'checks throws' { { throw 'boom' } | Should -Throw -ExpectedMessage 'bo*'; { 1 } | Should -Not -Throw }",
                "    It 'counts' { @(1, 2, 3) | Should -HaveCount 3; @() | Should -BeNullOrEmpty; 'abc' | Should -Match 'b' }",
                "    Context 'broken setup' {",
                "        BeforeAll { throw 'setup broke' }",
                "        It 'reports the setup failure' { }",
                "    }",
                "}"));
            try
            {
                var run = RunFile(file);
                _output.WriteLine(run.Log);
                string Result(string name) => run.Results.Single(r => r.Path == name).Result;
                Assert.Equal("Passed", Result("outer > sees BeforeAll and BeforeEach"));
                Assert.Equal("Failed", Result("outer > fails"));
                Assert.Contains("line 7", run.Results.Single(r => r.Path == "outer > fails").Error);
                Assert.Equal("Skipped", Result("outer > is skipped"));
                Assert.Equal("Passed", Result("outer > checks throws"));
                Assert.Equal("Passed", Result("outer > counts"));
                Assert.Equal("Failed", Result("outer > broken setup > reports the setup failure"));
                Assert.Contains("setup broke", run.Results.Single(r => r.Path == "outer > broken setup > reports the setup failure").Error);
                Assert.Equal(run.Results.Select(r => r.Path), Discover(file));
            }
            finally
            {
                File.Delete(file);
            }
        }

        private static System.Management.Automation.PowerShell NewShell(string mode)
        {
            var shell = System.Management.Automation.PowerShell.Create(InitialSessionState.CreateDefault2());
            shell.AddScript($"$global:MiniPesterMode = '{mode}'; $global:ModuleManifest = {Repo.Quote(Repo.Manifest)}; $global:RepoRoot = {Repo.Quote(Repo.Root)}; . {Repo.Quote(Path.Combine(Repo.TestsDir, "MiniPester", "MiniPester.ps1"))}").Invoke();
            shell.Commands.Clear();
            return shell;
        }

        private static List<string> Discover(string file)
        {
            using var shell = NewShell("Discovery");
            shell.AddScript("Invoke-MiniPesterFile " + Repo.Quote(file) + "; $global:MiniPesterResults | ForEach-Object Path");
            return shell.Invoke().Select(o => o.ToString()).ToList();
        }

        private static FileRun RunFile(string file)
        {
            using var shell = NewShell("Run");
            shell.AddScript("Invoke-MiniPesterFile " + Repo.Quote(file));
            string? error = null;
            try
            {
                shell.Invoke();
            }
            catch (RuntimeException e)
            {
                error = e.ErrorRecord?.FullyQualifiedErrorId + ": " + e.Message;
            }
            var log = new StringBuilder();
            foreach (var e in shell.Streams.Error) log.AppendLine("ERROR " + e.FullyQualifiedErrorId + ": " + e);
            foreach (var w in shell.Streams.Warning) log.AppendLine("WARNING " + w);
            shell.Commands.Clear();
            shell.AddScript("$global:MiniPesterWarnings");
            foreach (var w in shell.Invoke()) log.AppendLine("WARNING " + w);
            shell.Commands.Clear();
            shell.AddScript("$global:MiniPesterResults");
            var results = shell.Invoke().Select(o => new ItResult(
                o.Properties["Path"].Value.ToString()!,
                o.Properties["Result"].Value.ToString()!,
                o.Properties["Error"].Value?.ToString(),
                Convert.ToDouble(o.Properties["DurationMs"].Value))).ToList();
            foreach (var r in results)
                log.AppendLine($"{r.Result,-8} {r.DurationMs,8:0} ms  {r.Path}{(r.Error == null ? "" : "\n         " + r.Error)}");
            shell.Runspace.Close();
            return new FileRun(results, log.ToString(), error);
        }

        private sealed record ItResult(string Path, string Result, string? Error, double DurationMs);

        private sealed record FileRun(List<ItResult> Results, string Log, string? Error);
    }
}
