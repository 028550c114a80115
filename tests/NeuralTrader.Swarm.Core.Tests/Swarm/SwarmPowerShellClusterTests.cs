using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;
using NeuralTrader.Swarm.Tests.Docker;

namespace NeuralTrader.Swarm.Tests.Swarm
{
    /// <summary>
    /// A cluster fact that also needs real pwsh and the built module folder (staged by building the solution); skipped
    /// with the reason without them, unless NEURALTRADER_REQUIRE_PESTER=1 (CI), which makes it fail instead.
    /// </summary>
    public sealed class SwarmPowerShellFactAttribute : FactAttribute
    {
        public SwarmPowerShellFactAttribute()
        {
            Skip = SwarmClusterEnvironment.SkipReason
                ?? (SwarmPowerShellClusterTests.Missing == null || Environment.GetEnvironmentVariable("NEURALTRADER_REQUIRE_PESTER") == "1" ? null
                    : SwarmPowerShellClusterTests.Missing + "; set NEURALTRADER_REQUIRE_PESTER=1 to make this a failure.");
        }
    }

    /// <summary>The module as a user drives it, in a real pwsh process, against the two-node cluster.</summary>
    [Collection(SwarmClusterCollection.Name)]
    [Trait("Category", "Docker")]
    public sealed class SwarmPowerShellClusterTests
    {
        private readonly SwarmClusterFixture _cluster;

        public SwarmPowerShellClusterTests(SwarmClusterFixture cluster)
        {
            _cluster = cluster;
        }

        private static string Root => DockerTestEnvironment.RepoRoot;

        private static string Pwsh =>
            Environment.GetEnvironmentVariable("NEURALTRADER_PWSH") is { Length: > 0 } p ? p : Path.Combine(Root, ".tools", "pwsh", "pwsh");

        private static string Manifest
        {
            get
            {
                var version = Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props")), @"<Version>([^<]+)</Version>").Groups[1].Value;
                return Path.Combine(Root, "output", "NeuralTrader.Swarm", version, "NeuralTrader.Swarm.psd1");
            }
        }

        internal static string? Missing =>
            !File.Exists(Pwsh) ? "pwsh not found at " + Pwsh
            : !File.Exists(Manifest) ? "the built module is missing at " + Manifest + " (build the solution)"
            : null;

        private static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

        [SwarmPowerShellFact]
        public async Task Set_SwarmConfiguration_Isolation_Swarm_then_Start_Swarm_runs_on_both_nodes_and_Clear_Swarm_leaves_no_service()
        {
            _cluster.RequireCluster();
            Assert.True(Missing == null, Missing);
            var work = Directory.CreateTempSubdirectory("nts-swarm-pwsh-");
            var session = "pwsh-" + Guid.NewGuid().ToString("N").Substring(0, 10);
            try
            {
                var script = string.Join("\n",
                    "$ErrorActionPreference = 'Stop'",
                    "Import-Module " + Quote(Manifest),
                    "Set-SwarmConfiguration -Isolation Swarm -DockerEndpoint " + Quote(_cluster.Node1Endpoint) +
                    " -NodeEndpoint @{ " + Quote(SwarmClusterFixture.Node1Address) + " = " + Quote(_cluster.Node1Endpoint) + "; " +
                    Quote(SwarmClusterFixture.Node2Address) + " = " + Quote(_cluster.Node2Endpoint) + " }" +
                    " -Registry " + Quote(SwarmClusterFixture.RegistryAddress) + " -SandboxImage " + Quote(_cluster.BusyboxImage) +
                    " -StorePath " + Quote(Path.Combine(work.FullName, "swarm.db")) +
                    " -MemoryLimit 64 -CpuLimit 0.25 -MaxAgents 4 -SandboxIdleTimeout 120000 | Out-Null",
                    "$results = @(Start-Swarm -Strategy momentum -Symbol SPY, QQQ, IWM, TSLA)",
                    // Idle sandboxes are kept (SandboxIdleTimeout), so the listing shows where the agents ran.
                    "$sandboxes = @(Get-SwarmSandbox)",
                    "Clear-Swarm | Out-Null",
                    "[pscustomobject]@{ Results = $results.Count; Succeeded = @($results | Where-Object Success).Count; " +
                    "Kinds = @($sandboxes | ForEach-Object Kind | Sort-Object -Unique); Nodes = @($sandboxes | ForEach-Object Node | Sort-Object -Unique) } | ConvertTo-Json -Compress");
                var start = new ProcessStartInfo(Pwsh)
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                    WorkingDirectory = work.FullName,
                };
                foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-Command", script })
                    start.ArgumentList.Add(a);
                start.Environment["XDG_DATA_HOME"] = Path.Combine(work.FullName, "data");
                start.Environment["NO_COLOR"] = "1";
                // The services of this process carry this session label, so the check below sees only them.
                start.Environment["NEURALTRADER_SESSION"] = session;
                using var process = Process.Start(start)!;
                var stderr = process.StandardError.ReadToEndAsync();
                var stdout = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, "pwsh exited " + process.ExitCode + ": " + stdout + await stderr);

                using var json = JsonDocument.Parse(stdout.Trim().Split('\n').Last());
                var root = json.RootElement;
                Assert.Equal(4, root.GetProperty("Results").GetInt32());
                Assert.True(root.GetProperty("Succeeded").GetInt32() == 4, stdout + await stderr);
                Assert.Equal(new[] { "swarm" }, root.GetProperty("Kinds").EnumerateArray().Select(e => e.GetString()).ToArray());
                var nodes = root.GetProperty("Nodes").EnumerateArray().Select(e => e.GetString()).ToArray();
                Assert.Equal(new[] { SwarmClusterFixture.Node1Address, SwarmClusterFixture.Node2Address }, nodes);

                var left = await _cluster.Node1.Swarm.ListServicesAsync(new ServicesListParameters
                {
                    Filters = new ServiceFilter { Label = new[] { SwarmLabels.Session + "=" + session } },
                });
                Assert.Empty(left);
            }
            finally
            {
                work.Delete(true);
            }
        }
    }
}
