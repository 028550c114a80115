using System;
using System.Collections.Generic;
using System.Globalization;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// How a run's window is cut into in-sample and out-of-sample segments (docs/strategies.md, "Validation"):
    /// a hold-out split (the last <see cref="Split"/> share of the bars is out of sample) or walk-forward folds
    /// (the window is cut into folds + 1 equal blocks; fold k is tested on block k and tuned on every block
    /// before it when anchored, or on block k - 1 alone when rolling).
    /// </summary>
    public sealed class ValidationScheme
    {
        /// <summary>Walk-forward mode: the in-sample segment grows from the window's start.</summary>
        public const string Anchored = "anchored";

        /// <summary>Walk-forward mode: the in-sample segment is the one block before the test block.</summary>
        public const string Rolling = "rolling";

        /// <summary>Most walk-forward folds accepted.</summary>
        public const int MaxFolds = 50;

        /// <summary>Fewest bars a segment may have (a return needs two).</summary>
        public const int MinSegmentBars = 2;

        private ValidationScheme(double? split, int? folds, string mode)
        {
            Split = split;
            Folds = folds;
            Mode = mode;
        }

        /// <summary>Hold-out share (0 &lt; split &lt; 1), or null for walk-forward.</summary>
        public double? Split { get; }

        /// <summary>Walk-forward folds, or null for a split.</summary>
        public int? Folds { get; }

        /// <summary><see cref="Anchored"/> or <see cref="Rolling"/> (walk-forward only).</summary>
        public string Mode { get; }

        /// <summary>A hold-out split.</summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> when the share is not strictly between 0 and 1.</exception>
        public static ValidationScheme HoldOut(double split) => From(new ValidationOptions { Split = split })!;

        /// <summary>Walk-forward folds.</summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> for a bad count or mode.</exception>
        public static ValidationScheme WalkForward(int folds, string mode = Anchored) => From(new ValidationOptions { WalkForward = folds, Mode = mode })!;

        /// <summary>The scheme the options name, null for none; checks them.</summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> naming the field and its valid values.</exception>
        public static ValidationScheme? From(ValidationOptions? options)
        {
            if (options is null || (options.Split is null && options.WalkForward is null))
            {
                if (options?.Mode != null)
                {
                    throw Invalid("validation.mode applies to walk-forward only; give validation.walkForward too");
                }

                return null;
            }

            if (options.Split.HasValue && options.WalkForward.HasValue)
            {
                throw Invalid("validation takes either split or walkForward, not both");
            }

            if (options.Split.HasValue)
            {
                double split = options.Split.Value;
                if (!(split > 0 && split < 1))
                {
                    throw Invalid("validation.split is the out-of-sample share and must be between 0 and 1 (exclusive), got " + split.ToString("R", CultureInfo.InvariantCulture));
                }

                if (options.Mode != null)
                {
                    throw Invalid("validation.mode applies to walk-forward only, not to a split");
                }

                return new ValidationScheme(split, null, Anchored);
            }

            int folds = options.WalkForward!.Value;
            if (folds < 1 || folds > MaxFolds)
            {
                throw Invalid("validation.walkForward must be between 1 and " + MaxFolds.ToString(CultureInfo.InvariantCulture) + " folds, got " + folds.ToString(CultureInfo.InvariantCulture));
            }

            string mode = (options.Mode ?? Anchored).Trim().ToLowerInvariant();
            if (mode != Anchored && mode != Rolling)
            {
                throw Invalid("validation.mode must be anchored or rolling, got '" + options.Mode + "'");
            }

            return new ValidationScheme(null, folds, mode);
        }

        /// <summary>
        /// The segments of a window of <paramref name="bars"/> bars, as [first, end) bar offsets into the window,
        /// in order: in then out for a split; fold 1 in, fold 1 out, fold 2 in, ... for walk-forward.
        /// </summary>
        /// <exception cref="StrategyException">Code <see cref="RunnerErrorCodes.InvalidParameter"/> when a segment would have fewer than <see cref="MinSegmentBars"/> bars.</exception>
        public IReadOnlyList<ValidationSegment> Segments(int bars)
        {
            var segments = new List<ValidationSegment>();
            if (Split.HasValue)
            {
                int outBars = (int)Math.Round(bars * Split.Value, MidpointRounding.AwayFromZero);
                int inBars = bars - outBars;
                if (inBars < MinSegmentBars || outBars < MinSegmentBars)
                {
                    throw Invalid("validation.split " + Split.Value.ToString("R", CultureInfo.InvariantCulture) + " of " + bars.ToString(CultureInfo.InvariantCulture)
                        + " bars leaves " + inBars.ToString(CultureInfo.InvariantCulture) + " in-sample and " + outBars.ToString(CultureInfo.InvariantCulture)
                        + " out-of-sample bars; each needs at least " + MinSegmentBars.ToString(CultureInfo.InvariantCulture));
                }

                segments.Add(new ValidationSegment("in-sample", SegmentSamples.In, null, 0, inBars));
                segments.Add(new ValidationSegment("out-of-sample", SegmentSamples.Out, null, inBars, bars));
                return segments;
            }

            int folds = Folds!.Value;
            int blocks = folds + 1;
            if (bars / blocks < MinSegmentBars)
            {
                throw Invalid("validation.walkForward " + folds.ToString(CultureInfo.InvariantCulture) + " cuts " + bars.ToString(CultureInfo.InvariantCulture)
                    + " bars into " + blocks.ToString(CultureInfo.InvariantCulture) + " blocks of fewer than " + MinSegmentBars.ToString(CultureInfo.InvariantCulture) + " bars; use fewer folds or more data");
            }

            for (int k = 1; k <= folds; k++)
            {
                string fold = k.ToString(CultureInfo.InvariantCulture);
                int inStart = Mode == Rolling ? Boundary(k - 1, bars, blocks) : 0;
                segments.Add(new ValidationSegment("fold-" + fold + "-in", SegmentSamples.In, k, inStart, Boundary(k, bars, blocks)));
                segments.Add(new ValidationSegment("fold-" + fold + "-out", SegmentSamples.Out, k, Boundary(k, bars, blocks), Boundary(k + 1, bars, blocks)));
            }

            return segments;
        }

        /// <inheritdoc />
        public override string ToString() => Split.HasValue
            ? "hold-out " + Split.Value.ToString("R", CultureInfo.InvariantCulture)
            : "walk-forward " + Folds!.Value.ToString(CultureInfo.InvariantCulture) + " (" + Mode + ")";

        /// <summary>Start of block k of a window cut into <paramref name="blocks"/> near-equal blocks: floor(k bars / blocks).</summary>
        private static int Boundary(int k, int bars, int blocks) => (int)((long)k * bars / blocks);

        private static StrategyException Invalid(string message) => new StrategyException(RunnerErrorCodes.InvalidParameter, "Run option " + message + ".");
    }

    /// <summary>One segment of a <see cref="ValidationScheme"/>: bars [First, End) of the window.</summary>
    public sealed class ValidationSegment
    {
        internal ValidationSegment(string name, string sample, int? fold, int first, int end)
        {
            Name = name;
            Sample = sample;
            Fold = fold;
            First = first;
            End = end;
        }

        /// <summary>in-sample, out-of-sample, fold-k-in or fold-k-out.</summary>
        public string Name { get; }

        /// <summary><see cref="SegmentSamples.In"/> or <see cref="SegmentSamples.Out"/>.</summary>
        public string Sample { get; }

        /// <summary>Walk-forward fold (1-based), null for a split.</summary>
        public int? Fold { get; }

        /// <summary>First bar, as an offset into the window.</summary>
        public int First { get; }

        /// <summary>One past the last bar, as an offset into the window.</summary>
        public int End { get; }
    }
}
