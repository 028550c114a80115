using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using NeuralTrader.Swarm.Cli.Tests;

namespace NeuralTrader.Swarm.PowerShell.Tests
{
    /// <summary>A fact that needs pwsh and the Docker engine (skipped with the reason without them, unless required).</summary>
    public sealed class DockerPwshFactAttribute : FactAttribute
    {
        public DockerPwshFactAttribute() => Skip = PesterEnvironment.SkipReason ?? DockerCli.SkipReason;
    }

    /// <summary>A theory that needs pwsh and the Docker engine.</summary>
    public sealed class DockerPwshTheoryAttribute : TheoryAttribute
    {
        public DockerPwshTheoryAttribute() => Skip = PesterEnvironment.SkipReason ?? DockerCli.SkipReason;
    }

    /// <summary>
    /// A real pwsh child running a script against the built module, with its own data folder and swarm session
    /// label, its output read as it comes. The .tools/pwsh/pwsh tool shim runs the real pwsh as a child of its own,
    /// so scripts print "PID $PID" and signals go to that process (<see cref="OwnerPid"/>).
    /// </summary>
    internal sealed class PwshChild : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new StringBuilder();

        public PwshChild(string workFolder, string session, string script)
        {
            var start = new ProcessStartInfo(PesterEnvironment.Pwsh)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
                WorkingDirectory = workFolder,
            };
            var prologue = "$ErrorActionPreference = 'Stop'; Import-Module " + Repo.Quote(Repo.Manifest) + "; 'PID ' + $PID; ";
            foreach (var a in new[] { "-NoProfile", "-NonInteractive", "-Command", prologue + script })
                start.ArgumentList.Add(a);
            start.Environment["XDG_DATA_HOME"] = Path.Combine(workFolder, "data");
            start.Environment["NEURALTRADER_SESSION"] = session;
            start.Environment["NO_COLOR"] = "1";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (_output) _output.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        /// <summary>stdout and stderr so far.</summary>
        public string Output { get { lock (_output) return _output.ToString(); } }

        /// <summary>The output lines that start with <paramref name="prefix"/>.</summary>
        public List<string> Lines(string prefix) =>
            Output.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).ToList();

        /// <summary>The real pwsh's process id (the script's $PID).</summary>
        public int OwnerPid
        {
            get
            {
                WaitFor(o => o.Lines("PID ").Count > 0, "its PID");
                return int.Parse(Lines("PID ")[0].Substring(4), CultureInfo.InvariantCulture);
            }
        }

        /// <summary>Waits until <paramref name="done"/> holds; a safety net of minutes, not an assertion on speed.</summary>
        public void WaitFor(Func<PwshChild, bool> done, string what)
        {
            var wait = Stopwatch.StartNew();
            while (!done(this))
            {
                Assert.False(_process.HasExited, "pwsh exited before " + what + ":\n" + Output);
                Assert.True(wait.Elapsed < TimeSpan.FromMinutes(5), "pwsh did not reach " + what + ":\n" + Output);
                Thread.Sleep(50);
            }
        }

        /// <summary>Waits for the shim to exit and returns its exit code (the real pwsh's).</summary>
        public int WaitForExit()
        {
            Assert.True(_process.WaitForExit(TimeSpan.FromMinutes(5)), "pwsh did not exit:\n" + Output);
            _process.WaitForExit(); // drains the output handlers
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            _process.Dispose();
        }
    }
}
