using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Learning.Search;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>What an optimisation run asks for (Invoke-SwarmOptimization, deploy-swarm optimize).</summary>
    public sealed class OptimizationRequest
    {
        /// <summary>Creates a request for a built-in type or a registered name.</summary>
        public OptimizationRequest(string strategy) => Strategy = strategy;

        /// <summary>Built-in type or registered name.</summary>
        public string Strategy { get; }
        /// <summary>Symbol; null for the registered strategy's first symbol (SPY for a built-in type).</summary>
        public string? Symbol { get; set; }
        /// <summary>Deployments to run in all.</summary>
        public int Trials { get; set; } = 30;
        /// <summary>Trials in flight at once (each new one suggested with the others pending).</summary>
        public int Parallel { get; set; } = 1;
        /// <summary>Hold-out split or walk-forward folds; null scores the whole window (nothing out of sample).</summary>
        public ValidationOptions? Validation { get; set; }
        /// <summary>Seed of the search; null for the coordinator's <see cref="SwarmOptions.Seed"/>.</summary>
        public int? Seed { get; set; }
        /// <summary>
        /// Parameters held at these values in every trial: searched ones are fixed there, the others (allocation,
        /// window, costs) are passed through.
        /// </summary>
        public IDictionary<string, object?>? Parameters { get; set; }
        /// <summary>Task text recorded with every trial's trajectory.</summary>
        public string? Task { get; set; }
    }

    /// <summary>One trial of an optimisation run, as it settles.</summary>
    public sealed class OptimizationTrial
    {
        /// <summary>1-based, in the order trials started.</summary>
        public int Number { get; internal set; }
        /// <summary>The searched parameters of this trial.</summary>
        public IReadOnlyDictionary<string, double> Parameters { get; internal set; } = new Dictionary<string, double>();
        /// <summary>How the search chose them (space filling, expected improvement, ...).</summary>
        public string Method { get; internal set; } = "";
        /// <summary>The score the search predicted before the trial ran (NaN while it had no model).</summary>
        public double PredictedScore { get; internal set; } = double.NaN;
        /// <summary>The score the search optimises: in sample under validation, the whole window without it.</summary>
        public double Score { get; internal set; }
        /// <summary>Out-of-sample score of these fixed parameters (mean over folds); reported, never used to choose.</summary>
        public double? OutOfSampleScore { get; internal set; }
        /// <summary>The deployment itself.</summary>
        public DeploymentResult Result { get; internal set; } = new DeploymentResult();
    }

    /// <summary>A sample's figures for the chosen parameters, beside buy-and-hold's on the same bars.</summary>
    public sealed class SampleFigures
    {
        /// <summary><c>full</c>, <c>in</c> or <c>out</c>.</summary>
        public string Sample { get; internal set; } = "";
        /// <summary>First bar of the sample (first fold's for walk-forward).</summary>
        public string StartDate { get; internal set; } = "";
        /// <summary>Last bar of the sample (last fold's for walk-forward).</summary>
        public string EndDate { get; internal set; } = "";
        /// <summary>Bars in the sample (summed over folds).</summary>
        public int Bars { get; internal set; }
        /// <summary>Success score (see docs/learning.md); the mean over folds for walk-forward.</summary>
        public double Score { get; internal set; }
        /// <summary>Annualised return (mean over folds).</summary>
        public double AnnualizedReturn { get; internal set; }
        /// <summary>Total return (mean over folds).</summary>
        public double TotalReturn { get; internal set; }
        /// <summary>Sharpe ratio (mean over folds).</summary>
        public double Sharpe { get; internal set; }
        /// <summary>Maximum drawdown (worst fold).</summary>
        public double MaxDrawdown { get; internal set; }
        /// <summary>Buy-and-hold's annualised return on the same bars.</summary>
        public double BuyAndHoldAnnualizedReturn { get; internal set; }
        /// <summary>Buy-and-hold's total return on the same bars.</summary>
        public double BuyAndHoldReturn { get; internal set; }
        /// <summary>Buy-and-hold's Sharpe ratio on the same bars.</summary>
        public double BuyAndHoldSharpe { get; internal set; }
        /// <summary>Buy-and-hold's maximum drawdown on the same bars.</summary>
        public double BuyAndHoldMaxDrawdown { get; internal set; }
    }

    /// <summary>What an optimisation run chose, and how the choice fared in and out of sample.</summary>
    public sealed class OptimizationOutcome
    {
        /// <summary>Strategy as requested.</summary>
        public string Strategy { get; internal set; } = "";
        /// <summary>Symbol optimised on.</summary>
        public string Symbol { get; internal set; } = "";
        /// <summary>The chosen (robust) parameters: the searched ones on top of those held fixed.</summary>
        public IReadOnlyDictionary<string, object?> Parameters { get; internal set; } = new Dictionary<string, object?>();
        /// <summary>Calibrated confidence that the chosen parameters score as predicted.</summary>
        public double Confidence { get; internal set; }
        /// <summary>Why these parameters.</summary>
        public string Reason { get; internal set; } = "";
        /// <summary><c>none</c>, <c>split 0.3</c> or <c>walk-forward 5 anchored</c>.</summary>
        public string Validation { get; internal set; } = "none";
        /// <summary>Seed the search ran with.</summary>
        public int Seed { get; internal set; }
        /// <summary>Every trial, in the order they started.</summary>
        public IReadOnlyList<OptimizationTrial> Trials { get; internal set; } = Array.Empty<OptimizationTrial>();
        /// <summary>In-sample figures (the whole window without validation).</summary>
        public SampleFigures InSample { get; internal set; } = new SampleFigures();
        /// <summary>Out-of-sample figures; null without validation. Walk-forward re-tunes per fold on that fold's in-sample bars only.</summary>
        public SampleFigures? OutOfSample { get; internal set; }
        /// <summary>Walk-forward: the parameters chosen for each fold (in fold order); empty otherwise.</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, double>> FoldParameters { get; internal set; } = Array.Empty<IReadOnlyDictionary<string, double>>();
    }

    /// <summary>
    /// The suggest, deploy, record loop as one operation: up to <see cref="OptimizationRequest.Parallel"/> trials in
    /// flight, each new point suggested with the running ones pending (so a batch never repeats itself), every trial
    /// recorded in the store like any deployment. The search sees only in-sample scores; out-of-sample figures are
    /// reported for the choice it made without them.
    /// </summary>
    internal static class SwarmOptimization
    {
        /// <summary>Runs the loop; <paramref name="onTrial"/> is called on the caller's flow as each trial settles.</summary>
        public static async Task<OptimizationOutcome> RunAsync(SwarmCoordinator coordinator, OptimizationRequest request,
            Action<OptimizationTrial>? onTrial = null, CancellationToken cancellationToken = default)
        {
            if (request.Trials < 1)
                throw Invalid($"Trials must be at least 1 (got {request.Trials}).", request.Trials);
            if (request.Parallel < 1)
                throw Invalid($"Parallel must be at least 1 (got {request.Parallel}).", request.Parallel);
            var registration = coordinator.ResolveStrategy(request.Strategy);
            if (registration.Image != null)
                throw Invalid($"Strategy '{registration.Name}' runs a custom image whose parameters the module does not know, so it cannot be optimised.", request.Strategy);
            var symbol = (request.Symbol ?? registration.Symbols[0]).Trim().ToUpperInvariant();
            var held = new Dictionary<string, object?>(request.Parameters ?? new Dictionary<string, object?>(), StringComparer.OrdinalIgnoreCase);
            coordinator.CheckHeld(registration, symbol, held);
            var space = SearchSpace.For(registration.Type);
            var fixedSearched = FixedSearched(space, held);
            // A held value outside the default range (a bad one fails at the first trial, naming it) widens that range.
            space = space.Covering(fixedSearched);
            int seed = request.Seed ?? coordinator.Options.Seed;

            var trials = new List<OptimizationTrial>();
            var observations = new List<SearchObservation>();
            var running = new Dictionary<Task<IReadOnlyList<DeploymentResult>>, OptimizationTrial>();
            while (trials.Count < request.Trials || running.Count > 0)
            {
                while (trials.Count < request.Trials && running.Count < request.Parallel)
                {
                    var pending = running.Values.Select(t => t.Parameters).ToList();
                    var next = BayesianSearch.Suggest(space, observations, seed, 1, pending, fixedSearched).FirstOrDefault();
                    if (next == null)
                        break; // every point of the space has been tried
                    var trial = new OptimizationTrial
                    {
                        Number = trials.Count + 1,
                        Parameters = next.Parameters,
                        Method = next.Method.ToString(),
                        PredictedScore = next.PredictedScore,
                    };
                    trials.Add(trial);
                    var parameters = new Dictionary<string, object?>(held, StringComparer.OrdinalIgnoreCase);
                    foreach (var p in next.Parameters)
                        parameters[p.Key] = p.Value;
                    var deployment = new DeploymentRequest(request.Strategy, symbol, parameters)
                    {
                        Task = request.Task ?? $"Optimise {registration.Name} on {symbol}",
                        FromSuggestion = true,
                        Options = new RunOptions { IncludeTrades = false, EquityPoints = 0, Validation = request.Validation },
                    };
                    running.Add(coordinator.DeploySwarmAsync(new[] { deployment }, null, cancellationToken), trial);
                }
                if (running.Count == 0)
                    break;
                var done = await Task.WhenAny(running.Keys).ConfigureAwait(false);
                var settled = running[done];
                running.Remove(done);
                settled.Result = (await done.ConfigureAwait(false))[0];
                cancellationToken.ThrowIfCancellationRequested();
                if (settled.Result.ErrorKind is SwarmErrorKind.InvalidArgument or SwarmErrorKind.InvalidData or SwarmErrorKind.NotFound)
                {
                    // A bad input fails every trial alike: stop at the first, naming it.
                    await Task.WhenAll(running.Keys).ConfigureAwait(false);
                    throw new SwarmException(settled.Result.ErrorId ?? SwarmErrorIds.InvalidParameter, settled.Result.ErrorKind.Value, settled.Result.Error ?? "The trial failed.", request.Strategy);
                }
                settled.Score = Objective(settled.Result);
                settled.OutOfSampleScore = MeanScore(settled.Result, SegmentSamples.Out);
                observations.Add(new SearchObservation(settled.Parameters, settled.Score));
                onTrial?.Invoke(settled);
            }
            return Outcome(request, registration, symbol, space, held, seed, trials, observations);
        }

        private static OptimizationOutcome Outcome(OptimizationRequest request, StrategyRegistration registration, string symbol,
            SearchSpace space, Dictionary<string, object?> held, int seed, List<OptimizationTrial> trials, List<SearchObservation> observations)
        {
            var choice = BayesianSearch.Recommend(space, observations);
            var chosen = TrialAt(space, trials, choice.Parameters);
            var parameters = new Dictionary<string, object?>(held, StringComparer.OrdinalIgnoreCase);
            foreach (var p in choice.Parameters)
                parameters[p.Key] = p.Value;
            var outcome = new OptimizationOutcome
            {
                Strategy = registration.Name,
                Symbol = symbol,
                Parameters = parameters,
                Confidence = choice.Confidence,
                Reason = choice.Reason,
                Validation = Describe(request.Validation),
                Seed = seed,
                Trials = trials,
            };
            var segments = chosen.Result.Backtest?.Segments;
            if (request.Validation == null || segments == null || segments.Count == 0)
            {
                outcome.InSample = Figures("full", chosen.Result.Backtest?.Metrics is { } m ? new[] { m } : Array.Empty<BacktestMetrics>());
                return outcome;
            }
            var folds = segments.Select(s => s.Fold).Distinct().OrderBy(f => f ?? 0).ToList();
            if (folds.Count == 1)
            {
                outcome.InSample = Figures(SegmentSamples.In, SegmentsOf(chosen, SegmentSamples.In, folds[0]));
                outcome.OutOfSample = Figures(SegmentSamples.Out, SegmentsOf(chosen, SegmentSamples.Out, folds[0]));
                return outcome;
            }
            // Walk-forward: each fold re-tuned on its own in-sample bars, then judged on its test block.
            var inSample = new List<BacktestMetrics>();
            var outOfSample = new List<BacktestMetrics>();
            var foldParameters = new List<IReadOnlyDictionary<string, double>>();
            foreach (var fold in folds)
            {
                var foldObservations = trials.Where(t => t.Result.Success)
                    .Select(t => new SearchObservation(t.Parameters, ScoreOf(SegmentsOf(t, SegmentSamples.In, fold)))).ToList();
                var foldChoice = foldObservations.Count == 0 ? chosen : TrialAt(space, trials, BayesianSearch.Recommend(space, foldObservations).Parameters);
                foldParameters.Add(foldChoice.Parameters);
                inSample.AddRange(SegmentsOf(foldChoice, SegmentSamples.In, fold));
                outOfSample.AddRange(SegmentsOf(foldChoice, SegmentSamples.Out, fold));
            }
            outcome.InSample = Figures(SegmentSamples.In, inSample);
            outcome.OutOfSample = Figures(SegmentSamples.Out, outOfSample);
            outcome.FoldParameters = foldParameters;
            return outcome;
        }

        /// <summary>The score the search optimises: the mean in-sample segment score under validation, else the whole window's.</summary>
        private static double Objective(DeploymentResult result)
        {
            if (!result.Success || result.Backtest == null)
                return 0;
            return MeanScore(result, SegmentSamples.In) ?? ScoreOf(new[] { result.Backtest.Metrics });
        }

        private static double? MeanScore(DeploymentResult result, string sample)
        {
            var segments = result.Backtest?.Segments?.Where(s => s.Sample == sample).Select(s => s.Metrics).ToList();
            return result.Success && segments is { Count: > 0 } ? ScoreOf(segments) : (double?)null;
        }

        private static double ScoreOf(IEnumerable<BacktestMetrics> metrics)
        {
            var scores = metrics.Select(m => SuccessScore.Compute(ExecutionStatus.Succeeded, m.Sharpe, m.BuyAndHold.Sharpe)).ToList();
            return scores.Count == 0 ? 0 : scores.Average();
        }

        private static IReadOnlyList<BacktestMetrics> SegmentsOf(OptimizationTrial trial, string sample, int? fold) =>
            trial.Result.Backtest?.Segments?.Where(s => s.Sample == sample && s.Fold == fold).Select(s => s.Metrics).ToList()
            ?? (IReadOnlyList<BacktestMetrics>)Array.Empty<BacktestMetrics>();

        private static SampleFigures Figures(string sample, IReadOnlyList<BacktestMetrics> metrics)
        {
            var figures = new SampleFigures { Sample = sample };
            if (metrics.Count == 0)
                return figures;
            figures.StartDate = metrics[0].StartDate;
            figures.EndDate = metrics[metrics.Count - 1].EndDate;
            figures.Bars = metrics.Sum(m => m.Bars);
            figures.Score = ScoreOf(metrics);
            figures.AnnualizedReturn = metrics.Average(m => m.AnnualizedReturn);
            figures.TotalReturn = metrics.Average(m => m.TotalReturn);
            figures.Sharpe = metrics.Average(m => m.Sharpe);
            figures.MaxDrawdown = metrics.Max(m => m.MaxDrawdown);
            figures.BuyAndHoldAnnualizedReturn = metrics.Average(m => m.BuyAndHold.AnnualizedReturn);
            figures.BuyAndHoldReturn = metrics.Average(m => m.BuyAndHold.Return);
            figures.BuyAndHoldSharpe = metrics.Average(m => m.BuyAndHold.Sharpe);
            figures.BuyAndHoldMaxDrawdown = metrics.Max(m => m.BuyAndHold.MaxDrawdown);
            return figures;
        }

        private static OptimizationTrial TrialAt(SearchSpace space, List<OptimizationTrial> trials, IReadOnlyDictionary<string, double> parameters)
        {
            var key = space.KeyOf(parameters);
            return trials.First(t => space.KeyOf(t.Parameters) == key);
        }

        /// <summary>User parameters that the space searches are held there.</summary>
        private static Dictionary<string, double>? FixedSearched(SearchSpace space, Dictionary<string, object?> held)
        {
            Dictionary<string, double>? fixedValues = null;
            foreach (var dimension in space.Dimensions)
            {
                if (!held.TryGetValue(dimension.Name, out var value) || value == null)
                    continue;
                var number = SwarmLearning.Numeric(new Dictionary<string, object?> { [dimension.Name] = value });
                if (!number.TryGetValue(dimension.Name, out var x))
                    throw Invalid($"Parameter '{dimension.Name}' must be a number to be held fixed (got '{value}').", value);
                (fixedValues ??= new Dictionary<string, double>(StringComparer.Ordinal))[dimension.Name] = x;
            }
            return fixedValues;
        }

        private static string Describe(ValidationOptions? validation) => validation switch
        {
            null => "none",
            { Split: double split } => "split " + split.ToString("0.###", CultureInfo.InvariantCulture),
            { WalkForward: int folds } => "walk-forward " + folds.ToString(CultureInfo.InvariantCulture) + " " + (validation.Mode ?? "anchored"),
            _ => "none",
        };

        private static SwarmException Invalid(string message, object? target) =>
            new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, message, target);
    }
}
