using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>The fixed parameters of a search: which dimensions are held, at which unit coordinate and exact value.</summary>
    internal sealed class SearchConstraint
    {
        private readonly SearchSpace _space;
        private readonly bool[] _fixed;
        private readonly double[] _unit;
        private readonly double[] _value;

        internal SearchConstraint(SearchSpace space, IReadOnlyDictionary<string, double>? fixedParameters)
        {
            _space = space;
            var d = space.Dimensions.Count;
            _fixed = new bool[d];
            _unit = new double[d];
            _value = new double[d];
            if (fixedParameters is null)
            {
                FreeCount = d;
                return;
            }

            foreach (var pair in fixedParameters)
            {
                var i = space.IndexOf(pair.Key);
                var dim = space.Dimensions[i];
                if (double.IsNaN(pair.Value) || pair.Value < dim.Min || pair.Value > dim.Max)
                {
                    throw new ArgumentException(
                        string.Format(CultureInfo.InvariantCulture, "Fixed parameter '{0}' = {1} is outside its search range {2} .. {3}; widen the space (SearchSpace.WithRange) to search around it.", dim.Name, pair.Value, dim.Min, dim.Max),
                        nameof(fixedParameters));
                }

                _fixed[i] = true;
                _value[i] = pair.Value;
                _unit[i] = dim.ToUnit(pair.Value);
            }

            FreeCount = _fixed.Count(f => !f);
        }

        internal int FreeCount { get; }

        internal void Apply(double[] unit)
        {
            for (var j = 0; j < unit.Length; j++)
            {
                if (_fixed[j])
                {
                    unit[j] = _unit[j];
                }
            }
        }

        /// <summary>Puts the user's exact fixed values back after snapping (a fixed value need not lie on the grid).</summary>
        internal Dictionary<string, double> Restore(Dictionary<string, double> parameters)
        {
            for (var j = 0; j < _fixed.Length; j++)
            {
                if (_fixed[j])
                {
                    parameters[_space.Dimensions[j].Name] = _value[j];
                }
            }

            return parameters;
        }

        /// <summary>
        /// Scales an acquisition down within <paramref name="margin"/> of a free dimension's bound (to a fifth on the
        /// bound itself): the model is least certain at the edges, which would otherwise pull the search onto them.
        /// </summary>
        internal double EdgeFactor(double[] unit, double margin)
        {
            if (margin <= 0)
            {
                return 1;
            }

            var factor = 1.0;
            for (var j = 0; j < unit.Length; j++)
            {
                if (_fixed[j] || _space.Dimensions[j].Max <= _space.Dimensions[j].Min)
                {
                    continue;
                }

                var distance = Math.Min(unit[j], 1 - unit[j]);
                factor *= 0.2 + (0.8 * Math.Min(1, distance / margin));
            }

            return factor;
        }
    }
}
