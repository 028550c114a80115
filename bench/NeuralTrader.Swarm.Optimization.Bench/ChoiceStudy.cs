using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Optimization.Bench
{
    /// <summary>
    /// Diagnostic (--study): on the same search histories, the out-of-sample score of different final-choice rules,
    /// over several tuning splits, so a rule is picked on splits other than the reported one.
    /// </summary>
    internal static class ChoiceStudy
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static int Run(string dataDir, string[] symbols, string[] strategies, int seeds, int trials, double[] splits, int threads)
        {
            var rules = new List<(string Name, Func<SearchSpace, List<SearchObservation>, IReadOnlyDictionary<string, double>> Choose)>
            {
                ("best", (s, h) => h.Aggregate((a, b) => b.Score > a.Score ? b : a).Parameters),
            };
            foreach (var radius in new[] { 0.0, 0.06, 0.15 })
            {
                foreach (var penalty in new[] { 0.0, 0.5, 1.0 })
                {
                    var options = new SearchOptions { Neighbourhood = radius, RobustPenalty = penalty };
                    rules.Add((string.Format(Inv, "neighbourhood {0} penalty {1}", radius, penalty), (s, h) => BayesianSearch.Recommend(s, h, options).Parameters));
                }
            }

            BacktestObjective? current = null;
            IReadOnlyDictionary<string, double> ByFolds(List<SearchObservation> h, Func<double[], double> value) =>
                h.Select(o => (o.Parameters, Value: value(current!.Folds(o.Parameters, 3)))).Aggregate((a, b) => b.Value > a.Value ? b : a).Parameters;
            rules.Add(("fold-min", (s, h) => ByFolds(h, f => f.Min())));
            rules.Add(("fold-mean-sd", (s, h) => ByFolds(h, f => f.Average() - Math.Sqrt(f.Select(v => (v - f.Average()) * (v - f.Average())).Sum() / (f.Length - 1)))));
            rules.Add(("fold-last", (s, h) => ByFolds(h, f => f[f.Length - 1])));
            rules.Add(("robust-on-fold-min", (s, h) => BayesianSearch.Recommend(s, h.Select(o => new SearchObservation(o.Parameters, current!.Folds(o.Parameters, 3).Min())).ToList()).Parameters));
            rules.Add(("robust-on-fold-mean-sd", (s, h) => BayesianSearch.Recommend(s, h.Select(o => { var f = current!.Folds(o.Parameters, 3); return new SearchObservation(o.Parameters, f.Average() - Math.Sqrt(f.Select(v => (v - f.Average()) * (v - f.Average())).Sum() / 2)); }).ToList()).Parameters));

            var totals = new Dictionary<string, List<double>>();
            foreach (var strategy in strategies)
            {
                var space = SearchSpace.For(strategy);
                foreach (var symbol in symbols)
                {
                    var series = CsvPriceReader.ReadFile(Path.Combine(dataDir, symbol + ".csv"));
                    foreach (var split in splits)
                    {
                        var objective = new BacktestObjective(series, strategy, split);
                        current = objective;
                        foreach (var searcher in new[] { "engine", "tpe" })
                        {
                            var oos = new double[rules.Count][];
                            for (var r = 0; r < rules.Count; r++)
                            {
                                oos[r] = new double[seeds];
                            }

                            Parallel.For(0, seeds, new ParallelOptions { MaxDegreeOfParallelism = threads }, seed =>
                            {
                                ISearchMethod method = searcher == "engine" ? new EngineSearch(space, seed + 1, true, "engine") : (ISearchMethod)new TpeSearch(space, seed + 1);
                                var history = new List<SearchObservation>();
                                while (history.Count < trials)
                                {
                                    foreach (var p in method.Next(history, 1))
                                    {
                                        history.Add(new SearchObservation(p, objective.Score(p).InSample));
                                    }
                                }

                                for (var r = 0; r < rules.Count; r++)
                                {
                                    oos[r][seed] = objective.Score(rules[r].Choose(space, history)).OutOfSample;
                                }
                            });

                            var line = string.Format(Inv, "{0,-15} {1,-5} {2:0.0} {3,-6}", strategy, symbol, split, searcher);
                            var baseline = Median(oos[0]);
                            for (var r = 0; r < rules.Count; r++)
                            {
                                var key = searcher + " " + rules[r].Name;
                                if (!totals.TryGetValue(key, out var list))
                                {
                                    totals[key] = list = new List<double>();
                                }

                                list.Add(Median(oos[r]) - baseline);
                            }

                            Console.WriteLine(line + " best-trial OOS median " + baseline.ToString("0.000", Inv));
                        }
                    }
                }
            }

            Console.WriteLine();
            Console.WriteLine("Rule: mean and count>0 of (median OOS of rule - median OOS of best trial), over strategy x symbol x split cases");
            foreach (var pair in totals.OrderByDescending(p => p.Value.Average()))
            {
                Console.WriteLine(string.Format(Inv, "{0,-26} mean {1:+0.000;-0.000}  better in {2}/{3}  worst {4:+0.000;-0.000}", pair.Key, pair.Value.Average(), pair.Value.Count(v => v > 0), pair.Value.Count, pair.Value.Min()));
            }

            return 0;
        }

        private static double Median(double[] values)
        {
            var sorted = values.OrderBy(v => v).ToArray();
            var mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
        }
    }
}
