using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Runner
{
    /// <summary>The built runner as a real child process over stdin/stdout.</summary>
    public sealed class RunnerProcessTests : IDisposable
    {
        private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(60);
        private Process? _started;
        private readonly StringBuilder _stderr = new StringBuilder();

        public RunnerProcessTests()
        {
        }

        private RunnerProcessTests(params (string Name, string Value)[] environment)
        {
            _started = Start(environment);
        }

        internal static string RunnerDll => Path.Combine(AppContext.BaseDirectory, "runner", "NeuralTrader.Swarm.Runner.dll");

        /// <summary>The runner under test, started on first use.</summary>
        private Process Child => _started ??= Start();

        public void Dispose()
        {
            if (_started is null)
            {
                return;
            }

            try
            {
                if (!_started.HasExited)
                {
                    _started.Kill(entireProcessTree: true);
                    _started.WaitForExit(10000);
                }
            }
            finally
            {
                _started.Dispose();
            }
        }

        [Fact]
        public void ServesPingLoadRunDescribeAndShutsDown()
        {
            RunnerResponse ping = Send("{\"id\":\"1\",\"op\":\"ping\"}");
            Assert.True(ping.Ok);
            Assert.StartsWith("NeuralTrader.Swarm.Runner/", ping.Runner);
            Assert.Equal(RunnerProtocol.Version, ping.Protocol);

            RunnerResponse load = Send("{\"id\":\"2\",\"op\":\"load\",\"dataset\":\"SPY\",\"data\":" + RunnerRequestHandlerTests.SmallDataJson() + "}");
            Assert.True(load.Ok, load.Error?.Message);

            foreach (string strategy in new[] { "momentum", "mean-reversion" })
            {
                RunnerResponse run = Send("{\"id\":\"" + strategy + "\",\"op\":\"run\",\"strategy\":\"" + strategy + "\",\"dataset\":\"SPY\"}");
                Assert.True(run.Ok, run.Error?.Message);
                Assert.Equal(strategy, run.Id);
                Assert.Equal(124, run.Result!.Metrics.Bars);
            }

            RunnerResponse describe = Send("{\"id\":\"4\",\"op\":\"describe\"}");
            Assert.Equal(3, describe.Strategies!.Count);

            RunnerResponse bye = Send("{\"id\":\"5\",\"op\":\"shutdown\"}");
            Assert.True(bye.Ok);
            Assert.True(Child.WaitForExit(30000), "runner did not exit after shutdown");
            Assert.Equal(0, Child.ExitCode);
        }

        [Fact]
        public void BadInputNeverStopsTheRunner()
        {
            Assert.Equal(RunnerErrorCodes.MalformedJson, Send("{\"id\":\"x\",\"op\":").Error!.Code);
            Assert.True(Send("{\"id\":\"after-malformed\",\"op\":\"ping\"}").Ok);
            Assert.Equal(RunnerErrorCodes.InvalidRequest, Send("{\"id\":\"t\",\"op\":\"run\",\"options\":{\"includeTrades\":\"yes\"}}").Error!.Code);
            Assert.Equal(RunnerErrorCodes.UnknownOp, Send("{\"id\":\"u\",\"op\":\"explode\"}").Error!.Code);
            Assert.Equal(RunnerErrorCodes.InvalidRequest, Send("").Error!.Code);
            Assert.Equal(RunnerErrorCodes.UnknownStrategy, Send("{\"id\":\"s\",\"op\":\"run\",\"strategy\":\"x\",\"data\":" + RunnerRequestHandlerTests.SmallDataJson() + "}").Error!.Code);

            // One line just over the 16 MiB limit.
            var big = new StringBuilder(RunnerProtocol.MaxLineBytes + 64);
            big.Append("{\"id\":\"huge\",\"op\":\"ping\",\"pad\":\"").Append('z', RunnerProtocol.MaxLineBytes).Append("\"}");
            RunnerResponse oversized = Send(big.ToString());
            Assert.Equal(RunnerErrorCodes.OversizedInput, oversized.Error!.Code);
            Assert.Equal("huge", oversized.Id);

            RunnerResponse still = Send("{\"id\":\"still-here\",\"op\":\"ping\"}");
            Assert.True(still.Ok);
            Assert.Equal("still-here", still.Id);
            Assert.False(Child.HasExited);

            // End of input ends the runner cleanly.
            Child.StandardInput.Close();
            Assert.True(Child.WaitForExit(30000));
            Assert.Equal(0, Child.ExitCode);
            lock (_stderr)
            {
                foreach (string line in _stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    using JsonDocument log = JsonDocument.Parse(line);
                    Assert.True(log.RootElement.GetProperty("log").TryGetProperty("level", out _), line);
                }
            }
        }

        [Fact]
        public void PreloadsCsvFolderFromTheEnvironment()
        {
            using var runner = new RunnerProcessTests(("NEURALTRADER_RUNNER_DATA", Strategies.TestSeries.DataDirectory));
            RunnerResponse run = runner.Send("{\"id\":\"q\",\"op\":\"run\",\"strategy\":\"mean-reversion\",\"dataset\":\"QQQ\",\"options\":{\"equityPoints\":0}}");
            Assert.True(run.Ok, run.Error?.Message);
            Assert.Equal("QQQ", run.Result!.Symbol);
            Assert.Equal(2600, run.Result.Metrics.Bars);
        }

        [Fact]
        public void PreloadsIntradayFilesAsSymbolDotInterval()
        {
            // An intraday file written by IntradayFiles' documented rule (no licensed sample can be bundled).
            string folder = Path.Combine(Path.GetTempPath(), "nt-preload-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(folder);
            try
            {
                File.Copy(Path.Combine(Strategies.TestSeries.DataDirectory, "SPY.csv"), Path.Combine(folder, "SPY.csv"));
                Strategies.IntradayFiles.Write(folder, "SPY.5min.csv", 5, sessions: 3);
                using var runner = new RunnerProcessTests(("NEURALTRADER_RUNNER_DATA", folder));
                RunnerResponse intraday = runner.Send("{\"id\":\"i\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"SPY.5min\",\"parameters\":{\"interval\":\"5min\",\"lookback\":6},\"options\":{\"equityPoints\":0}}");
                Assert.True(intraday.Ok, intraday.Error?.Message);
                Assert.Equal("5min", intraday.Result!.Metrics.Interval);
                Assert.Equal(3 * 78, intraday.Result.Metrics.Bars);
                RunnerResponse daily = runner.Send("{\"id\":\"d\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"SPY\",\"options\":{\"equityPoints\":0}}");
                Assert.Equal("1d", daily.Result!.Metrics.Interval);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        [Fact]
        public void AllocationAboveTheHeapLimitIsAnErrorAndTheRunnerKeepsServing()
        {
            // 96 MiB GC heap limit (hex, and without 0x: Native AOT ignores a 0x-prefixed value); ask for 300 MiB.
            using var runner = new RunnerProcessTests(("DOTNET_GCHeapHardLimit", "6000000"));
            string data = RunnerRequestHandlerTests.SmallDataJson();
            RunnerResponse big = runner.Send("{\"id\":\"big\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"options\":{\"allocateMb\":300}}");
            Assert.False(big.Ok);
            Assert.Equal(RunnerErrorCodes.OutOfMemory, big.Error!.Code);
            Assert.Equal("big", big.Id);

            RunnerResponse small = runner.Send("{\"id\":\"small\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"options\":{\"allocateMb\":16}}");
            Assert.True(small.Ok, small.Error?.Message);
        }

        [Fact]
        public void VersionAndHelp()
        {
            Assert.StartsWith("NeuralTrader.Swarm.Runner/", RunToEnd("--version"));
            Assert.Contains("NEURALTRADER_RUNNER_DATA", RunToEnd("--help"));
        }

        private static string RunToEnd(string argument)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
            info.ArgumentList.Add(RunnerDll);
            info.ArgumentList.Add(argument);
            using Process p = Process.Start(info)!;
            string output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(30000));
            Assert.Equal(0, p.ExitCode);
            return output;
        }

        private Process Start(params (string Name, string Value)[] environment)
        {
            Assert.True(File.Exists(RunnerDll), "runner not built at " + RunnerDll);
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
            };
            info.ArgumentList.Add(RunnerDll);
            foreach ((string name, string value) in environment)
            {
                info.Environment[name] = value;
            }

            Process p = Process.Start(info)!;
            p.StandardInput.AutoFlush = false;
            p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (_stderr)
                    {
                        _stderr.AppendLine(e.Data);
                    }
                }
            };
            p.BeginErrorReadLine();
            return p;
        }

        private RunnerResponse Send(string line)
        {
            Child.StandardInput.Write(line);
            Child.StandardInput.Write('\n');
            Child.StandardInput.Flush();
            Task<string?> read = Child.StandardOutput.ReadLineAsync();
            Assert.True(read.Wait(ResponseTimeout), "no response to: " + (line.Length > 200 ? line.Substring(0, 200) : line));
            string? response = read.Result;
            Assert.NotNull(response);
            return JsonSerializer.Deserialize(response!, ProtocolJsonContext.Default.RunnerResponse)!;
        }
    }
}
