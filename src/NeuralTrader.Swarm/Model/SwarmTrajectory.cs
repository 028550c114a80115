using System;
using System.Collections;
using System.Linq;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm
{
    /// <summary>One recorded deployment (Get-SwarmTrajectory). Payload fields are empty when it could not be decrypted.</summary>
    public sealed class SwarmTrajectory
    {
        internal SwarmTrajectory(StoredTrajectory stored)
        {
            var t = stored.Trajectory;
            Id = stored.Id;
            Sequence = stored.Sequence;
            Strategy = stored.StrategyName;
            Symbol = stored.Symbol;
            StartedAt = stored.StartedAt;
            CompletedAt = stored.CompletedAt;
            Duration = TimeSpan.FromMilliseconds(stored.DurationMs);
            Success = stored.Success;
            Score = stored.Score;
            Encrypted = stored.Encrypted;
            Readable = t != null;
            Fingerprint = stored.Fingerprint;
            Similarity = stored.Similarity;
            Status = t?.Outcome.Status.ToString() ?? (stored.Success ? "Succeeded" : "Unknown");
            Task = t?.Task;
            StrategyType = t?.StrategyType;
            Parameters = Table(t?.Parameters);
            Metrics = Table(t?.Outcome.Metrics);
            Market = t?.Context?.Label;
            Operations = t?.Operations.Select(o => o.Ok ? o.Name : o.Name + "!").ToArray() ?? new string[0];
            OperationTimings = t?.Operations.Select(o => new SwarmOperationStep(o.Name, o.DurationMs, o.Ok)).ToArray() ?? new SwarmOperationStep[0];
            PredictedScore = t?.Prediction?.ExpectedScore;
            PredictionConfidence = t?.Prediction?.Confidence;
            UsedSuggestion = t?.UsedSuggestion;
            SwarmSize = t?.SwarmSize;
            Critique = t?.Outcome.Critique;
            Error = t?.Outcome.Error;
        }

        private static Hashtable? Table(System.Collections.Generic.IDictionary<string, double>? values)
        {
            if (values == null)
                return null;
            var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
            foreach (var p in values.OrderBy(p => p.Key, StringComparer.Ordinal))
                table[p.Key] = p.Value;
            return table;
        }

        /// <summary>Trajectory id (SwarmResult.TrajectoryId of the deployment).</summary>
        public string Id { get; }
        /// <summary>Position in the store's chain.</summary>
        public long Sequence { get; }
        /// <summary>Strategy name.</summary>
        public string Strategy { get; }
        /// <summary>Strategy type.</summary>
        public string? StrategyType { get; }
        /// <summary>Symbol.</summary>
        public string Symbol { get; }
        /// <summary>Start of the deployment.</summary>
        public DateTimeOffset StartedAt { get; }
        /// <summary>End of the deployment.</summary>
        public DateTimeOffset CompletedAt { get; }
        /// <summary>How long it took.</summary>
        public TimeSpan Duration { get; }
        /// <summary>Succeeded, Failed, TimedOut, OutOfMemory, Cancelled; Unknown when a failed run's payload cannot be read.</summary>
        public string Status { get; }
        /// <summary>True when the execution succeeded.</summary>
        public bool Success { get; }
        /// <summary>Success score in [0,1] (0.5 = break-even, risk-neutral).</summary>
        public double Score { get; }
        /// <summary>Task text (what -Similar searches).</summary>
        public string? Task { get; }
        /// <summary>Numeric parameters the run used.</summary>
        public Hashtable? Parameters { get; }
        /// <summary>Outcome metrics (totalReturn, sharpe, maxDrawdown, trades, buyAndHoldReturn...).</summary>
        public Hashtable? Metrics { get; }
        /// <summary>Market regime of the window, trend/volatility.</summary>
        public string? Market { get; }
        /// <summary>Operation sequence; a failed step ends with !.</summary>
        public string[] Operations { get; }
        /// <summary>Operations with their durations.</summary>
        public SwarmOperationStep[] OperationTimings { get; }
        /// <summary>Score predicted before the run.</summary>
        public double? PredictedScore { get; }
        /// <summary>Confidence of that prediction.</summary>
        public double? PredictionConfidence { get; }
        /// <summary>True when the parameters came from a suggestion (AutoOptimize).</summary>
        public bool? UsedSuggestion { get; }
        /// <summary>Agents running in the deployment's swarm.</summary>
        public int? SwarmSize { get; }
        /// <summary>One sentence judging the outcome.</summary>
        public string? Critique { get; }
        /// <summary>Error of a failed run.</summary>
        public string? Error { get; }
        /// <summary>Similarity of the task text to -Similar (0 to 1).</summary>
        public double? Similarity { get; }
        /// <summary>True when the payload is encrypted in the store.</summary>
        public bool Encrypted { get; }
        /// <summary>False when the payload could not be decrypted: only the clear columns are filled.</summary>
        public bool Readable { get; }
        /// <summary>SHA3-512 chain fingerprint (hex).</summary>
        public string Fingerprint { get; }
    }

    /// <summary>One step of a deployment.</summary>
    public sealed class SwarmOperationStep
    {
        internal SwarmOperationStep(string name, double durationMs, bool ok)
        {
            Name = name;
            DurationMs = durationMs;
            Ok = ok;
        }

        /// <summary>resolve-image, create-sandbox, load-data, run, collect or cleanup.</summary>
        public string Name { get; }
        /// <summary>Duration in milliseconds.</summary>
        public double DurationMs { get; }
        /// <summary>False when the step failed.</summary>
        public bool Ok { get; }

        /// <inheritdoc />
        public override string ToString() => Name + (Ok ? "" : "!") + " " + DurationMs.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " ms";
    }
}
