using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>The module as a package: manifest, exports, loading, help.</summary>
    public sealed class ModuleTests
    {
        // Sorted here, so each issue can add its cmdlets as its own block.
        private static readonly string[] ManifestCmdlets = new[]
        {
            "Clear-Swarm", "Get-Strategy", "Get-SwarmConfiguration", "Get-SwarmSandbox", "Get-SwarmStatus",
            "New-SwarmCoordinator", "Register-Strategy", "Set-SwarmConfiguration", "Start-Swarm", "Stop-Swarm", "Unregister-Strategy",
            // Learning and the trajectory store
            "Export-SwarmState", "Get-SwarmLearningStats", "Get-SwarmPattern", "Get-SwarmSuggestion", "Get-SwarmTrajectory",
            "Import-SwarmState", "New-SwarmEncryptionKey", "New-SwarmKeyPair", "Reset-SwarmLearning", "Test-SwarmStore",
            // benchmark, recommendations, Docker image
            "Build-SwarmSandboxImage", "Get-SwarmRecommendation", "Invoke-SwarmBenchmark", "Invoke-SwarmOptimization",
        }.OrderBy(n => n).ToArray();

        private readonly ITestOutputHelper _output;

        public ModuleTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void TestModuleManifest_passes_and_version_matches_Directory_Build_props()
        {
            using var session = new ModuleSession(_output, import: false);
            var info = session.Run("Test-ModuleManifest -Path " + Repo.Quote(Repo.Manifest) + " -ErrorAction Stop").Single();
            Assert.Equal(Repo.Version, info.Properties["Version"].Value.ToString());
            Assert.Equal("module/NeuralTrader.Swarm.psm1", ((string)info.Properties["RootModule"].Value).Replace('\\', '/'));
            var editions = ((System.Collections.IEnumerable)info.Properties["CompatiblePSEditions"].Value).Cast<object>().Select(o => o.ToString()).ToList();
            Assert.Contains("Desktop", editions);
            Assert.Contains("Core", editions);
            // The source manifest is the one staged.
            Assert.Equal(File.ReadAllText(Repo.SourceManifest), File.ReadAllText(Repo.Manifest));
        }

        [Fact]
        public void Only_the_module_s_own_types_are_on_its_parameters_and_outputs()
        {
            // Core, Protocol and Strategies types live in the module's load context; scripts must never bind to
            // them. Walks every cmdlet's parameter and output types and the public properties of the module's types.
            using var session = new ModuleSession(_output);
            var lines = session.Run(@"
                $inner = 'NeuralTrader.Swarm.Core', 'NeuralTrader.Swarm.Protocol', 'NeuralTrader.Swarm.Strategies'
                $seen = @{}
                $queue = [System.Collections.Generic.Queue[object]]::new()
                foreach ($command in Get-Command -Module NeuralTrader.Swarm) {
                    foreach ($p in $command.Parameters.Values) { $queue.Enqueue([pscustomobject]@{ Where = $command.Name + ' -' + $p.Name; Type = $p.ParameterType }) }
                    foreach ($o in $command.OutputType) { if ($o.Type) { $queue.Enqueue([pscustomobject]@{ Where = $command.Name + ' output'; Type = $o.Type }) } }
                }
                while ($queue.Count) {
                    $item = $queue.Dequeue()
                    $type = $item.Type
                    while ($type.HasElementType) { $type = $type.GetElementType() }
                    foreach ($t in @($type) + @($type.GenericTypeArguments)) {
                        if ($inner -contains $t.Assembly.GetName().Name) { 'inner {0}: {1}' -f $item.Where, $t.FullName; continue }
                        if ($t.Assembly.GetName().Name -ne 'NeuralTrader.Swarm' -or $seen[$t.FullName]) { continue }
                        $seen[$t.FullName] = $true
                        foreach ($property in $t.GetProperties()) { $queue.Enqueue([pscustomobject]@{ Where = $t.Name + '.' + $property.Name; Type = $property.PropertyType }) }
                    }
                }
                $seen.Keys | ForEach-Object { 'seen ' + $_ }").Select(o => o.ToString()!).ToList();
            var offenders = lines.Where(l => l.StartsWith("inner ", StringComparison.Ordinal)).ToList();
            // The walk reached the module's own types (a result, a benchmark report), so an empty list means something.
            Assert.Contains("seen NeuralTrader.Swarm.SwarmResult", lines);
            Assert.Contains("seen NeuralTrader.Swarm.SwarmCoordinatorInfo", lines);
            Assert.True(offenders.Count == 0, "Inner types on the PowerShell surface:\n" + string.Join("\n", offenders));
        }

        [Fact]
        public void Register_Strategy_types_only_catalogue_parameters_under_their_names_and_kinds()
        {
            // The catalogue owns strategy parameters (names, ranges, checks); a typed parameter of Register-Strategy is
            // one of them by name, of the matching kind, and none of the cmdlet's own parameters shadows one.
            using var session = new ModuleSession(_output);
            var typed = session.Run("(Get-Command Register-Strategy).Parameters.Values | ForEach-Object { $_.Name + '=' + $_.ParameterType.Name }")
                .Select(o => o.ToString()!.Split('=')).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
            var own = new[] { "Name", "Type", "Symbol", "Parameters", "Image", "Description", "Force", "PassThru", "Coordinator", "WhatIf", "Confirm" }
                .Concat(Cmdlet.CommonParameters).ToList();
            var catalogue = Strategies.StrategyCatalog.All.SelectMany(s => s.Parameters)
                .GroupBy(p => p.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Kind, StringComparer.OrdinalIgnoreCase);
            var strategyParameters = typed.Keys.Except(own, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.Contains("Lookback", strategyParameters);
            foreach (var name in strategyParameters)
            {
                Assert.True(catalogue.TryGetValue(name, out var kind), "-" + name + " is not a parameter of any built-in strategy");
                var expected = kind == "integer" ? "Int32" : kind == "boolean" ? "SwitchParameter" : "Double";
                Assert.True(expected == typed[name], "-" + name + " is " + typed[name] + " but the catalogue's " + name + " is " + kind);
            }
            Assert.DoesNotContain(own, catalogue.ContainsKey);
        }

        [Fact]
        public void Manifest_lists_the_cmdlets_and_PSData_for_the_Gallery()
        {
            using var session = new ModuleSession(_output, import: false);
            var result = session.Run(@"
                $m = Test-ModuleManifest -Path " + Repo.Quote(Repo.Manifest) + @"
                $m.ExportedCmdlets.Count
                $m.PrivateData.PSData.Tags.Count
                [string]$m.PrivateData.PSData.LicenseUri
                [string]$m.PrivateData.PSData.ProjectUri
                [string]$m.PrivateData.PSData.ReleaseNotes
                [string]$m.Guid
                $m.Author", allowErrors: true);
            var names = session.Run("(Test-ModuleManifest -Path " + Repo.Quote(Repo.Manifest) + ").ExportedCmdlets.Keys").Select(o => o.ToString()).OrderBy(n => n).ToArray();
            Assert.Equal(ManifestCmdlets, names);
            Assert.True(Convert.ToInt32(result[1].BaseObject) > 0);
            Assert.StartsWith("https://", result[2].ToString());
            Assert.StartsWith("https://", result[3].ToString());
            Assert.False(string.IsNullOrEmpty(result[4].ToString()));
            Assert.NotEqual(Guid.Empty.ToString(), result[5].ToString());
            Assert.False(string.IsNullOrEmpty(result[6].ToString()));
        }

        [Fact]
        public void Get_Command_lists_exactly_the_manifest_cmdlets()
        {
            using var session = new ModuleSession(_output);
            var names = session.Run("Get-Command -Module NeuralTrader.Swarm | ForEach-Object Name").Select(o => o.ToString()).OrderBy(n => n).ToArray();
            Assert.Equal(ManifestCmdlets, names);
        }

        [Fact]
        public void Second_Import_Module_Force_keeps_every_cmdlet_working()
        {
            using var session = new ModuleSession(_output);
            session.Run("Import-Module " + Repo.Quote(Repo.Manifest) + " -Force -ErrorAction Stop");
            var names = session.Run("Get-Command -Module NeuralTrader.Swarm | ForEach-Object Name").Select(o => o.ToString()).OrderBy(n => n).ToArray();
            Assert.Equal(ManifestCmdlets, names);
            var config = session.Run("Get-SwarmConfiguration").Single();
            Assert.Equal("NeuralTrader.Swarm.SwarmConfiguration", config.BaseObject.GetType().FullName);
            session.Run("Remove-Module NeuralTrader.Swarm; Import-Module " + Repo.Quote(Repo.Manifest) + " -ErrorAction Stop");
            Assert.Single(session.Run("Get-Command Start-Swarm -Module NeuralTrader.Swarm"));
        }

        [Fact]
        public void Assembly_version_matches_ModuleVersion()
        {
            using var session = new ModuleSession(_output);
            var version = session.Run("(Get-Command Start-Swarm).ImplementingType.Assembly.GetName().Version.ToString(3)").Single().ToString();
            var moduleVersion = session.Run("(Get-Module NeuralTrader.Swarm).Version.ToString()").Single().ToString();
            Assert.Equal(Repo.Version, version);
            Assert.Equal(Repo.Version, moduleVersion);
        }

        [Fact]
        public void Dependencies_load_in_the_module_context_even_when_another_Newtonsoft_is_loaded()
        {
            // The test host's own Newtonsoft.Json (13.0.4, PowerShell's dependency) goes into the default context
            // first; Docker.DotNet in the module wants 13.0.1 from module/bin.
            var hostCopy = Path.Combine(AppContext.BaseDirectory, "Newtonsoft.Json.dll");
            var defaultNewtonsoft = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => a.GetName().Name == "Newtonsoft.Json")
                                    ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(hostCopy);

            using var session = new ModuleSession(_output);
            var cmdletType = (Type)session.Run("(Get-Command Start-Swarm).ImplementingType").Single().BaseObject;
            var moduleContext = AssemblyLoadContext.GetLoadContext(cmdletType.Assembly)!;
            Assert.NotSame(AssemblyLoadContext.Default, moduleContext);
            Assert.Equal("NeuralTrader.Swarm", moduleContext.Name);

            var moduleNewtonsoft = moduleContext.LoadFromAssemblyName(new AssemblyName("Newtonsoft.Json"));
            Assert.NotSame(defaultNewtonsoft, moduleNewtonsoft);
            Assert.Same(moduleContext, AssemblyLoadContext.GetLoadContext(moduleNewtonsoft));
            Assert.StartsWith(Path.Combine(Repo.ModuleBase, "module", "bin"), moduleNewtonsoft.Location);
            _output.WriteLine($"default: {defaultNewtonsoft.Location} {FileVersion(defaultNewtonsoft)}; module: {moduleNewtonsoft.Location} {FileVersion(moduleNewtonsoft)}");
            Assert.NotEqual(FileVersion(defaultNewtonsoft), FileVersion(moduleNewtonsoft));

            // Docker.DotNet binds to the module's copy.
            var docker = moduleContext.LoadFromAssemblyName(new AssemblyName("Docker.DotNet"));
            Assert.Same(moduleContext, AssemblyLoadContext.GetLoadContext(docker));

            // None of the module's dependencies are in the default context; the loader is.
            var inDefault = AssemblyLoadContext.Default.Assemblies.Select(a => a.GetName().Name).ToHashSet();
            foreach (var name in new[] { "NeuralTrader.Swarm", "NeuralTrader.Swarm.Core", "NeuralTrader.Swarm.Strategies", "Docker.DotNet", "Microsoft.Data.Sqlite", "BouncyCastle.Cryptography", "Microsoft.Extensions.Logging.Abstractions" })
                Assert.DoesNotContain(name, inDefault);
            Assert.Contains("NeuralTrader.Swarm.Loader", inDefault);
            Assert.Contains(moduleContext.Assemblies, a => a.GetName().Name == "NeuralTrader.Swarm.Core");
        }

        [Fact]
        public void SQLite_native_library_loads_through_the_module_context()
        {
            using var session = new ModuleSession(_output);
            var cmdletType = (Type)session.Run("(Get-Command Start-Swarm).ImplementingType").Single().BaseObject;
            var moduleContext = AssemblyLoadContext.GetLoadContext(cmdletType.Assembly)!;
            var batteries = moduleContext.LoadFromAssemblyName(new AssemblyName("SQLitePCLRaw.batteries_v2"));
            batteries.GetType("SQLitePCL.Batteries_V2", true)!.GetMethod("Init")!.Invoke(null, null);
            var raw = moduleContext.LoadFromAssemblyName(new AssemblyName("SQLitePCLRaw.core"));
            var version = raw.GetType("SQLitePCL.raw", true)!.GetMethod("sqlite3_libversion_number")!.Invoke(null, null);
            Assert.True(Convert.ToInt32(version) > 3000000);
        }

        [Fact]
        public void Get_Help_has_synopsis_parameter_descriptions_and_examples_for_every_cmdlet()
        {
            using var session = new ModuleSession(_output);
            foreach (var name in ManifestCmdlets)
            {
                var help = session.Run($"Get-Help {name} -Full").Single();
                var synopsis = help.Properties["Synopsis"].Value?.ToString() ?? "";
                Assert.False(string.IsNullOrWhiteSpace(synopsis), name + " has no synopsis");
                // Without MAML help PowerShell makes the synopsis from the syntax ("Start-Swarm [-Strategy] ...").
                Assert.False(synopsis.StartsWith(name + " ", StringComparison.Ordinal), name + " has no MAML synopsis: " + synopsis);
                var examples = session.Run($"@((Get-Help {name} -Full).examples.example).Count").Single();
                Assert.True(Convert.ToInt32(examples.BaseObject) >= 1, name + " has no example");
                var undocumented = session.Run($"(Get-Help {name} -Full).parameters.parameter | Where-Object {{ -not ($_.description | ForEach-Object Text) }} | ForEach-Object name")
                    .Select(o => o.ToString()).ToList();
                Assert.True(undocumented.Count == 0, name + " parameters without description: " + string.Join(", ", undocumented));
            }
        }

        [Fact]
        public void About_topic_is_found()
        {
            using var session = new ModuleSession(_output);
            var text = string.Join("\n", session.Run("Get-Help about_NeuralTrader.Swarm").Select(o => o.ToString()));
            Assert.Contains("Start-Swarm", text);
        }

        private static string FileVersion(Assembly assembly) =>
            System.Diagnostics.FileVersionInfo.GetVersionInfo(assembly.Location).FileVersion ?? "";
    }
}
