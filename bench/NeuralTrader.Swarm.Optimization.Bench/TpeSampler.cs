using System;
using System.Collections.Generic;
using System.Linq;
using MathNet.Numerics.Distributions;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Learning.Search;

namespace NeuralTrader.Swarm.Optimization.Bench
{
    /// <summary>
    /// A tree-structured Parzen estimator written after Optuna 3.x's TPESampler defaults (independent sampling per
    /// parameter): 10 random start-up trials; then the trials split into "below" (the best ⌈0.1 n⌉, at most 25) and
    /// "above" (the rest); each group becomes a mixture of truncated normals, one per observation plus a prior (mid-range,
    /// sigma = the range, weight 1), with bandwidths from the distances to neighbouring observations (endpoints not
    /// considered) clipped to [range / min(100, 1 + components), range] ("magic clip"), and uniform weights below 25
    /// observations (older ones ramp down beyond); 24 candidates are drawn from l(x) and the one with the largest
    /// log l(x) − log g(x) is taken. Log-scaled parameters are modelled in log space; stepped ones (integers, stepped
    /// numbers) over [low − step/2, high + step/2] with bin probabilities and rounded samples, as Optuna does.
    /// </summary>
    internal sealed class TpeSampler
    {
        private const int StartupTrials = 10;
        private const int EiCandidates = 24;
        private const double PriorWeight = 1.0;

        private readonly SearchSpace _space;
        private readonly Random _random;

        public TpeSampler(SearchSpace space, int seed)
        {
            _space = space;
            _random = new Random(seed);
        }

        public Dictionary<string, double> Next(IReadOnlyList<SearchObservation> history)
        {
            var result = new Dictionary<string, double>(StringComparer.Ordinal);
            if (history.Count < StartupTrials)
            {
                foreach (var d in _space.Dimensions)
                {
                    result[d.Name] = d.FromUnit(_random.NextDouble());
                }

                return result;
            }

            // Maximising: the best scores first; ties keep trial order (a stable sort).
            var order = Enumerable.Range(0, history.Count).OrderByDescending(i => history[i].Score).ToList();
            var belowCount = Math.Min((int)Math.Ceiling(0.1 * history.Count), 25);
            var below = order.Take(belowCount).OrderBy(i => i).ToList();
            var above = order.Skip(belowCount).OrderBy(i => i).ToList();
            foreach (var d in _space.Dimensions)
            {
                var domain = new Domain(d);
                var l = domain.Estimator(below.Select(i => domain.Internal(history[i].Parameters[d.Name])).ToArray());
                var g = domain.Estimator(above.Select(i => domain.Internal(history[i].Parameters[d.Name])).ToArray());
                var bestValue = double.NaN;
                var bestScore = double.NegativeInfinity;
                for (var c = 0; c < EiCandidates; c++)
                {
                    var x = domain.Round(l.Sample(_random));
                    var score = l.LogPdf(x) - g.LogPdf(x);
                    if (score > bestScore)
                    {
                        bestScore = score;
                        bestValue = x;
                    }
                }

                result[d.Name] = d.Snap(domain.External(bestValue));
            }

            return result;
        }

        /// <summary>A parameter's internal coordinate: log for log scales, widened by half a step for stepped ones.</summary>
        private sealed class Domain
        {
            private readonly SearchDimension _d;
            private readonly bool _log;
            private readonly double _step;

            public Domain(SearchDimension d)
            {
                _d = d;
                _log = d.Scale == SearchScale.Log;
                _step = d.Kind == ParameterKind.Integer || (!_log && d.Step > 0) ? d.Step : 0;
                Low = _log ? Math.Log(d.Min - (_step / 2)) : d.Min - (_step / 2);
                High = _log ? Math.Log(d.Max + (_step / 2)) : d.Max + (_step / 2);
            }

            public double Low { get; }

            public double High { get; }

            public double Internal(double value) => _log ? Math.Log(value) : value;

            public double External(double x) => _log ? Math.Exp(x) : x;

            /// <summary>Linear stepped values round to the grid here (the pdf is then a bin probability); log ones when mapped back.</summary>
            public double Round(double x) => _step > 0 && !_log ? Math.Max(_d.Min, Math.Min(_d.Max, _d.Min + (Math.Round((x - _d.Min) / _step) * _step))) : x;

            public Parzen Estimator(double[] observations)
            {
                var n = observations.Length;
                var mus = new double[n + 1];
                Array.Copy(observations, mus, n);
                mus[n] = 0.5 * (Low + High);
                var sorted = Enumerable.Range(0, n + 1).OrderBy(i => mus[i]).ToArray();
                var withEnds = new double[n + 3];
                withEnds[0] = Low;
                for (var i = 0; i <= n; i++)
                {
                    withEnds[i + 1] = mus[sorted[i]];
                }

                withEnds[n + 2] = High;
                var sortedSigmas = new double[n + 1];
                for (var i = 0; i <= n; i++)
                {
                    sortedSigmas[i] = Math.Max(withEnds[i + 1] - withEnds[i], withEnds[i + 2] - withEnds[i + 1]);
                }

                if (withEnds.Length >= 4)
                {
                    sortedSigmas[0] = withEnds[2] - withEnds[1];
                    sortedSigmas[n] = withEnds[n + 1] - withEnds[n];
                }

                var sigmas = new double[n + 1];
                for (var i = 0; i <= n; i++)
                {
                    sigmas[sorted[i]] = sortedSigmas[i];
                }

                var range = High - Low;
                var minSigma = range / Math.Min(100.0, 1.0 + (n + 1));
                for (var i = 0; i <= n; i++)
                {
                    sigmas[i] = Math.Max(minSigma, Math.Min(range, sigmas[i]));
                }

                sigmas[n] = range;

                // Weights: uniform below 25 observations, older ones ramping down beyond (trial order), then the prior.
                var weights = new double[n + 1];
                for (var i = 0; i < n; i++)
                {
                    weights[i] = n < 25 || i >= n - 25 ? 1.0 : (1.0 / n) + ((1.0 - (1.0 / n)) * i / Math.Max(1, n - 26));
                }

                weights[n] = PriorWeight;
                var total = weights.Sum();
                for (var i = 0; i <= n; i++)
                {
                    weights[i] /= total;
                }

                return new Parzen(this, mus, sigmas, weights);
            }

            public double Step => _log ? 0 : _step;
        }

        private sealed class Parzen
        {
            private readonly Domain _domain;
            private readonly double[] _mus;
            private readonly double[] _sigmas;
            private readonly double[] _weights;
            private readonly double[] _logMass;

            public Parzen(Domain domain, double[] mus, double[] sigmas, double[] weights)
            {
                _domain = domain;
                _mus = mus;
                _sigmas = sigmas;
                _weights = weights;
                _logMass = new double[mus.Length];
                for (var i = 0; i < mus.Length; i++)
                {
                    _logMass[i] = Math.Log(Math.Max(1e-300, Normal.CDF(mus[i], sigmas[i], domain.High) - Normal.CDF(mus[i], sigmas[i], domain.Low)));
                }
            }

            public double Sample(Random random)
            {
                var u = random.NextDouble();
                var k = 0;
                for (var acc = _weights[0]; acc < u && k < _weights.Length - 1; acc += _weights[++k])
                {
                }

                var a = Normal.CDF(_mus[k], _sigmas[k], _domain.Low);
                var b = Normal.CDF(_mus[k], _sigmas[k], _domain.High);
                var p = a + (random.NextDouble() * (b - a));
                var x = Normal.InvCDF(_mus[k], _sigmas[k], Math.Min(1 - 1e-16, Math.Max(1e-16, p)));
                return Math.Max(_domain.Low, Math.Min(_domain.High, x));
            }

            public double LogPdf(double x)
            {
                var step = _domain.Step;
                var terms = new double[_mus.Length];
                for (var i = 0; i < _mus.Length; i++)
                {
                    double logDensity;
                    if (step > 0)
                    {
                        var lo = Math.Max(_domain.Low, x - (step / 2));
                        var hi = Math.Min(_domain.High, x + (step / 2));
                        logDensity = Math.Log(Math.Max(1e-300, Normal.CDF(_mus[i], _sigmas[i], hi) - Normal.CDF(_mus[i], _sigmas[i], lo)));
                    }
                    else
                    {
                        logDensity = Normal.PDFLn(_mus[i], _sigmas[i], x);
                    }

                    terms[i] = Math.Log(_weights[i]) + logDensity - _logMass[i];
                }

                var max = terms.Max();
                return max + Math.Log(terms.Sum(t => Math.Exp(t - max)));
            }
        }
    }
}
