using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using BenchmarkDotNet.Running;
using NeuralTrader.Swarm.Core.Sandboxing;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// bench/run.sh drives this program:
    ///   scenarios --out FILE [--quick] [--only a,b]   end-to-end scenarios into a results JSON
    ///   micro [BenchmarkDotNet args]                   BenchmarkDotNet micro benchmarks (kernels, store)
    ///   report --in FILE --micro DIR --md FILE         merges BenchmarkDotNet's JSON and writes the Markdown table
    ///   merge-docker --in FILE --from FILE --md FILE   replaces the Docker rows of a results JSON with another run's
    ///   loop [--isolation docker|process] [--rounds N] [--no-learning]   warm swarms in a loop, for profiling
    ///   sweep [--isolation docker|process|in-process] [--agents N] [--per-agent N] [--no-learning] [--rounds N]   N sweeps in one process, printed
    ///   burst [--agents N] [--mode unbounded|bounded|warm-pool]   one burst of Docker sandbox starts, printed
    ///   scale --out FILE [--agents N] [--per-agent N] [--appends N]   issue [4/7]: one engine vs the two-node Swarm, PostgreSQL vs SQLite appends
    ///   merge-scale --in FILE --from FILE --md FILE    replaces the scale-out rows of a results JSON with another run's
    ///   jsoncost                                       what one backtest's response costs to write and read
    ///   owner-child                                    internal: owns a warm Docker swarm until killed (issue 18's kill -9 row)
    ///   store-child ...                                internal: one writer process of the 4-process store scenario
    /// </summary>
    public static class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var command = args.Length > 0 ? args[0] : "scenarios";
            switch (command)
            {
                case "micro":
                    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Skip(1).ToArray());
                    return 0;
                case "loop":
                    return await SwarmLoop.RunAsync(Arg(args, "--isolation") ?? "docker", int.Parse(Arg(args, "--rounds") ?? "20", System.Globalization.CultureInfo.InvariantCulture), !args.Contains("--no-learning")).ConfigureAwait(false);
                case "sweep":
                    return await SweepScenario.RunAsync(Arg(args, "--isolation") ?? "docker", int.Parse(Arg(args, "--agents") ?? "10", System.Globalization.CultureInfo.InvariantCulture),
                        int.Parse(Arg(args, "--per-agent") ?? "1000", System.Globalization.CultureInfo.InvariantCulture), !args.Contains("--no-learning"),
                        int.Parse(Arg(args, "--rounds") ?? "1", System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
                case "burst":
                    return await BurstScenario.RunAsync(int.Parse(Arg(args, "--agents") ?? "50", System.Globalization.CultureInfo.InvariantCulture), Arg(args, "--mode") ?? "bounded").ConfigureAwait(false);
                case "owner-child":
                    return await Issue18Scenarios.OwnerChildAsync().ConfigureAwait(false);
                case "jsoncost":
                    return JsonCost.Run();
                case "store-child":
                    return StoreScenario.Child(args);
                case "report":
                    return Report.Write(Arg(args, "--in")!, Arg(args, "--micro"), Arg(args, "--md")!);
                case "scale":
                    return await ScaleScenario.RunAsync(Arg(args, "--out") ?? "scale.json", int.Parse(Arg(args, "--agents") ?? "4", System.Globalization.CultureInfo.InvariantCulture),
                        int.Parse(Arg(args, "--per-agent") ?? "1000", System.Globalization.CultureInfo.InvariantCulture), int.Parse(Arg(args, "--appends") ?? "2000", System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
                case "merge-scale":
                    return Report.MergeScale(Arg(args, "--in")!, Arg(args, "--from")!, Arg(args, "--md")!);
                case "merge-docker":
                    return Report.MergeDocker(Arg(args, "--in")!, Arg(args, "--from")!, Arg(args, "--md")!);
                case "scenarios":
                    return await ScenariosAsync(args).ConfigureAwait(false);
                default:
                    Console.Error.WriteLine("unknown command " + command);
                    return 2;
            }
        }

        private static string? Arg(string[] args, string name)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        private static async Task<int> ScenariosAsync(string[] args)
        {
            string output = Arg(args, "--out") ?? "latest.json";
            bool quick = args.Contains("--quick");
            var only = (Arg(args, "--only") ?? "overhead,throughput,coldstart,scale,kernel,store,docker,issue18").Split(',');
            var results = new ResultsFile { StartedAt = DateTimeOffset.UtcNow };
            results.Machine["cores"] = Environment.ProcessorCount.ToString();
            results.Machine["os"] = RuntimeInformation.OSDescription;
            results.Machine["runtime"] = RuntimeInformation.FrameworkDescription;
            string work = Path.Combine(Path.GetTempPath(), "nt-bench-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(work);
            try
            {
                var runner = RunnerLocator.Locate();
                results.Machine["runner"] = runner.RunnerPath.EndsWith(".dll", StringComparison.Ordinal) ? "framework-dependent" : "Native AOT";
                async Task Step(string name, Func<Task> body)
                {
                    if (!only.Contains(name)) return;
                    Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {name}");
                    try { await body().ConfigureAwait(false); }
                    catch (Exception e) { results.Skip(name, "failed: " + e.GetType().Name + ": " + e.Message); }
                }

                await Step("overhead", () => SandboxScenarios.OverheadAsync(results, runner, quick ? 500 : 5000));
                await Step("throughput", () => SandboxScenarios.ThroughputAsync(results, runner, work, 10, 30, quick ? 10 : 30));
                await Step("coldstart", () => SandboxScenarios.ColdStartAsync(results, runner, quick ? 10 : 40));
                await Step("scale", () => SandboxScenarios.ScaleAsync(results, runner, 100));
                await Step("kernel", () => { KernelScenario.Run(results, 2_000_000, quick ? 3 : 10); return Task.CompletedTask; });
                await Step("store", () => { StoreScenario.Run(results, work, quick ? 4_000 : 20_000, quick ? 10_000 : 100_000); return Task.CompletedTask; });
                await Step("docker", () => DockerScenarios.RunAsync(results, work, quick));
                await Step("issue18", () => Issue18Scenarios.RunAsync(results, work, quick));
                await Step("docker-throughput", () => DockerScenarios.ThroughputOnlyAsync(results, work));
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(work, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            results.FinishedAt = DateTimeOffset.UtcNow;
            results.Save(output);
            Console.WriteLine("wrote " + output);
            return 0;
        }
    }
}
