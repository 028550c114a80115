using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Store;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets recorded deployments (trajectories) from the trajectory store.</para>
    /// <para type="description">Get-SwarmTrajectory writes trajectories newest first: strategy, symbol, times, status, success score, parameters, market regime, operations with timings, the prediction made before the run, metrics and critique. Filter by strategy, symbol, time and status, take the newest with -First, or rank by similarity of the task text with -Similar. -Id reads given trajectories; it binds the TrajectoryId of Start-Swarm results from the pipeline. Reading the payload of an encrypted store needs the key; -NoPayload lists only the columns kept in clear (id, strategy, symbol, times, success, score, duration), which needs none.</para>
    /// </summary>
    /// <example>
    /// <code>Get-SwarmTrajectory -Strategy momentum -Symbol SPY -First 10</code>
    /// <para>The ten latest momentum runs on SPY.</para>
    /// </example>
    /// <example>
    /// <code>Get-SwarmTrajectory -Similar 'momentum breakout on tech stocks' -First 5</code>
    /// <para>The five runs whose task text is most like the given one, with their Similarity.</para>
    /// </example>
    /// <example>
    /// <code>Start-Swarm -Strategy momentum -Symbol QQQ | Get-SwarmTrajectory</code>
    /// <para>The trajectory just recorded for each deployment.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmTrajectory", DefaultParameterSetName = "Filter")]
    [OutputType(typeof(SwarmTrajectory))]
    public sealed class GetSwarmTrajectoryCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">Ids of the trajectories to read (TrajectoryId of a Start-Swarm result).</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = "Id", ValueFromPipelineByPropertyName = true)]
        [Alias("TrajectoryId")]
        [ValidateNotNullOrEmpty]
        public string[] Id { get; set; } = new string[0];

        /// <summary>
        /// <para type="description">Only runs of this strategy name.</para>
        /// </summary>
        [Parameter(Position = 0, ParameterSetName = "Filter")]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Strategy { get; set; }

        /// <summary>
        /// <para type="description">Only runs on this symbol.</para>
        /// </summary>
        [Parameter(Position = 1, ParameterSetName = "Filter")]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Only runs completed at or after this time.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Filter")]
        public DateTime Since { get; set; }

        /// <summary>
        /// <para type="description">Only runs completed before this time.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Filter")]
        public DateTime Until { get; set; }

        /// <summary>
        /// <para type="description">Only runs that ended so: Succeeded, Failed, TimedOut, OutOfMemory or Cancelled. Statuses other than Succeeded need readable payloads.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Filter")]
        [ValidateSet("Succeeded", "Failed", "TimedOut", "OutOfMemory", "Cancelled", IgnoreCase = true)]
        public string? Status { get; set; }

        /// <summary>
        /// <para type="description">Only the newest N (with -Similar: the N most similar; 20 by default).</para>
        /// </summary>
        [Parameter(ParameterSetName = "Filter")]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; }

        /// <summary>
        /// <para type="description">Ranks runs by TF-IDF cosine similarity of their task text to this text; runs sharing no term are left out.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Filter")]
        [ValidateNotNullOrEmpty]
        public string? Similar { get; set; }

        /// <summary>
        /// <para type="description">Lists only the columns kept in clear, without decrypting payloads; works without a key.</para>
        /// </summary>
        [Parameter(ParameterSetName = "Filter")]
        public SwitchParameter NoPayload { get; set; }

        private bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            if (ParameterSetName == "Id")
            {
                foreach (var id in Id)
                {
                    var stored = Invoke(() => coordinator.GetTrajectory(id));
                    if (stored == null)
                        WriteSwarmError(new SwarmException(SwarmErrorIds.TrajectoryNotFound, SwarmErrorKind.NotFound, "No trajectory with id '" + id + "' is in the store.", id), id);
                    else
                        WriteObject(new SwarmTrajectory(stored));
                }
                return;
            }

            if (NoPayload && Similar != null)
                throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "-Similar searches the task text, which is part of the payload; it cannot be used with -NoPayload.");
            ExecutionStatus? status = Status == null ? (ExecutionStatus?)null : (ExecutionStatus)Enum.Parse(typeof(ExecutionStatus), Status, ignoreCase: true);
            // Core filters the clear success column; any other status is read from the payload here, so the limit comes after.
            var byPayloadStatus = status.HasValue && status.Value != ExecutionStatus.Succeeded;
            var filter = new TrajectoryFilter
            {
                Strategy = Strategy,
                Symbol = Symbol,
                Since = IsBound(nameof(Since)) ? new DateTimeOffset(Since.ToUniversalTime()) : (DateTimeOffset?)null,
                Until = IsBound(nameof(Until)) ? new DateTimeOffset(Until.ToUniversalTime()) : (DateTimeOffset?)null,
                Success = status.HasValue ? status.Value == ExecutionStatus.Succeeded : (bool?)null,
                Limit = IsBound(nameof(First)) && !byPayloadStatus ? First : (int?)null,
                Similar = Similar,
            };
            if (byPayloadStatus && NoPayload)
                throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "-Status " + Status + " is read from the payload; it cannot be used with -NoPayload.");
            IEnumerable<StoredTrajectory> results = Invoke(() => coordinator.GetTrajectories(filter, includePayload: !NoPayload));
            if (byPayloadStatus)
            {
                results = results.Where(t => t.Trajectory?.Outcome.Status == status);
                if (IsBound(nameof(First)))
                    results = results.Take(First);
            }
            foreach (var t in results)
                WriteObject(new SwarmTrajectory(t));
        }
    }
}
