using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>
    /// Where pwsh 7.6.10 (dotnet tool) and Pester 5.7.1 (NuGet) live: .tools/ under the repository, filled by
    /// .ci/run (or NEURALTRADER_PWSH / NEURALTRADER_PESTER). Missing tools skip the test with the reason, unless
    /// NEURALTRADER_REQUIRE_PESTER=1 (CI), where they fail it.
    /// </summary>
    public static class PesterEnvironment
    {
        public const string RequireVariable = "NEURALTRADER_REQUIRE_PESTER";

        public static string Pwsh =>
            Environment.GetEnvironmentVariable("NEURALTRADER_PWSH") is { Length: > 0 } p ? p : Path.Combine(Repo.Root, ".tools", "pwsh", "pwsh");

        public static string PesterManifest =>
            Environment.GetEnvironmentVariable("NEURALTRADER_PESTER") is { Length: > 0 } p ? p
                : Path.Combine(Repo.Root, ".tools", "packages", "pester", "5.7.1", "tools", "Pester.psd1");

        public static string? Missing =>
            !File.Exists(Pwsh) ? "pwsh not found at " + Pwsh + " (dotnet tool install --tool-path .tools/pwsh PowerShell --version 7.6.10)"
            : !File.Exists(PesterManifest) ? "Pester not found at " + PesterManifest + " (dotnet restore tests/tools/TestTools.csproj)"
            : null;

        public static string? SkipReason =>
            Environment.GetEnvironmentVariable(RequireVariable) == "1" ? null : Missing;
    }

    public sealed class PesterFactAttribute : FactAttribute
    {
        public PesterFactAttribute() => Skip = PesterEnvironment.SkipReason;
    }

    /// <summary>
    /// Every Scripts/*.Tests.ps1 under real Invoke-Pester 5.7.1 in one real pwsh process, against the built
    /// module folder; fails listing each failed Pester test.
    /// </summary>
    public sealed class PesterTests
    {
        private readonly ITestOutputHelper _output;

        public PesterTests(ITestOutputHelper output) => _output = output;

        [PesterFact]
        public void All_script_tests_pass_under_real_Pester()
        {
            Assert.True(PesterEnvironment.Missing == null, PesterEnvironment.Missing);
            Assert.True(File.Exists(Repo.Manifest), "The built module is missing: " + Repo.Manifest);

            var work = Directory.CreateTempSubdirectory("neuraltrader-pester-");
            try
            {
                var resultFile = Path.Combine(work.FullName, "pester.xml");
                var script =
                    "$ErrorActionPreference = 'Stop'; " +
                    "Import-Module " + Repo.Quote(PesterEnvironment.PesterManifest) + "; " +
                    "$c = New-PesterConfiguration; " +
                    "$c.Run.Path = " + Repo.Quote(Path.Combine(Repo.TestsDir, "Scripts")) + "; " +
                    "$c.Run.Exit = $false; $c.Run.PassThru = $true; " +
                    "$c.Output.Verbosity = 'Normal'; " +
                    "$c.TestResult.Enabled = $true; $c.TestResult.OutputFormat = 'NUnitXml'; " +
                    "$c.TestResult.OutputPath = " + Repo.Quote(resultFile) + "; " +
                    "$r = Invoke-Pester -Configuration $c; " +
                    "'PESTER-SUMMARY: {0} passed, {1} failed, {2} skipped' -f $r.PassedCount, $r.FailedCount, $r.SkippedCount";

                var start = new ProcessStartInfo(PesterEnvironment.Pwsh)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = work.FullName,
                };
                foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-Command", script })
                    start.ArgumentList.Add(a);
                // The scripts import the built module (output/); XDG_DATA_HOME keeps the default store in the temp folder.
                start.Environment["XDG_DATA_HOME"] = Path.Combine(work.FullName, "data");
                start.Environment["NO_COLOR"] = "1";
                // The CLI this build made, for the scripts that compare the two front ends.
                start.Environment["NEURALTRADER_TEST_CLI"] = typeof(PesterTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .Single(a => a.Key == "CliDll").Value;

                using var process = Process.Start(start)!;
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                _output.WriteLine(stdout);
                _output.WriteLine(stderr.Result);
                // Pester's counts for .ci/run's summary line (the test host's console is not shown by dotnet test).
                var summary = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("PESTER-SUMMARY:", StringComparison.Ordinal));
                if (summary != null && Environment.GetEnvironmentVariable("NEURALTRADER_PESTER_SUMMARY") is { Length: > 0 } summaryFile)
                    File.WriteAllText(summaryFile, summary.Substring("PESTER-SUMMARY:".Length).Trim());

                Assert.True(File.Exists(resultFile), "Pester wrote no result file; pwsh exited " + process.ExitCode + ": " + stderr.Result);
                var failed = XDocument.Load(resultFile).Descendants("test-case")
                    .Where(t => (string?)t.Attribute("result") == "Failure")
                    .Select(t => (string?)t.Attribute("name") + ": " + t.Descendants("message").FirstOrDefault()?.Value.Trim())
                    .ToList();
                var total = XDocument.Load(resultFile).Descendants("test-case").Count();
                Assert.True(total > 0, "Pester ran no tests.");
                Assert.True(failed.Count == 0, failed.Count + " Pester test(s) failed:\n" + string.Join("\n", failed));
            }
            finally
            {
                work.Delete(recursive: true);
            }
        }
    }
}
