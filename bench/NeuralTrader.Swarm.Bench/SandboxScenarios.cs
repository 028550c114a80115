using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// End-to-end scenarios on the process sandbox (the runner as a child process), each beside its bare baseline.
    /// </summary>
    internal static class SandboxScenarios
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

        /// <summary>1. Round trip of a trivial request (ping) vs a bare line echo through a `cat` child process.</summary>
        public static async Task OverheadAsync(ResultsFile results, RunnerCommand runner, int samples)
        {
            var bare = await BareEchoAsync(samples).ConfigureAwait(false);
            using var provider = new ProcessSandboxProvider(runner, "bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var sandbox = await provider.CreateAsync(new SandboxSpec { AgentId = "bench", Strategy = "ping" }, CancellationToken.None).ConfigureAwait(false);
            var times = new List<double>(samples);
            try
            {
                var request = new RunnerRequest { Op = RunnerOps.Ping };
                for (int i = 0; i < samples + 200; i++)
                {
                    request.Id = "p" + i;
                    long t0 = Stopwatch.GetTimestamp();
                    var response = await sandbox.SendAsync(request, Timeout, CancellationToken.None).ConfigureAwait(false);
                    long t1 = Stopwatch.GetTimestamp();
                    if (!response.Ok)
                        throw new InvalidOperationException("ping failed");
                    if (i >= 200)
                        times.Add(Stats.Ms(t1 - t0));
                }
            }
            finally
            {
                await sandbox.StopAsync().ConfigureAwait(false);
            }
            double p50 = Stats.Percentile(times, 0.5), p99 = Stats.Percentile(times, 0.99);
            double b50 = Stats.Percentile(bare, 0.5), b99 = Stats.Percentile(bare, 0.99);
            results.Add(new Metric { Scenario = "1. overhead (process)", Name = "ping round trip p50", Value = p50, Unit = "ms", Baseline = "bare line echo (cat)", BaselineValue = b50, Ratio = p50 / b50, Target = "<= 1 ms", Met = p50 <= 1 });
            results.Add(new Metric { Scenario = "1. overhead (process)", Name = "ping round trip p99", Value = p99, Unit = "ms", Baseline = "bare line echo (cat)", BaselineValue = b99, Ratio = p99 / b99, Target = "<= 3 ms", Met = p99 <= 3 });
        }

        private static async Task<List<double>> BareEchoAsync(int samples)
        {
            var psi = new ProcessStartInfo("cat") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var cat = Process.Start(psi)!;
            var input = cat.StandardInput.BaseStream;
            var output = cat.StandardOutput.BaseStream;
            var line = System.Text.Encoding.UTF8.GetBytes("{\"id\":\"p0\",\"op\":\"ping\"}\n");
            var buffer = new byte[4096];
            var times = new List<double>(samples);
            for (int i = 0; i < samples + 200; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                await input.WriteAsync(line, 0, line.Length).ConfigureAwait(false);
                await input.FlushAsync().ConfigureAwait(false);
                int got = 0;
                while (got < line.Length)
                {
                    int n = await output.ReadAsync(buffer, got, buffer.Length - got).ConfigureAwait(false);
                    if (n == 0) throw new EndOfStreamException();
                    got += n;
                }
                long t1 = Stopwatch.GetTimestamp();
                if (i >= 200)
                    times.Add(Stats.Ms(t1 - t0));
            }
            input.Close();
            cat.WaitForExit();
            return times;
        }

        /// <summary>2. 10 agents x 30 iterations of momentum on one year of daily bars, learning on, vs a new runner per execution.</summary>
        public static async Task ThroughputAsync(ResultsFile results, RunnerCommand runner, string workDir, int agents, int iterations, int naiveExecutions)
        {
            string dataDir = SwarmThroughput.OneYearOfSpy(workDir, "data-1y");
            var options = new SwarmOptions
            {
                Isolation = IsolationMode.Process,
                StorePath = Path.Combine(workDir, "throughput.db"),
                EncryptionKey = NeuralTrader.Swarm.Core.Security.SymmetricKey.Generate(),
                DataPath = dataDir,
                RunnerPath = runner.RunnerPath,
            };
            var figures = await SwarmThroughput.MeasureAsync(options, () => null, agents, iterations).ConfigureAwait(false);
            double naive = await NaiveAsync(runner, Path.Combine(dataDir, "SPY.csv"), agents, naiveExecutions).ConfigureAwait(false);
            SwarmThroughput.Report(results, "2. throughput (process)", figures, agents, iterations, "new runner process per execution", naive, false, "runner processes");
        }

        /// <summary>The naive loop: start a runner, send the data and one run, read the result, let it exit; same parallelism.</summary>
        private static async Task<double> NaiveAsync(RunnerCommand runner, string csv, int parallel, int executions)
        {
            var series = CsvPriceReader.ReadFile(csv, "SPY");
            var data = series.ToPriceData();
            int next = -1;
            long t0 = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < executions)
                {
                    var psi = new ProcessStartInfo(runner.FileName) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                    foreach (var a in runner.Arguments) psi.ArgumentList.Add(a);
                    using var p = Process.Start(psi)!;
                    p.ErrorDataReceived += (s, e) => { };
                    p.BeginErrorReadLine();
                    var channel = new RunnerChannel(p.StandardInput.BaseStream, p.StandardOutput.BaseStream);
                    var response = await channel.SendAsync(new RunnerRequest
                    {
                        Id = "n", Op = RunnerOps.Run, Strategy = "momentum", Data = data,
                        Parameters = new Dictionary<string, JsonElement> { ["lookback"] = JsonSerializer.SerializeToElement(20) },
                    }).ConfigureAwait(false);
                    if (!response.Ok) throw new InvalidOperationException("naive run failed: " + response.Error?.Message);
                    p.StandardInput.Close();
                    await p.WaitForExitAsync().ConfigureAwait(false);
                }
            }))).ConfigureAwait(false);
            return executions / (Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000);
        }

        /// <summary>3. Create→ready and cleanup of a process sandbox vs a bare start of the same runner binary.</summary>
        public static async Task ColdStartAsync(ResultsFile results, RunnerCommand runner, int samples)
        {
            using var provider = new ProcessSandboxProvider(runner, "bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            var create = new List<double>();
            var stop = new List<double>();
            var bare = new List<double>();
            for (int i = 0; i < samples + 2; i++)
            {
                // Bare: the OS's own process start of the runner, until it has started (no handshake).
                var psi = new ProcessStartInfo(runner.FileName) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in runner.Arguments) psi.ArgumentList.Add(a);
                long b0 = Stopwatch.GetTimestamp();
                using (var p = Process.Start(psi)!)
                {
                    long b1 = Stopwatch.GetTimestamp();
                    p.StandardInput.Close();
                    p.WaitForExit();
                    if (i >= 2) bare.Add(Stats.Ms(b1 - b0));
                }

                long t0 = Stopwatch.GetTimestamp();
                var sandbox = await provider.CreateAsync(new SandboxSpec { AgentId = "cold" + i, Strategy = "momentum" }, CancellationToken.None).ConfigureAwait(false);
                long t1 = Stopwatch.GetTimestamp();
                await sandbox.StopAsync().ConfigureAwait(false);
                long t2 = Stopwatch.GetTimestamp();
                if (i >= 2)
                {
                    create.Add(Stats.Ms(t1 - t0));
                    stop.Add(Stats.Ms(t2 - t1));
                }
            }
            double c50 = Stats.Percentile(create, 0.5), c95 = Stats.Percentile(create, 0.95), b50 = Stats.Percentile(bare, 0.5), b95 = Stats.Percentile(bare, 0.95);
            results.Add(new Metric { Scenario = "3. cold start (process)", Name = "create -> ready p50", Value = c50, Unit = "ms", Baseline = "bare process start", BaselineValue = b50, Ratio = c50 / b50, Note = "ready = first ping answered; the bare start does not wait for the runner" });
            results.Add(new Metric { Scenario = "3. cold start (process)", Name = "create -> ready p95", Value = c95, Unit = "ms", Baseline = "bare process start", BaselineValue = b95, Ratio = c95 / b95 });
            results.Add(new Metric { Scenario = "3. cold start (process)", Name = "cleanup seen by caller p50", Value = Stats.Percentile(stop, 0.5), Unit = "ms", Target = "<= 10 ms", Met = Stats.Percentile(stop, 0.5) <= 10 });
            results.Add(new Metric { Scenario = "3. cold start (process)", Name = "cleanup seen by caller p95", Value = Stats.Percentile(stop, 0.95), Unit = "ms" });
        }

        /// <summary>4. Many sandboxes up at once: time to all ready, resident memory per sandbox, none left after.</summary>
        public static async Task ScaleAsync(ResultsFile results, RunnerCommand runner, int count)
        {
            string owner = "bench-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            var provider = new ProcessSandboxProvider(runner, owner);
            long t0 = Stopwatch.GetTimestamp();
            var sandboxes = await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
                provider.CreateAsync(new SandboxSpec { AgentId = "scale" + i, Strategy = "momentum", StartTimeout = TimeSpan.FromSeconds(120) }, CancellationToken.None))).ConfigureAwait(false);
            double ready = Stats.Ms(Stopwatch.GetTimestamp() - t0) / 1000;
            await Task.Delay(500).ConfigureAwait(false);
            var infos = provider.ListSandboxes();
            var memory = infos.Where(s => s.MemoryBytes.HasValue).Select(s => s.MemoryBytes!.Value / 1048576.0).ToList();
            long t1 = Stopwatch.GetTimestamp();
            int removed = await provider.CleanupAsync().ConfigureAwait(false);
            double cleanup = Stats.Ms(Stopwatch.GetTimestamp() - t1);
            int left = provider.ListSandboxes().Count + sandboxes.Count(s => s.IsAlive);
            provider.Dispose();
            double perSandbox = memory.Count > 0 ? memory.Average() : double.NaN;
            results.Add(new Metric { Scenario = "4. scale (process)", Name = $"{count} sandboxes: time to all ready", Value = ready, Unit = "s", Target = "<= 60 s", Met = ready <= 60 });
            results.Add(new Metric { Scenario = "4. scale (process)", Name = "memory per sandbox (RSS)", Value = perSandbox, Unit = "MB", Target = "<= 40 MB", Met = perSandbox <= 40, Note = $"{memory.Count} measured; RSS counts shared pages" });
            results.Add(new Metric { Scenario = "4. scale (process)", Name = "left after cleanup", Value = left, Unit = "sandboxes", Target = "0", Met = left == 0, Note = $"{removed} removed in {cleanup:0} ms" });
        }
    }
}
