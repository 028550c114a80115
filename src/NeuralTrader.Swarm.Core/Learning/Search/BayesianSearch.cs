using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NeuralTrader.Swarm.Core.Learning.Search
{
    /// <summary>
    /// Bayesian optimisation for deterministic objectives such as a backtest's score: a space-filling start, then
    /// expected improvement on a Gaussian-process model (<see cref="SearchModel"/>) damped near the bounds, with
    /// batches by kriging believer. It never suggests a point already tried or in flight (the same parameters give
    /// the same score, so a repeat wastes a trial), and the defaults are one candidate among others, not a
    /// mandatory first trial. <see cref="Recommend"/> picks the final choice by the neighbourhood-averaged posterior
    /// mean, so a broad plateau beats an isolated spike. Pure computation: no I/O, no shared state; the same inputs
    /// and seed give the same outputs. docs/learning-search.md describes the method and its measured results.
    /// </summary>
    internal static class BayesianSearch
    {
        private static readonly int[] Primes = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53 };
        private static readonly double[] LocalScales = { 0.01, 0.03, 0.08 };
        private const int LocalCentres = 5;
        private const int PerCentre = 32;
        private const int Refinements = 48;

        // The space-filling start keeps this far (unit coordinates) from the bounds.
        private const double DesignMargin = 0.04;

        /// <summary>Suggests up to <paramref name="count"/> distinct points to try next.</summary>
        /// <param name="space">The search space.</param>
        /// <param name="observations">Every point tried so far with its score, in the order they were run (the order calibrates the confidence).</param>
        /// <param name="seed">Seed of the random choices; the same inputs and seed give the same suggestions.</param>
        /// <param name="count">Points wanted at once (for trials run in parallel).</param>
        /// <param name="pending">Points being tried whose scores are not known yet; never suggested again.</param>
        /// <param name="fixedParameters">Parameters held at given values (each must lie within its dimension's range).</param>
        /// <param name="options">Settings; null for the defaults.</param>
        /// <param name="excludeKeys">Keys (<see cref="SearchSpace.KeyOf"/>) of points tried already but left out of <paramref name="observations"/> (to bound the model's size); never suggested.</param>
        /// <returns>Distinct suggestions, none tried or pending; fewer than <paramref name="count"/> only when the space has no untried point left.</returns>
        /// <exception cref="ArgumentException">A fixed parameter not in the space or outside its range, or invalid options.</exception>
        /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> below 1.</exception>
        public static IReadOnlyList<SearchSuggestion> Suggest(
            SearchSpace space,
            IReadOnlyList<SearchObservation> observations,
            int seed,
            int count = 1,
            IEnumerable<IReadOnlyDictionary<string, double>>? pending = null,
            IReadOnlyDictionary<string, double>? fixedParameters = null,
            SearchOptions? options = null,
            ISet<string>? excludeKeys = null)
        {
            if (space is null)
            {
                throw new ArgumentNullException(nameof(space));
            }

            if (observations is null)
            {
                throw new ArgumentNullException(nameof(observations));
            }

            if (count < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(count), count, "At least one suggestion must be asked for.");
            }

            var opts = (options ?? new SearchOptions()).Checked();
            var pendingList = pending?.ToList() ?? new List<IReadOnlyDictionary<string, double>>();
            var constraint = new SearchConstraint(space, fixedParameters);
            // Copying a set with the same comparer is a bucket copy, cheap even for 100,000 keys.
            var taken = excludeKeys is HashSet<string> keys && keys.Comparer == StringComparer.Ordinal
                ? new HashSet<string>(keys, StringComparer.Ordinal)
                : new HashSet<string>(excludeKeys ?? Enumerable.Empty<string>(), StringComparer.Ordinal);
            foreach (var o in observations)
            {
                taken.Add(space.KeyOf(o.Parameters));
            }

            foreach (var p in pendingList)
            {
                taken.Add(space.KeyOf(p));
            }

            var free = constraint.FreeCount;
            var initial = InitialTrials(opts, free);
            var random = new Random(StableHash.Of("search", seed.ToString(CultureInfo.InvariantCulture), observations.Count.ToString(CultureInfo.InvariantCulture), pendingList.Count.ToString(CultureInfo.InvariantCulture)));
            var results = new List<SearchSuggestion>();
            if (observations.Count < initial || free == 0)
            {
                SpaceFilling(space, constraint, seed, observations.Count + pendingList.Count, count, taken, random, results);
                return results;
            }

            var x = observations.Select(o => space.ToUnit(o.Parameters)).ToList();
            var y = observations.Select(o => o.Score).ToList();
            var model = SearchModel.Fit(x.ToArray(), y.ToArray());
            var calibration = ConfidenceCalibration.From(model, x, y, initial);
            var tolerance = ToleranceOf(opts, y);
            var incumbent = x.Max(model.PredictMean);
            var believers = pendingList.Select(space.ToUnit).ToList();
            var current = model.WithBelievers(believers);
            for (var k = 0; k < count; k++)
            {
                var chosen = BestCandidate(space, constraint, current, x, incumbent, opts, taken, random);
                if (chosen is null)
                {
                    break;
                }

                var (unit, parameters, key, acquisition) = chosen.Value;
                var (mean, std) = model.Predict(unit);
                var suggestion = new SearchSuggestion(parameters, SearchMethod.ExpectedImprovement)
                {
                    PredictedScore = mean,
                    Uncertainty = std,
                    ExpectedScore = mean - tolerance,
                    Confidence = calibration.Confidence(tolerance, model.ScoreStd(std)),
                    OnBound = space.IsOnBound(parameters),
                };
                suggestion.Reason = string.Format(
                    CultureInfo.InvariantCulture,
                    "Expected improvement {0:G3} over the best predicted score {1:G4}: the model ({2} observations{3}) expects {4:G4} ± {5:G3} here.",
                    acquisition,
                    incumbent,
                    observations.Count,
                    believers.Count > 0 ? ", " + believers.Count.ToString(CultureInfo.InvariantCulture) + " in flight" : string.Empty,
                    mean,
                    std);
                results.Add(suggestion);
                taken.Add(key);
                believers.Add(unit);
                if (k + 1 < count)
                {
                    current = model.WithBelievers(believers);
                }
            }

            return results;
        }

        /// <summary>
        /// The robust final choice among the points tried: the one whose posterior mean averaged over its
        /// neighbourhood (<see cref="SearchOptions.Neighbourhood"/>), less half its uncertainty, is highest. An isolated
        /// spike whose neighbours score poorly loses to a point on a broad plateau.
        /// </summary>
        /// <param name="space">The search space.</param>
        /// <param name="observations">Every point tried, with its score, in the order run.</param>
        /// <param name="options">Settings; null for the defaults.</param>
        /// <returns>The recommendation (the defaults when nothing was tried; the best tried point while too few were tried for a model).</returns>
        public static SearchSuggestion Recommend(SearchSpace space, IReadOnlyList<SearchObservation> observations, SearchOptions? options = null)
        {
            if (space is null)
            {
                throw new ArgumentNullException(nameof(space));
            }

            if (observations is null)
            {
                throw new ArgumentNullException(nameof(observations));
            }

            var opts = (options ?? new SearchOptions()).Checked();
            if (observations.Count == 0)
            {
                var defaults = new Dictionary<string, double>(space.Defaults.ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
                return new SearchSuggestion(defaults, SearchMethod.Fallback) { OnBound = space.IsOnBound(defaults), Reason = "Nothing has been tried yet: the defaults." };
            }

            var x = observations.Select(o => space.ToUnit(o.Parameters)).ToList();
            var y = observations.Select(o => o.Score).ToList();
            if (observations.Count < ConfidenceCalibration.Burnin + 2)
            {
                var best = Enumerable.Range(0, y.Count).Aggregate((a, b) => y[b] > y[a] ? b : a);
                var parameters = space.FromUnit((double[])x[best].Clone());
                return new SearchSuggestion(parameters, SearchMethod.Fallback)
                {
                    ObservedScore = y[best],
                    OnBound = space.IsOnBound(parameters),
                    Reason = "Too few points tried for a model: the best one tried.",
                };
            }

            var model = SearchModel.Fit(x.ToArray(), y.ToArray());
            var calibration = ConfidenceCalibration.From(model, x, y, InitialTrials(opts, space.Dimensions.Count));
            var tolerance = ToleranceOf(opts, y);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            SearchSuggestion? chosen = null;
            var chosenValue = double.NegativeInfinity;
            for (var i = 0; i < x.Count; i++)
            {
                if (!seen.Add(space.KeyOf(observations[i].Parameters)))
                {
                    continue;
                }

                var robust = model.SmoothedMean(x[i], opts.Neighbourhood);
                var (mean, std) = model.Predict(x[i]);
                var value = robust - (opts.RobustPenalty * std);
                if (value > chosenValue)
                {
                    chosenValue = value;
                    var parameters = space.FromUnit((double[])x[i].Clone());
                    chosen = new SearchSuggestion(parameters, SearchMethod.Robust)
                    {
                        PredictedScore = mean,
                        Uncertainty = std,
                        RobustScore = robust,
                        ObservedScore = y[i],
                        ExpectedScore = robust - tolerance,
                        Confidence = calibration.Confidence(tolerance, model.ScoreStd(std)),
                        OnBound = space.IsOnBound(parameters),
                    };
                }
            }

            var result = chosen!;
            var bestObserved = y.Max();
            result.Reason = string.Format(
                CultureInfo.InvariantCulture,
                "Of {0} points tried, this one's neighbourhood scores best on average ({1:G4}; its own score {2:G4}, the best single score {3:G4}). {4}",
                observations.Count,
                result.RobustScore,
                result.ObservedScore,
                bestObserved,
                Describe(space, model));
            return result;
        }

        /// <summary>The model in words: how far each parameter's effect reaches, and how much of the score is jagged noise.</summary>
        private static string Describe(SearchSpace space, SearchModel model) => string.Format(
            CultureInfo.InvariantCulture,
            "Model: length scales (share of each range) {0}; roughness {1:P0} of the score's variance.",
            string.Join(", ", space.Dimensions.Select((d, j) => d.Name + " " + model.LengthScalesFitted[j].ToString("0.##", CultureInfo.InvariantCulture))),
            model.Noise / (1 + model.Noise));

        private static int InitialTrials(SearchOptions options, int free) => options.InitialTrials > 0 ? options.InitialTrials : Math.Max(6, (2 * free) + 2);

        private static double ToleranceOf(SearchOptions options, IReadOnlyList<double> scores) =>
            options.Tolerance ?? Math.Max(1e-9, 0.1 * (scores.Max() - scores.Min()));

        /// <summary>
        /// The start: points of a Halton sequence shifted by the seed (Cranley-Patterson rotation), kept off the bounds.
        /// The sequence index continues from the points already tried or in flight, so successive calls fill the space.
        /// </summary>
        private static void SpaceFilling(SearchSpace space, SearchConstraint constraint, int seed, int start, int count, HashSet<string> taken, Random random, List<SearchSuggestion> results)
        {
            var d = space.Dimensions.Count;
            var shiftRandom = new Random(StableHash.Of("halton", seed.ToString(CultureInfo.InvariantCulture)));
            var shift = new double[d];
            for (var j = 0; j < d; j++)
            {
                shift[j] = shiftRandom.NextDouble();
            }

            var index = start;
            var attempts = 0;
            while (results.Count < count && attempts < 4096)
            {
                attempts++;
                var unit = new double[d];
                for (var j = 0; j < d; j++)
                {
                    var u = attempts <= 2048 ? Frac(RadicalInverse(index + 1, Primes[j % Primes.Length]) + shift[j]) : random.NextDouble();
                    unit[j] = DesignMargin + (u * (1 - (2 * DesignMargin)));
                }

                index++;
                constraint.Apply(unit);
                var parameters = constraint.Restore(space.FromUnit(unit));
                if (!taken.Add(space.KeyOf(parameters)))
                {
                    continue;
                }

                results.Add(new SearchSuggestion(parameters, SearchMethod.SpaceFilling)
                {
                    OnBound = space.IsOnBound(parameters),
                    Reason = "Space-filling start: too few points tried for a model yet.",
                });
            }
        }

        private static (double[] Unit, Dictionary<string, double> Parameters, string Key, double Acquisition)? BestCandidate(
            SearchSpace space,
            SearchConstraint constraint,
            SearchModel model,
            List<double[]> observed,
            double incumbent,
            SearchOptions options,
            HashSet<string> taken,
            Random random)
        {
            var d = space.Dimensions.Count;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            (double[] Unit, Dictionary<string, double> Parameters, string Key, double Acquisition)? best = null;
            (double[] Unit, Dictionary<string, double> Parameters, string Key, double Mean)? bestMean = null;
            var xi = 0.01 * model.Std;

            void Score(double[] unit)
            {
                for (var j = 0; j < d; j++)
                {
                    unit[j] = Math.Max(0, Math.Min(1, unit[j]));
                }

                constraint.Apply(unit);
                var parameters = constraint.Restore(space.FromUnit(unit));
                var key = space.KeyOf(parameters);
                if (taken.Contains(key) || !seen.Add(key))
                {
                    return;
                }

                var (mean, std) = model.Predict(unit);
                var acquisition = GaussianProcess.ExpectedImprovement(mean, std, incumbent, xi) * constraint.EdgeFactor(unit, options.EdgeMargin);
                if (best is null || acquisition > best.Value.Acquisition)
                {
                    best = (unit, parameters, key, acquisition);
                }

                if (bestMean is null || mean > bestMean.Value.Mean)
                {
                    bestMean = (unit, parameters, key, mean);
                }
            }

            for (var c = 0; c < options.Candidates; c++)
            {
                var unit = new double[d];
                for (var j = 0; j < d; j++)
                {
                    unit[j] = random.NextDouble();
                }

                Score(unit);
            }

            foreach (var centre in observed.OrderByDescending(model.PredictMean).Take(LocalCentres).ToList())
            {
                for (var c = 0; c < PerCentre; c++)
                {
                    Score(Perturb(centre, LocalScales[c % LocalScales.Length], random));
                }
            }

            Score(space.ToUnit(space.Defaults));
            if (best is null)
            {
                return null;
            }

            var refineCentre = best.Value.Unit;
            for (var c = 0; c < Refinements; c++)
            {
                Score(Perturb(refineCentre, c % 2 == 0 ? 0.02 : 0.006, random));
            }

            // Nothing left that promises an improvement: take the best untried mean rather than a random point.
            if (best.Value.Acquisition <= 1e-12 * model.Std && bestMean != null)
            {
                return (bestMean.Value.Unit, bestMean.Value.Parameters, bestMean.Value.Key, 0);
            }

            return best;
        }

        private static double[] Perturb(double[] centre, double scale, Random random)
        {
            var unit = new double[centre.Length];
            for (var j = 0; j < unit.Length; j++)
            {
                unit[j] = centre[j] + (scale * Gaussian(random));
            }

            return unit;
        }

        private static double Gaussian(Random random)
        {
            // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
        }

        private static double RadicalInverse(int index, int b)
        {
            double result = 0, f = 1.0 / b;
            for (var i = index; i > 0; i /= b)
            {
                result += f * (i % b);
                f /= b;
            }

            return result;
        }

        private static double Frac(double v) => v - Math.Floor(v);
    }
}
