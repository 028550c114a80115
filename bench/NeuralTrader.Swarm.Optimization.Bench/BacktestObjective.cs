using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Optimization.Bench
{
    /// <summary>
    /// The score of a parameter set on one symbol, from the project's backtester run in-process: the annualised Sharpe
    /// ratio of the strategy's daily equity returns (mean / sample deviation × √252, the backtester's own definition),
    /// in sample on the first <c>tuneFraction</c> of the bars and out of sample on the rest. One backtest over the whole
    /// series gives both: a decision on bar t uses bars up to t only, so the in-sample part equals a backtest that ends at
    /// the split (checked by <see cref="SelfCheck"/>), and the out-of-sample returns are those of the strategy as it runs
    /// on past the split (its indicators warm up on bars before it; a position open at the split is carried in).
    /// Deterministic, so results are cached.
    /// </summary>
    internal sealed class BacktestObjective
    {
        private readonly PriceSeries _series;
        private readonly ConcurrentDictionary<string, (double InSample, double OutOfSample)> _cache = new ConcurrentDictionary<string, (double, double)>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, double[]> _folds = new ConcurrentDictionary<string, double[]>(StringComparer.Ordinal);

        public BacktestObjective(PriceSeries series, string strategy, double tuneFraction)
        {
            _series = series;
            Strategy = strategy;
            Split = (int)Math.Round(series.Count * tuneFraction);
            BuyAndHoldInSample = Sharpe(series.Close, 1, Split);
            BuyAndHoldOutOfSample = Sharpe(series.Close, Split, series.Count);
        }

        public string Strategy { get; }

        public string Symbol => _series.Symbol;

        /// <summary>First bar of the out-of-sample window.</summary>
        public int Split { get; }

        public int Bars => _series.Count;

        public string InSampleText => DateOf(0) + " .. " + DateOf(Split - 1);

        public string OutOfSampleText => DateOf(Split) + " .. " + DateOf(_series.Count - 1);

        public double BuyAndHoldInSample { get; }

        public double BuyAndHoldOutOfSample { get; }

        public int Evaluations => _cache.Count;

        public (double InSample, double OutOfSample) Score(IReadOnlyDictionary<string, double> parameters) =>
            _cache.GetOrAdd(Key(parameters), _ => Run(parameters));

        /// <summary>Sharpe on each of <paramref name="count"/> equal consecutive parts of the in-sample window.</summary>
        public double[] Folds(IReadOnlyDictionary<string, double> parameters, int count) =>
            _folds.GetOrAdd(Key(parameters) + "#" + count.ToString(CultureInfo.InvariantCulture), _ =>
            {
                var result = StrategyCatalog.Run(Strategy, _series, Arguments(parameters), new RunOptions { IncludeTrades = false, EquityPoints = _series.Count });
                var equity = result.Equity.Select(e => e.Equity).ToArray();
                var folds = new double[count];
                for (var f = 0; f < count; f++)
                {
                    var from = 1 + ((Split - 1) * f / count);
                    var to = 1 + ((Split - 1) * (f + 1) / count);
                    folds[f] = Sharpe(equity, from, to);
                }

                return folds;
            });

        /// <summary>The largest difference between the in-sample score and the backtester's own Sharpe on a run that ends at the split.</summary>
        public double SelfCheck(IEnumerable<IReadOnlyDictionary<string, double>> samples)
        {
            double worst = 0;
            foreach (var p in samples)
            {
                var args = Arguments(p);
                args["end"] = DateOf(Split - 1);
                var own = StrategyCatalog.Run(Strategy, _series, args, new RunOptions { IncludeTrades = false, EquityPoints = 0 }).Metrics.Sharpe;
                worst = Math.Max(worst, Math.Abs(own - Score(p).InSample));
            }

            return worst;
        }

        private (double, double) Run(IReadOnlyDictionary<string, double> parameters)
        {
            var result = StrategyCatalog.Run(Strategy, _series, Arguments(parameters), new RunOptions { IncludeTrades = false, EquityPoints = _series.Count });
            var equity = result.Equity.Select(e => e.Equity).ToArray();
            if (equity.Length != _series.Count)
            {
                throw new InvalidOperationException("The backtester returned " + equity.Length + " equity points for " + _series.Count + " bars.");
            }

            return (Sharpe(equity, 1, Split), Sharpe(equity, Split, equity.Length));
        }

        private string DateOf(int bar) => _series.Dates[bar].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private static Dictionary<string, object?> Arguments(IReadOnlyDictionary<string, double> parameters) =>
            parameters.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal);

        /// <summary>Sharpe of the returns levels[t] / levels[t-1] - 1 for t in [from, to).</summary>
        internal static double Sharpe(double[] levels, int from, int to)
        {
            var m = to - from;
            if (m < 2)
            {
                return 0;
            }

            double mean = 0;
            var r = new double[m];
            for (var t = from; t < to; t++)
            {
                r[t - from] = levels[t - 1] == 0 ? 0 : (levels[t] / levels[t - 1]) - 1;
                mean += r[t - from];
            }

            mean /= m;
            double ss = 0;
            foreach (var v in r)
            {
                ss += (v - mean) * (v - mean);
            }

            var sd = Math.Sqrt(ss / (m - 1));
            return sd > 1e-15 ? mean / sd * Math.Sqrt(252.0) : 0;
        }

        private static string Key(IReadOnlyDictionary<string, double> parameters) =>
            string.Join(";", parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value.ToString("R", CultureInfo.InvariantCulture)));
    }
}
