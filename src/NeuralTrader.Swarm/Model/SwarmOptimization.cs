using System.Collections;
using System.Collections.Generic;
using System.Linq;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm
{
    /// <summary>One trial of Invoke-SwarmOptimization, written as it settles.</summary>
    public sealed class SwarmOptimizationTrial
    {
        internal SwarmOptimizationTrial(OptimizationTrial trial, int trials)
        {
            Trial = trial.Number;
            Trials = trials;
            Parameters = ToHashtable(trial.Parameters);
            Method = trial.Method;
            PredictedScore = double.IsNaN(trial.PredictedScore) ? (double?)null : trial.PredictedScore;
            Score = trial.Score;
            OutOfSampleScore = trial.OutOfSampleScore;
            Result = new SwarmResult(trial.Result);
        }

        /// <summary>Trial number, in the order trials started.</summary>
        public int Trial { get; }
        /// <summary>Trials in the run.</summary>
        public int Trials { get; }
        /// <summary>The searched parameters of this trial.</summary>
        public Hashtable Parameters { get; }
        /// <summary>How the search chose them: SpaceFilling, ExpectedImprovement, Robust or Fallback.</summary>
        public string Method { get; }
        /// <summary>The score the search predicted before the trial ran; null before it had a model.</summary>
        public double? PredictedScore { get; }
        /// <summary>The score the search optimises: in sample under validation, else the whole window's.</summary>
        public double Score { get; }
        /// <summary>Out-of-sample score (mean over folds); reported, never used to choose.</summary>
        public double? OutOfSampleScore { get; }
        /// <summary>The deployment, as Start-Swarm writes it.</summary>
        public SwarmResult Result { get; }

        internal static Hashtable ToHashtable(IEnumerable<KeyValuePair<string, double>> values) =>
            SwarmResult.ToHashtable(values.Select(v => new KeyValuePair<string, object?>(v.Key, v.Value)));
    }

    /// <summary>A sample's figures for the chosen parameters beside buy-and-hold's on the same bars.</summary>
    public sealed class SwarmSampleFigures
    {
        internal SwarmSampleFigures(SampleFigures figures)
        {
            Sample = figures.Sample;
            StartDate = figures.StartDate;
            EndDate = figures.EndDate;
            Bars = figures.Bars;
            Score = figures.Score;
            AnnualizedReturn = figures.AnnualizedReturn;
            TotalReturn = figures.TotalReturn;
            Sharpe = figures.Sharpe;
            MaxDrawdown = figures.MaxDrawdown;
            BuyAndHoldAnnualizedReturn = figures.BuyAndHoldAnnualizedReturn;
            BuyAndHoldReturn = figures.BuyAndHoldReturn;
            BuyAndHoldSharpe = figures.BuyAndHoldSharpe;
            BuyAndHoldMaxDrawdown = figures.BuyAndHoldMaxDrawdown;
        }

        /// <summary>full, in or out.</summary>
        public string Sample { get; }
        /// <summary>First bar of the sample.</summary>
        public string StartDate { get; }
        /// <summary>Last bar of the sample.</summary>
        public string EndDate { get; }
        /// <summary>Bars in the sample (summed over folds).</summary>
        public int Bars { get; }
        /// <summary>Success score (mean over folds).</summary>
        public double Score { get; }
        /// <summary>Annualised return (mean over folds).</summary>
        public double AnnualizedReturn { get; }
        /// <summary>Total return (mean over folds).</summary>
        public double TotalReturn { get; }
        /// <summary>Sharpe ratio (mean over folds).</summary>
        public double Sharpe { get; }
        /// <summary>Maximum drawdown (worst fold).</summary>
        public double MaxDrawdown { get; }
        /// <summary>Buy-and-hold's annualised return on the same bars.</summary>
        public double BuyAndHoldAnnualizedReturn { get; }
        /// <summary>Buy-and-hold's total return on the same bars.</summary>
        public double BuyAndHoldReturn { get; }
        /// <summary>Buy-and-hold's Sharpe ratio on the same bars.</summary>
        public double BuyAndHoldSharpe { get; }
        /// <summary>Buy-and-hold's maximum drawdown on the same bars.</summary>
        public double BuyAndHoldMaxDrawdown { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Sample} {StartDate}..{EndDate}: score {Score:0.000}, annualised {AnnualizedReturn:P1} (buy-and-hold {BuyAndHoldAnnualizedReturn:P1})";
    }

    /// <summary>What Invoke-SwarmOptimization chose, written last.</summary>
    public sealed class SwarmOptimizationResult
    {
        internal SwarmOptimizationResult(OptimizationOutcome outcome)
        {
            Strategy = outcome.Strategy;
            Symbol = outcome.Symbol;
            Parameters = SwarmResult.ToHashtable(outcome.Parameters);
            Confidence = outcome.Confidence;
            Reason = outcome.Reason;
            Validation = outcome.Validation;
            Seed = outcome.Seed;
            TrialCount = outcome.Trials.Count;
            InSample = new SwarmSampleFigures(outcome.InSample);
            OutOfSample = outcome.OutOfSample == null ? null : new SwarmSampleFigures(outcome.OutOfSample);
            FoldParameters = outcome.FoldParameters.Select(SwarmOptimizationTrial.ToHashtable).ToArray();
        }

        /// <summary>Strategy optimised.</summary>
        public string Strategy { get; }
        /// <summary>Symbol optimised on.</summary>
        public string Symbol { get; }
        /// <summary>The chosen parameters (searched ones on top of those held fixed); splat into Start-Swarm -Parameters.</summary>
        public Hashtable Parameters { get; }
        /// <summary>Calibrated confidence that the chosen parameters score as predicted.</summary>
        public double Confidence { get; }
        /// <summary>Why these parameters.</summary>
        public string Reason { get; }
        /// <summary>none, split 0.3 or walk-forward 5 anchored.</summary>
        public string Validation { get; }
        /// <summary>Seed of the search; the same seed and data repeat the run exactly.</summary>
        public int Seed { get; }
        /// <summary>Trials run.</summary>
        public int TrialCount { get; }
        /// <summary>In-sample figures (the whole window without validation).</summary>
        public SwarmSampleFigures InSample { get; }
        /// <summary>Out-of-sample figures; null without validation.</summary>
        public SwarmSampleFigures? OutOfSample { get; }
        /// <summary>Walk-forward: the parameters chosen for each fold.</summary>
        public Hashtable[] FoldParameters { get; }

        /// <inheritdoc />
        public override string ToString() => $"{Strategy}/{Symbol}: {Validation}, {TrialCount} trials";
    }
}
