using System;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>Kind of a parameter dimension.</summary>
    internal enum ParameterKind
    {
        /// <summary>A real number.</summary>
        Number = 0,

        /// <summary>An integer (suggestions are rounded).</summary>
        Integer = 1,

        /// <summary>A boolean encoded as 0/1.</summary>
        Boolean = 2,

        /// <summary>A date encoded as days since 1970-01-01 (suggestions are rounded to whole days).</summary>
        Date = 3,
    }

    /// <summary>One dimension of a search space.</summary>
    internal sealed class ParameterDimension
    {
        /// <summary>Creates a dimension.</summary>
        /// <param name="name">Parameter name.</param>
        /// <param name="kind">Kind.</param>
        /// <param name="min">Lower bound (inclusive).</param>
        /// <param name="max">Upper bound (inclusive).</param>
        /// <param name="defaultValue">Default value, used when there is no data.</param>
        public ParameterDimension(string name, ParameterKind kind, double min, double max, double defaultValue)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("A parameter needs a name.", nameof(name));
            }

            if (kind == ParameterKind.Boolean)
            {
                min = 0;
                max = 1;
            }

            if (double.IsNaN(min) || double.IsNaN(max) || max < min)
            {
                throw new ArgumentException("Parameter '" + name + "' needs min <= max.", nameof(max));
            }

            Name = name;
            Kind = kind;
            Min = min;
            Max = max;
            Default = Math.Max(min, Math.Min(max, defaultValue));
        }

        /// <summary>Parameter name.</summary>
        public string Name { get; }

        /// <summary>Kind.</summary>
        public ParameterKind Kind { get; }

        /// <summary>Lower bound.</summary>
        public double Min { get; }

        /// <summary>Upper bound.</summary>
        public double Max { get; }

        /// <summary>Default value.</summary>
        public double Default { get; }

        /// <summary>Maps a value to [0,1].</summary>
        /// <param name="value">The value.</param>
        /// <returns>The normalised value.</returns>
        public double Normalize(double value) => Max > Min ? Math.Max(0, Math.Min(1, (value - Min) / (Max - Min))) : 0.5;

        /// <summary>Maps a normalised value back to the space, rounding integers, dates and booleans.</summary>
        /// <param name="unit">Value in [0,1].</param>
        /// <returns>The parameter value.</returns>
        public double Denormalize(double unit)
        {
            unit = Math.Max(0, Math.Min(1, unit));
            var value = Min + (unit * (Max - Min));
            switch (Kind)
            {
                case ParameterKind.Integer:
                case ParameterKind.Date:
                    value = Math.Round(value, MidpointRounding.AwayFromZero);
                    break;
                case ParameterKind.Boolean:
                    value = unit >= 0.5 ? 1 : 0;
                    break;
            }

            return Math.Max(Min, Math.Min(Max, value));
        }
    }

    /// <summary>A search space: the tunable parameters of a strategy.</summary>
    internal sealed class ParameterSpace
    {
        /// <summary>Creates a space.</summary>
        /// <param name="dimensions">The dimensions; names must be unique.</param>
        public ParameterSpace(IEnumerable<ParameterDimension> dimensions)
            : this(dimensions, null)
        {
        }

        private ParameterSpace(IEnumerable<ParameterDimension> dimensions, SearchSpace? search)
        {
            Dimensions = (dimensions ?? throw new ArgumentNullException(nameof(dimensions))).ToList();
            if (Dimensions.Select(d => d.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != Dimensions.Count)
            {
                throw new ArgumentException("Parameter names must be unique.", nameof(dimensions));
            }

            // Without a search space of its own, the search treats every range as linear, integers in steps of 1.
            Searched = search ?? new SearchSpace(Dimensions.Select(d => new SearchDimension(d.Name, d.Kind, d.Min, d.Max, d.Default,
                SearchScale.Linear, d.Kind == ParameterKind.Integer ? 1 : 0)));
            Signature = string.Join(
                ";",
                Searched.Dimensions.Select(d => FormattableString.Invariant($"{d.Name}:{d.Kind}:{d.Min:R}:{d.Max:R}:{d.Default:R}:{d.Scale}:{d.Step:R}")));
        }

        /// <summary>A space with the search engine's scales and resolutions (e.g. <see cref="SearchSpace.For"/>).</summary>
        /// <param name="search">The search space.</param>
        /// <returns>The parameter space.</returns>
        public static ParameterSpace From(SearchSpace search) =>
            new ParameterSpace(search.Dimensions.Select(d => new ParameterDimension(d.Name, d.Kind, d.Min, d.Max, d.Default)), search);

        /// <summary>The search engine's view of this space.</summary>
        internal SearchSpace Searched { get; }

        /// <summary>The dimensions.</summary>
        public IReadOnlyList<ParameterDimension> Dimensions { get; }

        internal string Signature { get; }

        /// <summary>The default parameters.</summary>
        /// <returns>Name to default value.</returns>
        public Dictionary<string, double> Defaults() => Dimensions.ToDictionary(d => d.Name, d => d.Default, StringComparer.Ordinal);
    }
}
