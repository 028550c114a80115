using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Optimization.Bench
{
    /// <summary>
    /// --calibration: how often the engine's suggestions reach their <see cref="SearchSuggestion.ExpectedScore"/>,
    /// by stated confidence (a reliability table), over seeds, symbols and both strategies, in sample.
    /// </summary>
    internal static class Calibration
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

        public static string Run(string dataDir, string[] symbols, string[] strategies, int seeds, int trials)
        {
            var records = new List<(double Confidence, bool Met)>();
            foreach (var strategy in strategies)
            {
                var space = SearchSpace.For(strategy);
                foreach (var symbol in symbols)
                {
                    var objective = new BacktestObjective(CsvPriceReader.ReadFile(Path.Combine(dataDir, symbol + ".csv")), strategy, 0.7);
                    for (var seed = 1; seed <= seeds; seed++)
                    {
                        var history = new List<SearchObservation>();
                        while (history.Count < trials)
                        {
                            var s = BayesianSearch.Suggest(space, history, seed)[0];
                            var score = objective.Score(s.Parameters).InSample;
                            if (!double.IsNaN(s.ExpectedScore))
                            {
                                records.Add((s.Confidence, score >= s.ExpectedScore));
                            }

                            history.Add(new SearchObservation(s.Parameters, score));
                        }
                    }
                }
            }

            var text = new StringBuilder();
            text.AppendLine("| Stated confidence | Suggestions | Reached the expected score |");
            text.AppendLine("|---|---:|---:|");
            for (var bin10 = 0; bin10 < 10; bin10++)
            {
                var lo = bin10 / 10.0;
                var bin = records.Where(r => r.Confidence >= lo && (r.Confidence < lo + 0.1 || bin10 == 9)).ToList();
                text.AppendLine(string.Format(Inv, "| {0:0.0} – {1:0.0} | {2} | {3} |", lo, lo + 0.1, bin.Count, bin.Count == 0 ? "–" : (bin.Count(r => r.Met) / (double)bin.Count).ToString("P0", Inv)));
            }

            text.AppendLine();
            foreach (var c in new[] { 0.5, 0.6, 0.7, 0.8, 0.9 })
            {
                var above = records.Where(r => r.Confidence >= c).ToList();
                text.AppendLine(string.Format(Inv, "- confidence ≥ {0:0.0}: {1} suggestions, {2} reached their expected score.", c, above.Count, above.Count == 0 ? "–" : (above.Count(r => r.Met) / (double)above.Count).ToString("P1", Inv)));
            }

            return text.ToString();
        }
    }
}
