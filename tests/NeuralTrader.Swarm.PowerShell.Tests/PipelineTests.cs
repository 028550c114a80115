using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using Xunit.Abstractions;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>What only the host can check: stopping a pipeline, and the exceptions binding throws.</summary>
    public sealed class PipelineTests
    {
        private readonly ITestOutputHelper _output;

        public PipelineTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void Bad_parameter_is_a_binding_validation_error_naming_the_parameter()
        {
            using var session = new ModuleSession(_output);
            ParameterBindingException BindingError(string script)
            {
                session.Run(script, allowErrors: true);
                var error = Assert.Single(session.Errors);
                return Assert.IsAssignableFrom<ParameterBindingException>(error.Exception);
            }

            var e = BindingError("Start-Swarm momentum -Agents 0");
            Assert.Equal("ParameterBindingValidationException", e.GetType().Name);
            Assert.Equal("Agents", e.ParameterName);
            Assert.Equal("ParameterArgumentValidationError,NeuralTrader.Swarm.Commands.StartSwarmCommand", session.Errors[0].FullyQualifiedErrorId);
            Assert.Equal("Isolation", BindingError("Set-SwarmConfiguration -Isolation Hyperspace").ParameterName);
            Assert.Equal("MaxAgents", BindingError("Set-SwarmConfiguration -MaxAgents 5000").ParameterName);
        }

        [Fact]
        public void A_raw_Core_failure_is_a_terminating_ErrorRecord_not_an_exception_from_ProcessRecord()
        {
            using var session = new ModuleSession(_output);
            // A runner that does not exist: nothing can proceed, so the swarm fails as a whole with Core's id.
            session.Run("Set-SwarmConfiguration -Isolation Process -RunnerPath " + Repo.Quote(Path.Combine(Path.GetTempPath(), "no-such-runner", "runner.dll")));
            session.Run("Start-Swarm momentum -Symbol SPY", allowErrors: true);
            var error = Assert.Single(session.Errors);
            Assert.Equal("RunnerNotFound,NeuralTrader.Swarm.Commands.StartSwarmCommand", error.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
            Assert.Equal("SwarmException", error.Exception.GetType().Name);
        }

        [Fact]
        [Trait("Requires", "Runner")]
        public void Stopping_the_pipeline_mid_swarm_leaves_no_sandbox_or_child_process()
        {
            using var session = new ModuleSession(_output);
            // An explicit coordinator, so the host can watch its sandboxes while the runspace is busy; other tests
            // run swarms in this process at the same time, so only this swarm's runner processes are checked.
            var coordinator = session.Run("$c = New-SwarmCoordinator -Isolation Process -MaxAgents 2 -StorePath " + Repo.Quote(session.StorePath!) + "; $c").Single().BaseObject;
            // The module's own handle (its type lives in the module's load context, hence reflection).
            Assert.Equal("NeuralTrader.Swarm.SwarmCoordinatorInfo", coordinator.GetType().FullName);
            var getSandboxes = coordinator.GetType().GetMethod("GetSandboxes")!;
            var seen = new HashSet<int>();
            void Watch()
            {
                foreach (var info in (System.Collections.IEnumerable)getSandboxes.Invoke(coordinator, null)!)
                {
                    var id = (string)info.GetType().GetProperty("Id")!.GetValue(info)!;
                    if (id.StartsWith("proc-", StringComparison.Ordinal))
                        seen.Add(int.Parse(id.Substring(5)));
                }
            }
            var shell = session.Shell;
            shell.Commands.Clear();
            shell.AddScript("Start-Swarm -Coordinator $c -Strategy neural-forecast -Symbol SPY, QQQ, IWM, TSLA -Agents 60");
            var output = new PSDataCollection<PSObject>();
            var first = new ManualResetEventSlim();
            output.DataAdded += (_, _) => first.Set();
            var async = shell.BeginInvoke<PSObject, PSObject>(null, output);
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!first.IsSet && DateTime.UtcNow < deadline)
            {
                Watch();
                Thread.Sleep(20);
            }
            Assert.True(first.IsSet, "No result arrived.");
            Watch();
            Assert.NotEmpty(seen);
            shell.Stop();
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
            _output.WriteLine($"{output.Count} result(s) before the stop; sandboxes seen: {string.Join(", ", seen)}.");
            Assert.True(output.Count < 60, "The swarm finished before it could be stopped.");

            Assert.Empty(((System.Collections.IEnumerable)getSandboxes.Invoke(coordinator, null)!).Cast<object>());
            var left = RunnerChildren().Intersect(seen).ToList();
            Assert.True(left.Count == 0, "Runner processes left: " + string.Join(", ", left));
            Assert.Equal(0, Convert.ToInt32(session.Run("(Get-SwarmStatus -Coordinator $c).ActiveAgents").Single().BaseObject));
            session.Run("$c.Dispose()");
        }

        [Fact]
        [Trait("Requires", "Runner")]
        public void Progress_has_one_activity_that_is_always_completed()
        {
            using var session = new ModuleSession(_output);
            session.Run("Set-SwarmConfiguration -Isolation Process -MaxAgents 2; $null = Start-Swarm momentum -Symbol SPY, QQQ, IWM");
            var progress = session.Shell.Streams.Progress.ToList();
            Assert.NotEmpty(progress);
            Assert.Single(progress.Select(p => p.ActivityId).Distinct());
            Assert.Equal(ProgressRecordType.Completed, progress.Last().RecordType);
            Assert.Contains(progress, p => p.StatusDescription.StartsWith("3 of 3 settled", StringComparison.Ordinal));
        }

        /// <summary>Runner processes whose parent is this test process (Linux /proc; elsewhere by name).</summary>
        internal static List<int> RunnerChildren()
        {
            var me = Environment.ProcessId;
            var found = new List<int>();
            if (Directory.Exists("/proc"))
            {
                foreach (var dir in Directory.GetDirectories("/proc"))
                {
                    if (!int.TryParse(Path.GetFileName(dir), out var pid))
                        continue;
                    try
                    {
                        var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                        if (!cmdline.Contains("NeuralTrader.Swarm.Runner", StringComparison.Ordinal))
                            continue;
                        var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                        var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                        if (fields[0] != "Z" && int.Parse(fields[1]) == me)
                            found.Add(pid);
                    }
                    catch (IOException) { }
                    catch (UnauthorizedAccessException) { }
                }
                return found;
            }
            return Process.GetProcessesByName("NeuralTrader.Swarm.Runner").Select(p => p.Id).ToList();
        }
    }
}
