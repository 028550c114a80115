using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>
    /// The tunable parameters of a strategy. <see cref="For"/> gives the ranges traders use (docs/learning-search.md
    /// says why each), <see cref="Full"/> the strategy catalogue's whole range for users who widen. Money management,
    /// costs, dates and seeds are never searched: they are the user's choice, not something to fit to a score.
    /// </summary>
    internal sealed class SearchSpace
    {
        private readonly Dictionary<string, int> _index;

        /// <summary>Creates a space.</summary>
        /// <param name="dimensions">The dimensions; names must be unique (case-insensitive).</param>
        /// <exception cref="ArgumentException">No dimensions, or a name used twice.</exception>
        public SearchSpace(IEnumerable<SearchDimension> dimensions)
        {
            Dimensions = (dimensions ?? throw new ArgumentNullException(nameof(dimensions))).ToList();
            if (Dimensions.Count == 0)
            {
                throw new ArgumentException("A search space needs at least one dimension.", nameof(dimensions));
            }

            _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < Dimensions.Count; i++)
            {
                if (_index.ContainsKey(Dimensions[i].Name))
                {
                    throw new ArgumentException("Parameter '" + Dimensions[i].Name + "' appears twice in the search space.", nameof(dimensions));
                }

                _index.Add(Dimensions[i].Name, i);
            }
        }

        /// <summary>The dimensions, in order.</summary>
        public IReadOnlyList<SearchDimension> Dimensions { get; }

        /// <summary>The defaults of every dimension.</summary>
        public IReadOnlyDictionary<string, double> Defaults => Dimensions.ToDictionary(d => d.Name, d => d.Default, StringComparer.Ordinal);

        /// <summary>
        /// The ranges traders use for a built-in strategy: momentum lookback 5–250 bars (a week to a year, log scale)
        /// and threshold 0–10 %; mean-reversion lookback 5–120 bars (log), entryZ 0.5–3, exitZ −1–1; neural-forecast
        /// lags 1–10, hidden 2–16, trainWindow 60–1000, retrainEvery 5–60, epochs 5–50, learningRate 0.0001–0.1 (log),
        /// threshold 0–1 %. Defaults are the catalogue's.
        /// </summary>
        /// <param name="strategy">A built-in strategy type (case-insensitive).</param>
        /// <returns>The default search space.</returns>
        /// <exception cref="StrategyException">Unknown strategy.</exception>
        public static SearchSpace For(string strategy)
        {
            var info = StrategyCatalog.Get(strategy);
            switch (info.Name)
            {
                case StrategyCatalog.Momentum:
                    return Build(info, ("lookback", 5, 250, SearchScale.Log, 1), ("threshold", 0, 0.1, SearchScale.Linear, 0.001));
                case StrategyCatalog.MeanReversion:
                    return Build(info, ("lookback", 5, 120, SearchScale.Log, 1), ("entryZ", 0.5, 3, SearchScale.Linear, 0.05), ("exitZ", -1, 1, SearchScale.Linear, 0.05));
                default:
                    return Build(
                        info,
                        ("lags", 1, 10, SearchScale.Linear, 1),
                        ("hidden", 2, 16, SearchScale.Linear, 1),
                        ("trainWindow", 60, 1000, SearchScale.Log, 10),
                        ("retrainEvery", 5, 60, SearchScale.Log, 1),
                        ("epochs", 5, 50, SearchScale.Log, 1),
                        ("learningRate", 0.0001, 0.1, SearchScale.Log, 0),
                        ("threshold", 0, 0.01, SearchScale.Linear, 0.0005));
            }
        }

        /// <summary>
        /// The catalogue's whole range for every tunable parameter of a built-in strategy (lookbacks and learning
        /// rates on a log scale; numbers at a thousandth of their range).
        /// </summary>
        /// <param name="strategy">A built-in strategy type (case-insensitive).</param>
        /// <returns>The full search space.</returns>
        /// <exception cref="StrategyException">Unknown strategy.</exception>
        public static SearchSpace Full(string strategy)
        {
            var info = StrategyCatalog.Get(strategy);
            var own = For(info.Name);
            return new SearchSpace(own.Dimensions.Select(d =>
            {
                var p = Catalogued(info, d.Name);
                var step = d.Kind == ParameterKind.Integer ? d.Step : d.Scale == SearchScale.Log ? 0 : (p.Max!.Value - p.Min!.Value) / 1000;
                return new SearchDimension(d.Name, d.Kind, p.Min!.Value, p.Max!.Value, p.Default ?? d.Default, d.Scale, step);
            }));
        }

        /// <summary>This space with one dimension's range replaced, e.g. to widen a lookback beyond the default range.</summary>
        /// <param name="name">The parameter.</param>
        /// <param name="min">New minimum.</param>
        /// <param name="max">New maximum.</param>
        /// <returns>The new space.</returns>
        /// <exception cref="ArgumentException">The parameter is not in the space, or the range is invalid.</exception>
        public SearchSpace WithRange(string name, double min, double max)
        {
            var i = IndexOf(name);
            return new SearchSpace(Dimensions.Select((d, j) => j == i ? d.WithRange(min, max) : d));
        }

        /// <summary>
        /// This space with each range widened just enough to hold the given values (a value a user holds fixed may lie
        /// outside the default range yet inside the catalogue's); names the space does not search are ignored.
        /// </summary>
        /// <param name="values">Parameter values to cover.</param>
        /// <returns>The widened space (this one when nothing needs widening).</returns>
        public SearchSpace Covering(IReadOnlyDictionary<string, double>? values)
        {
            if (values is null || !Dimensions.Any(d => values.TryGetValue(d.Name, out var v) && (v < d.Min || v > d.Max)))
            {
                return this;
            }

            return new SearchSpace(Dimensions.Select(d => values.TryGetValue(d.Name, out var v) && (v < d.Min || v > d.Max)
                ? d.WithRange(Math.Min(d.Min, v), Math.Max(d.Max, v))
                : d));
        }

        /// <summary>The position of a parameter.</summary>
        /// <param name="name">Parameter name (case-insensitive).</param>
        /// <returns>Its index in <see cref="Dimensions"/>.</returns>
        /// <exception cref="ArgumentException">The parameter is not in the space.</exception>
        public int IndexOf(string name) => name != null && _index.TryGetValue(name, out var i)
            ? i
            : throw new ArgumentException("Parameter '" + name + "' is not in the search space (" + string.Join(", ", Dimensions.Select(d => d.Name)) + ").", nameof(name));

        /// <summary>True when the parameter is in the space.</summary>
        /// <param name="name">Parameter name (case-insensitive).</param>
        /// <returns>Whether it is searched.</returns>
        public bool Contains(string name) => name != null && _index.ContainsKey(name);

        /// <summary>
        /// The identity of a parameter set at the space's resolution: every dimension snapped (a missing one takes
        /// its default). Parameters outside the space are ignored.
        /// </summary>
        /// <param name="parameters">Parameter values.</param>
        /// <returns>A key; equal keys are the same point.</returns>
        public string KeyOf(IReadOnlyDictionary<string, double> parameters)
        {
            var key = new StringBuilder();
            foreach (var d in Dimensions)
            {
                key.Append(d.KeyOf(ValueOf(parameters, d))).Append(';');
            }

            return key.ToString();
        }

        /// <summary>True when any dimension of the parameter set sits on a bound of its range.</summary>
        /// <param name="parameters">Parameter values.</param>
        /// <returns>Whether a bound is hit.</returns>
        public bool IsOnBound(IReadOnlyDictionary<string, double> parameters) => Dimensions.Any(d => d.IsOnBound(ValueOf(parameters, d)));

        internal double[] ToUnit(IReadOnlyDictionary<string, double> parameters)
        {
            var u = new double[Dimensions.Count];
            for (var i = 0; i < u.Length; i++)
            {
                u[i] = Dimensions[i].ToUnit(ValueOf(parameters, Dimensions[i]));
            }

            return u;
        }

        /// <summary>Snapped values of a unit point; writes the snapped unit coordinates back into <paramref name="unit"/>.</summary>
        internal Dictionary<string, double> FromUnit(double[] unit)
        {
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            for (var i = 0; i < unit.Length; i++)
            {
                var v = Dimensions[i].FromUnit(unit[i]);
                values[Dimensions[i].Name] = v;
                unit[i] = Dimensions[i].ToUnit(v);
            }

            return values;
        }

        private static double ValueOf(IReadOnlyDictionary<string, double> parameters, SearchDimension d)
        {
            if (parameters.TryGetValue(d.Name, out var v))
            {
                return v;
            }

            foreach (var pair in parameters)
            {
                if (string.Equals(pair.Key, d.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value;
                }
            }

            return d.Default;
        }

        private static SearchSpace Build(StrategyInfo info, params (string Name, double Min, double Max, SearchScale Scale, double Step)[] ranges) =>
            new SearchSpace(ranges.Select(r =>
            {
                var p = Catalogued(info, r.Name);
                var kind = p.Kind == ParameterKinds.Integer ? ParameterKind.Integer : ParameterKind.Number;
                return new SearchDimension(r.Name, kind, r.Min, r.Max, p.Default ?? r.Min, r.Scale, r.Step);
            }));

        private static ParameterInfo Catalogued(StrategyInfo info, string name) =>
            info.Parameters.First(p => string.Equals(p.Name, name, StringComparison.Ordinal));
    }
}
