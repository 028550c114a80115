using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Optimization.Bench
{
    /// <summary>
    /// bench/optimization.sh drives this program. For each strategy and bundled symbol, every method runs
    /// <c>--trials</c> trials per seed on the in-sample window (the first 70 % of the bars), its choice is then scored
    /// on the out-of-sample window (the last 30 %); the Markdown report has the medians over seeds, repeated points
    /// and bound hits.
    ///   --seeds N (30)  --trials N (30)  --symbols SPY,QQQ,IWM,TSLA  --strategies momentum,mean-reversion
    ///   --methods engine,tpe,random,engine-best,engine-batch4  --space default|full  --threads N (1)
    ///   --grid (also search a fine grid for the in-sample optimum)  --out FILE.md  --verbose (every run's choice)
    ///   --split F (tuning share, 0.7)  --initial N (the engine's space-filling start; 0: its default)
    /// Diagnostics: --calibration (reliability of the confidence), --correlation (how in-sample scores relate to
    /// out-of-sample ones), --study [--splits 0.5,0.6] (final-choice rules on the same histories), --landscape.
    /// </summary>
    public static class Program
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        private static bool Verbose { get; set; }

        private static int Initial { get; set; }

        public static int Main(string[] args)
        {
            var seeds = int.Parse(Arg(args, "--seeds") ?? "30", Inv);
            var trials = int.Parse(Arg(args, "--trials") ?? "30", Inv);
            var symbols = (Arg(args, "--symbols") ?? "SPY,QQQ,IWM,TSLA").Split(',');
            var strategies = (Arg(args, "--strategies") ?? "momentum,mean-reversion").Split(',');
            var methods = (Arg(args, "--methods") ?? "engine,tpe,random,engine-best,engine-batch4").Split(',');
            var full = string.Equals(Arg(args, "--space"), "full", StringComparison.OrdinalIgnoreCase);
            var threads = int.Parse(Arg(args, "--threads") ?? "1", Inv);
            var grid = args.Contains("--grid");
            var output = Arg(args, "--out");
            var dataDir = Arg(args, "--data") ?? Path.Combine(AppContext.BaseDirectory, "data");
            Verbose = args.Contains("--verbose");
            Initial = int.Parse(Arg(args, "--initial") ?? "0", Inv);

            if (args.Contains("--landscape"))
            {
                return Landscape(dataDir, symbols, strategies[0], full);
            }

            if (args.Contains("--correlation"))
            {
                Console.WriteLine(Correlation(dataDir, symbols, strategies, full));
                return 0;
            }

            if (args.Contains("--calibration"))
            {
                Console.WriteLine(Calibration.Run(dataDir, symbols, strategies, seeds, trials));
                return 0;
            }

            if (args.Contains("--study"))
            {
                var splits = (Arg(args, "--splits") ?? "0.5,0.6").Split(',').Select(v => double.Parse(v, Inv)).ToArray();
                return ChoiceStudy.Run(dataDir, symbols, strategies, seeds, trials, splits, threads);
            }

            var started = DateTime.UtcNow;
            var report = new StringBuilder();
            report.AppendLine("# Optimisation benchmark " + started.ToString("yyyy-MM-dd HH:mm", Inv) + " UTC").AppendLine();
            report.AppendLine(string.Format(Inv, "{0} trials, {1} seeds per symbol, {2} space, {3} threads, {4} cores, {5}.", trials, seeds, full ? "full (catalogue)" : "default", threads, Environment.ProcessorCount, System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription));
            report.AppendLine("Score: annualised Sharpe ratio of the strategy's daily equity returns on the window (the backtester's definition). In sample = first 70 % of the bars, out of sample = the last 30 %.").AppendLine();

            foreach (var strategy in strategies)
            {
                var space = full ? SearchSpace.Full(strategy) : SearchSpace.For(strategy);
                report.AppendLine("## " + strategy).AppendLine();
                report.AppendLine("Space: " + string.Join("; ", space.Dimensions.Select(d => d.ToString()))).AppendLine();
                report.AppendLine("| Symbol | Method | IS best (median) | IS of choice | OOS of choice (median) | OOS p25..p75 | OOS > B&H | Repeats | Bound hits | ms/trial |");
                report.AppendLine("|---|---|---:|---:|---:|---|---:|---:|---:|---:|");
                var verdicts = new List<string>();
                foreach (var symbol in symbols)
                {
                    var series = CsvPriceReader.ReadFile(Path.Combine(dataDir, symbol + ".csv"));
                    var objective = new BacktestObjective(series, strategy, double.Parse(Arg(args, "--split") ?? "0.7", Inv));
                    var checkPoints = Enumerable.Range(0, 8).Select(i => (IReadOnlyDictionary<string, double>)space.Dimensions.ToDictionary(d => d.Name, d => d.FromUnit(((i * 0.37) + 0.1) % 1), StringComparer.Ordinal)).ToList();
                    checkPoints.Add(space.Defaults);
                    var check = objective.SelfCheck(checkPoints);
                    Console.WriteLine(string.Format(Inv, "[{0:HH:mm:ss}] {1} {2}: IS {3}, OOS {4}; self-check |IS - backtester| = {5:E1}", DateTime.Now, strategy, symbol, objective.InSampleText, objective.OutOfSampleText, check));
                    if (check > 1e-9)
                    {
                        throw new InvalidOperationException("The in-sample score disagrees with the backtester's own Sharpe by " + check.ToString("E2", Inv) + ".");
                    }

                    double? gridBest = grid ? GridOptimum(space, objective) : (double?)null;
                    var summaries = new Dictionary<string, Summary>();
                    foreach (var method in methods)
                    {
                        var runs = new ConcurrentBag<RunResult>();
                        Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = threads }, seed =>
                            runs.Add(RunOne(Create(method, space, seed + 1), method.EndsWith("-batch4", StringComparison.Ordinal) ? 4 : 1, space, objective, trials)));
                        var summary = new Summary(runs.ToList(), objective.BuyAndHoldOutOfSample);
                        summaries[method] = summary;
                        report.AppendLine(string.Format(
                            Inv,
                            "| {0} | {1} | {2:0.000} | {3:0.000} | {4:0.000} | {5:0.000}..{6:0.000} | {7}/{8} | {9} | {10}/{11} | {12:0.0} |",
                            symbol,
                            method,
                            summary.BestInSample,
                            summary.ChoiceInSample,
                            summary.ChoiceOutOfSample,
                            summary.OutOfSampleP25,
                            summary.OutOfSampleP75,
                            summary.BeatBuyAndHold,
                            summary.Runs,
                            summary.Repeats,
                            summary.BoundHits,
                            summary.Trials,
                            summary.MsPerTrial));
                        Console.WriteLine(string.Format(Inv, "  {0,-14} IS best {1:0.000}  OOS {2:0.000}  repeats {3}  bound {4}/{5}  {6:0.0} ms/trial", method, summary.BestInSample, summary.ChoiceOutOfSample, summary.Repeats, summary.BoundHits, summary.Trials, summary.MsPerTrial));
                    }

                    report.AppendLine(string.Format(
                        Inv,
                        "| {0} | buy-and-hold{1} | {2:0.000} | | {3:0.000} | | | | | |",
                        symbol,
                        gridBest.HasValue ? string.Format(Inv, " (grid IS optimum {0:0.000})", gridBest.Value) : string.Empty,
                        objective.BuyAndHoldInSample,
                        objective.BuyAndHoldOutOfSample));
                    if (summaries.TryGetValue("engine", out var engine) && summaries.TryGetValue("tpe", out var tpe))
                    {
                        verdicts.Add(string.Format(
                            Inv,
                            "- {0}: in sample engine {1:0.000} vs TPE {2:0.000} ({3}); out of sample {4:0.000} vs {5:0.000} ({6}); engine repeats {7}.",
                            symbol,
                            engine.BestInSample,
                            tpe.BestInSample,
                            Compare(engine.BestInSample, tpe.BestInSample),
                            engine.ChoiceOutOfSample,
                            tpe.ChoiceOutOfSample,
                            Compare(engine.ChoiceOutOfSample, tpe.ChoiceOutOfSample),
                            engine.Repeats));
                    }
                }

                report.AppendLine().AppendLine(string.Join(Environment.NewLine, verdicts)).AppendLine();
            }

            report.AppendLine(string.Format(Inv, "Run time {0:0.0} min.", (DateTime.UtcNow - started).TotalMinutes));
            Console.WriteLine();
            Console.WriteLine(report.ToString());
            if (output != null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
                File.WriteAllText(output, report.ToString());
                Console.WriteLine("written to " + output);
            }

            return 0;
        }

        /// <summary>Ahead, level (within 1 % of the other's size, at least 0.001) or behind, at the precision the table shows.</summary>
        private static string Compare(double engine, double other)
        {
            var margin = Math.Max(0.001, 0.01 * Math.Abs(other));
            return engine >= other + 0.0005 ? "ahead" : engine >= other - margin ? "level" : "behind";
        }

        private static ISearchMethod Create(string method, SearchSpace space, int seed)
        {
            switch (method)
            {
                case "engine":
                    return new EngineSearch(space, seed, robustChoice: true, method, new SearchOptions { InitialTrials = Initial });
                case "engine-best":
                    return new EngineSearch(space, seed, robustChoice: false, method);
                case "engine-batch4":
                    return new EngineSearch(space, seed, robustChoice: true, method);
                case "tpe":
                    return new TpeSearch(space, seed);
                case "random":
                    return new RandomSearch(space, seed);
                default:
                    throw new ArgumentException("Unknown method '" + method + "' (engine, engine-best, engine-batch4, tpe, random).");
            }
        }

        private static RunResult RunOne(ISearchMethod method, int batch, SearchSpace space, BacktestObjective objective, int trials)
        {
            var history = new List<SearchObservation>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var repeats = 0;
            var bounds = 0;
            var watch = Stopwatch.StartNew();
            double searchMs = 0;
            while (history.Count < trials)
            {
                var before = watch.Elapsed.TotalMilliseconds;
                var next = method.Next(history, Math.Min(batch, trials - history.Count));
                searchMs += watch.Elapsed.TotalMilliseconds - before;
                if (next.Count == 0)
                {
                    break;
                }

                var scored = new List<SearchObservation>();
                foreach (var p in next)
                {
                    if (!seen.Add(space.KeyOf(p)))
                    {
                        repeats++;
                    }

                    if (space.IsOnBound(p))
                    {
                        bounds++;
                    }

                    scored.Add(new SearchObservation(p, objective.Score(p).InSample));
                }

                history.AddRange(scored);
            }

            var choice = method.Choose(history);

            var (choiceIn, choiceOut) = objective.Score(choice);
            if (Verbose)
            {
                Console.WriteLine(string.Format(Inv, "    {0,-14} choice {1}  IS {2:0.000}  OOS {3:0.000}", method.Name, string.Join(" ", choice.Select(p => p.Key + "=" + p.Value.ToString("0.###", Inv))), choiceIn, choiceOut));
            }

            return new RunResult(history.Max(o => o.Score), choiceIn, choiceOut, repeats, bounds, history.Count, searchMs);
        }

        /// <summary>The best in-sample score over the space's grid (every lookback, every step of the other parameters up to 60 values each).</summary>
        private static double GridOptimum(SearchSpace space, BacktestObjective objective)
        {
            var axes = space.Dimensions.Select(d =>
            {
                var values = new SortedSet<double>();
                var n = d.Kind == Core.Learning.ParameterKind.Integer ? (int)(d.Max - d.Min) + 1 : 60;
                for (var i = 0; i < n; i++)
                {
                    values.Add(d.FromUnit(n == 1 ? 0.5 : i / (double)(n - 1)));
                }

                for (var v = d.Min; d.Kind == Core.Learning.ParameterKind.Integer && v <= d.Max; v++)
                {
                    values.Add(v);
                }

                return values.ToArray();
            }).ToArray();
            var best = double.NegativeInfinity;
            var index = new int[axes.Length];
            var points = new List<Dictionary<string, double>>();
            while (true)
            {
                points.Add(space.Dimensions.Select((d, j) => (d.Name, axes[j][index[j]])).ToDictionary(t => t.Name, t => t.Item2, StringComparer.Ordinal));
                var j2 = 0;
                while (j2 < axes.Length && ++index[j2] == axes[j2].Length)
                {
                    index[j2] = 0;
                    j2++;
                }

                if (j2 == axes.Length)
                {
                    break;
                }
            }

            var scores = new double[points.Count];
            Parallel.For(0, points.Count, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i => scores[i] = objective.Score(points[i]).InSample);
            best = scores.Max();
            var arg = Array.IndexOf(scores, best);
            Console.WriteLine(string.Format(Inv, "  grid: {0} points, IS optimum {1:0.000} at {2} (OOS there {3:0.000})", points.Count, best, string.Join(" ", points[arg].Select(p => p.Key + "=" + p.Value.ToString("0.###", Inv))), objective.Score(points[arg]).OutOfSample));
            return best;
        }

        /// <summary>
        /// Diagnostic (--correlation): over 2,000 uniform random points of the space, how in-sample scores relate to
        /// out-of-sample ones (Spearman rank correlation) and the mean out-of-sample score of the best in-sample tenth and hundredth.
        /// </summary>
        private static string Correlation(string dataDir, string[] symbols, string[] strategies, bool full)
        {
            var text = new StringBuilder();
            text.AppendLine("| Strategy | Symbol | Spearman(IS, OOS) | OOS mean, all | OOS mean, best IS 10 % | OOS mean, best IS 1 % |");
            text.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var strategy in strategies)
            {
                var space = full ? SearchSpace.Full(strategy) : SearchSpace.For(strategy);
                foreach (var symbol in symbols)
                {
                    var objective = new BacktestObjective(CsvPriceReader.ReadFile(Path.Combine(dataDir, symbol + ".csv")), strategy, 0.7);
                    var random = new Random(1);
                    var points = Enumerable.Range(0, 2000).Select(_ => space.Dimensions.ToDictionary(d => d.Name, d => d.FromUnit(random.NextDouble()), StringComparer.Ordinal)).ToList();
                    var scores = points.Select(p => objective.Score(p)).ToList();
                    double[] Ranks(IList<double> v)
                    {
                        var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToArray();
                        var r = new double[v.Count];
                        for (var i = 0; i < order.Length; i++)
                        {
                            r[order[i]] = i;
                        }

                        return r;
                    }

                    var a = Ranks(scores.Select(s => s.InSample).ToList());
                    var b = Ranks(scores.Select(s => s.OutOfSample).ToList());
                    var ma = a.Average();
                    var mb = b.Average();
                    var rho = a.Zip(b, (x, y) => (x - ma) * (y - mb)).Sum() / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
                    var byIs = scores.OrderByDescending(s => s.InSample).ToList();
                    text.AppendLine(string.Format(Inv, "| {0} | {1} | {2:0.00} | {3:0.000} | {4:0.000} | {5:0.000} |", strategy, symbol, rho, scores.Average(s => s.OutOfSample), byIs.Take(200).Average(s => s.OutOfSample), byIs.Take(20).Average(s => s.OutOfSample)));
                }
            }

            return text.ToString();
        }

        /// <summary>Diagnostic: in- and out-of-sample scores over a coarse grid of the first two dimensions (others at their defaults).</summary>
        private static int Landscape(string dataDir, string[] symbols, string strategy, bool full)
        {
            var space = full ? SearchSpace.Full(strategy) : SearchSpace.For(strategy);
            var a = space.Dimensions[0];
            var b = space.Dimensions[1];
            foreach (var symbol in symbols)
            {
                var objective = new BacktestObjective(CsvPriceReader.ReadFile(Path.Combine(dataDir, symbol + ".csv")), strategy, 0.7);
                foreach (var window in new[] { "IS", "OOS" })
                {
                    Console.WriteLine(symbol + " " + window + ": rows " + a.Name + ", columns " + b.Name);
                    var columns = Enumerable.Range(0, 11).Select(j => b.FromUnit(j / 10.0)).ToArray();
                    Console.WriteLine("        " + string.Join(" ", columns.Select(c => c.ToString("0.###", Inv).PadLeft(6))));
                    for (var i = 0; i <= 20; i++)
                    {
                        var av = a.FromUnit(i / 20.0);
                        var cells = columns.Select(c =>
                        {
                            var p = new Dictionary<string, double>(space.Defaults.ToDictionary(x => x.Key, x => x.Value), StringComparer.Ordinal) { [a.Name] = av, [b.Name] = c };
                            var (inS, outS) = objective.Score(p);
                            return (window == "IS" ? inS : outS).ToString("0.00", Inv).PadLeft(6);
                        });
                        Console.WriteLine(av.ToString("0.###", Inv).PadLeft(7) + " " + string.Join(" ", cells));
                    }
                }
            }

            return 0;
        }

        private static string? Arg(string[] args, string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        private sealed class RunResult
        {
            public RunResult(double bestIn, double choiceIn, double choiceOut, int repeats, int bounds, int trials, double searchMs)
            {
                BestIn = bestIn;
                ChoiceIn = choiceIn;
                ChoiceOut = choiceOut;
                Repeats = repeats;
                Bounds = bounds;
                Trials = trials;
                SearchMs = searchMs;
            }

            public double BestIn { get; }

            public double ChoiceIn { get; }

            public double ChoiceOut { get; }

            public int Repeats { get; }

            public int Bounds { get; }

            public int Trials { get; }

            public double SearchMs { get; }
        }

        private sealed class Summary
        {
            public Summary(List<RunResult> runs, double buyAndHoldOut)
            {
                Runs = runs.Count;
                BestInSample = Median(runs.Select(r => r.BestIn));
                ChoiceInSample = Median(runs.Select(r => r.ChoiceIn));
                ChoiceOutOfSample = Median(runs.Select(r => r.ChoiceOut));
                OutOfSampleP25 = Quantile(runs.Select(r => r.ChoiceOut), 0.25);
                OutOfSampleP75 = Quantile(runs.Select(r => r.ChoiceOut), 0.75);
                BeatBuyAndHold = runs.Count(r => r.ChoiceOut > buyAndHoldOut);
                Repeats = runs.Sum(r => r.Repeats);
                BoundHits = runs.Sum(r => r.Bounds);
                Trials = runs.Sum(r => r.Trials);
                MsPerTrial = runs.Sum(r => r.SearchMs) / Math.Max(1, Trials);
            }

            public int Runs { get; }

            public double BestInSample { get; }

            public double ChoiceInSample { get; }

            public double ChoiceOutOfSample { get; }

            public double OutOfSampleP25 { get; }

            public double OutOfSampleP75 { get; }

            public int BeatBuyAndHold { get; }

            public int Repeats { get; }

            public int BoundHits { get; }

            public int Trials { get; }

            public double MsPerTrial { get; }

            private static double Median(IEnumerable<double> values) => Quantile(values, 0.5);

            private static double Quantile(IEnumerable<double> values, double q)
            {
                var sorted = values.OrderBy(v => v).ToArray();
                var pos = q * (sorted.Length - 1);
                var lo = (int)Math.Floor(pos);
                var hi = Math.Min(sorted.Length - 1, lo + 1);
                return sorted[lo] + ((pos - lo) * (sorted[hi] - sorted[lo]));
            }
        }
    }
}
