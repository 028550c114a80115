using System.Globalization;
using NeuralTrader.Swarm.Core.Learning;

namespace NeuralTrader.Swarm
{
    /// <summary>A recurring success or failure pattern (Get-SwarmPattern).</summary>
    public sealed class SwarmPattern
    {
        internal SwarmPattern(Pattern pattern)
        {
            Id = pattern.Id;
            Kind = pattern.Kind.ToString();
            Category = pattern.Category;
            Strategy = pattern.Strategy;
            Symbol = pattern.Symbol;
            Regime = pattern.Regime;
            Parameter = pattern.Parameter;
            RangeMin = pattern.RangeMin;
            RangeMax = pattern.RangeMax;
            Region = pattern.Parameter == null ? null : string.Format(CultureInfo.InvariantCulture, "{0} {1:G4}..{2:G4}", pattern.Parameter, pattern.RangeMin, pattern.RangeMax);
            Operations = pattern.Operations?.ToArray() ?? new string[0];
            SwarmSizeAbove = pattern.SwarmSizeAbove;
            SuccessRate = pattern.SuccessRate;
            ObservationCount = pattern.ObservationCount;
            Confidence = pattern.Confidence;
            Description = pattern.Description;
            Name = pattern.Name;
        }

        /// <summary>The original design's name: what the pattern is about, e.g. "momentum on SPY: lookback 30..39".</summary>
        public string Name { get; }

        /// <summary>The original design's name for <see cref="Operations"/>.</summary>
        public string[] OperationSequence => Operations;

        /// <summary>Stable id derived from the pattern's conditions.</summary>
        public string Id { get; }
        /// <summary>Success or Failure.</summary>
        public string Kind { get; }
        /// <summary>ParameterRegion, OperationSequence or SwarmSize.</summary>
        public string Category { get; }
        /// <summary>Strategy, or empty for all.</summary>
        public string? Strategy { get; }
        /// <summary>Symbol, or empty for all.</summary>
        public string? Symbol { get; }
        /// <summary>Market regime trend/volatility, or empty for any.</summary>
        public string? Regime { get; }
        /// <summary>Parameter of a region pattern.</summary>
        public string? Parameter { get; }
        /// <summary>Lower bound of the parameter region (inclusive).</summary>
        public double? RangeMin { get; }
        /// <summary>Upper bound of the parameter region (inclusive).</summary>
        public double? RangeMax { get; }
        /// <summary>The parameter region as text, e.g. "lookback 10..20".</summary>
        public string? Region { get; }
        /// <summary>Operation sequence of a sequence pattern (a failed step ends with !).</summary>
        public string[] Operations { get; }
        /// <summary>Swarm size above which a swarm-size pattern applies.</summary>
        public int? SwarmSizeAbove { get; }
        /// <summary>Share of matching runs with the pattern's outcome.</summary>
        public double SuccessRate { get; }
        /// <summary>Matching runs.</summary>
        public int ObservationCount { get; }
        /// <summary>Wilson 95% lower bound of SuccessRate (not the raw ratio).</summary>
        public double Confidence { get; }
        /// <summary>A sentence with the numbers.</summary>
        public string Description { get; }
    }
}
