using System;
using System.Globalization;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>How a dimension is spread over the model's unit interval.</summary>
    internal enum SearchScale
    {
        /// <summary>Equal steps of the value are equal distances (thresholds, z-scores).</summary>
        Linear = 0,

        /// <summary>Equal ratios are equal distances (lookbacks, learning rates): 10 → 20 is as far as 100 → 200.</summary>
        Log = 1,
    }

    /// <summary>
    /// One tunable parameter: its range, default, scale and resolution. Values are snapped to the resolution
    /// (whole numbers for integers, multiples of <see cref="Step"/> from <see cref="Min"/> for numbers, six
    /// significant digits when no step is given), and two parameter sets that snap alike are the same point.
    /// </summary>
    internal sealed class SearchDimension
    {
        /// <summary>Creates a dimension.</summary>
        /// <param name="name">Parameter name, as the strategy takes it.</param>
        /// <param name="kind">Number, integer or boolean (dates are not searched).</param>
        /// <param name="min">Smallest value searched (inclusive).</param>
        /// <param name="max">Largest value searched (inclusive).</param>
        /// <param name="defaultValue">The strategy's default; clamped into the range and snapped.</param>
        /// <param name="scale">Linear or logarithmic (log needs <paramref name="min"/> &gt; 0).</param>
        /// <param name="step">Resolution for numbers (0: six significant digits); integers always step by whole numbers.</param>
        /// <exception cref="ArgumentException">A missing name, a non-finite or inverted range, a log scale over non-positive values, a negative step, or a date.</exception>
        public SearchDimension(string name, ParameterKind kind, double min, double max, double defaultValue, SearchScale scale = SearchScale.Linear, double step = 0)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("A search dimension needs a name.", nameof(name));
            }

            if (kind == ParameterKind.Date)
            {
                throw new ArgumentException("Parameter '" + name + "' is a date; dates set the window and are not searched.", nameof(kind));
            }

            if (kind == ParameterKind.Boolean)
            {
                min = 0;
                max = 1;
                step = 1;
                scale = SearchScale.Linear;
            }

            if (!IsFinite(min) || !IsFinite(max) || max < min)
            {
                throw new ArgumentException(Invariant("Parameter '{0}' needs a finite range with min <= max, got {1} .. {2}.", name, min, max), nameof(max));
            }

            if (!IsFinite(step) || step < 0)
            {
                throw new ArgumentException(Invariant("Parameter '{0}' needs a step >= 0, got {1}.", name, step), nameof(step));
            }

            if (kind == ParameterKind.Integer)
            {
                min = Math.Ceiling(min);
                max = Math.Floor(max);
                step = Math.Max(1, Math.Round(step));
                if (max < min)
                {
                    throw new ArgumentException(Invariant("Parameter '{0}' has no whole number between its bounds.", name, min, max), nameof(max));
                }
            }

            if (scale == SearchScale.Log && min <= 0)
            {
                throw new ArgumentException(Invariant("Parameter '{0}' is searched on a log scale, so its minimum must be above 0, got {1}.", name, min), nameof(min));
            }

            Name = name;
            Kind = kind;
            Min = min;
            Max = max;
            Scale = scale;
            Step = step;
            Default = Snap(IsFinite(defaultValue) ? defaultValue : min);
        }

        /// <summary>Parameter name.</summary>
        public string Name { get; }

        /// <summary>Kind of value.</summary>
        public ParameterKind Kind { get; }

        /// <summary>Smallest value searched.</summary>
        public double Min { get; }

        /// <summary>Largest value searched.</summary>
        public double Max { get; }

        /// <summary>The strategy's default, snapped into the range.</summary>
        public double Default { get; }

        /// <summary>Linear or logarithmic.</summary>
        public SearchScale Scale { get; }

        /// <summary>Resolution (0: six significant digits).</summary>
        public double Step { get; }

        /// <summary>The same dimension over another range (the default is kept when it still fits).</summary>
        /// <param name="min">New minimum.</param>
        /// <param name="max">New maximum.</param>
        /// <returns>The widened (or narrowed) dimension.</returns>
        public SearchDimension WithRange(double min, double max) => new SearchDimension(Name, Kind, min, max, Default, Scale, Step);

        /// <summary>Maps a value to the unit interval (values outside the range map outside [0,1]; the model accepts them).</summary>
        /// <param name="value">A parameter value.</param>
        /// <returns>Its unit coordinate.</returns>
        public double ToUnit(double value)
        {
            if (Max <= Min)
            {
                return 0.5;
            }

            if (Scale == SearchScale.Log)
            {
                // A value at or below 0 (possible only from outside data) sits just below the range.
                var v = value > 0 ? value : Min / 2;
                return (Math.Log(v) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min));
            }

            return (value - Min) / (Max - Min);
        }

        /// <summary>Maps a unit coordinate (clamped to [0,1]) to a snapped value.</summary>
        /// <param name="unit">A unit coordinate.</param>
        /// <returns>The parameter value.</returns>
        public double FromUnit(double unit)
        {
            unit = Math.Max(0, Math.Min(1, unit));
            var value = Scale == SearchScale.Log
                ? Math.Exp(Math.Log(Min) + (unit * (Math.Log(Max) - Math.Log(Min))))
                : Min + (unit * (Max - Min));
            return Snap(value);
        }

        /// <summary>Clamps a value into the range and rounds it to the resolution.</summary>
        /// <param name="value">A parameter value.</param>
        /// <returns>The nearest searchable value.</returns>
        public double Snap(double value)
        {
            if (double.IsNaN(value))
            {
                return Default;
            }

            value = Math.Max(Min, Math.Min(Max, value));
            if (Step > 0)
            {
                // Through decimal so 0 + 12 * 0.001 is 0.012, not 0.012000000000000002: suggestions read cleanly.
                var k = Math.Round((value - Min) / Step, MidpointRounding.AwayFromZero);
                var snapped = (double)((decimal)Min + ((decimal)k * (decimal)Step));
                return snapped > Max ? (double)((decimal)Min + ((decimal)(k - 1) * (decimal)Step)) : snapped;
            }

            if (value == 0)
            {
                return 0;
            }

            return double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        /// <summary>True when the snapped value is the range's minimum or maximum.</summary>
        /// <param name="value">A parameter value.</param>
        /// <returns>Whether it sits on a bound.</returns>
        public bool IsOnBound(double value)
        {
            var v = Snap(value);
            return Max > Min && (v <= Min || v >= Max);
        }

        /// <summary>The text that identifies a snapped value (two values with the same key are the same point).</summary>
        internal string KeyOf(double value) => Snap(value).ToString("R", CultureInfo.InvariantCulture);

        /// <inheritdoc />
        public override string ToString() => Invariant("{0} {1} {2}..{3} (default {4}, {5})", Name, Kind, Min, Max, Default, Scale);

        private static bool IsFinite(double v) => !double.IsNaN(v) && !double.IsInfinity(v);

        private static string Invariant(string format, params object[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
    }
}
