using System.Collections;
using System.Management.Automation;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Internal;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Tunes a strategy's parameters on a symbol: suggest, deploy and record, trial after trial, then the robust choice with its in- and out-of-sample figures.</para>
    /// <para type="description">Invoke-SwarmOptimization runs the learning loop as one command. Each trial deploys the strategy with parameters suggested by a Gaussian-process search (never a point already tried; -Parallel N keeps N trials in flight, each suggested with the others pending) and is recorded in the store like any deployment. It writes every trial as it settles (SwarmOptimizationTrial), then the choice (SwarmOptimizationResult): the parameters with the best neighbourhood-averaged model score, not the luckiest single trial.</para>
    /// <para type="description">-ValidationSplit 0.3 tunes on the first 70 % of the bars and reports the choice on the last 30 %; -WalkForward 5 cuts the window into 6 blocks and, for each of the 5 folds, re-tunes on the fold's in-sample bars (anchored: every block before the test block; rolling: the one block before it) and judges on its test block. The search only ever sees in-sample scores. Buy-and-hold's figures on the same bars stand beside the strategy's. -Seed repeats a run exactly.</para>
    /// </summary>
    /// <example>
    /// <code>Invoke-SwarmOptimization -Strategy momentum -Symbol SPY -Trials 30 -ValidationSplit 0.3 | Select-Object -Last 1</code>
    /// <para>Tunes momentum on the first 70 % of SPY's history and shows how the choice did on the last 30 %, beside buy-and-hold.</para>
    /// </example>
    /// <example>
    /// <code>$best = Invoke-SwarmOptimization momentum -Symbol QQQ -WalkForward 5 -Parallel 2 | Select-Object -Last 1
    /// Start-Swarm -Strategy momentum -Symbol QQQ -Parameters $best.Parameters</code>
    /// <para>Walk-forward tuning with two trials at a time, then a deployment with the chosen parameters.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-SwarmOptimization mean-reversion -Symbol IWM -Trials 20 -Parameters @{ allocation = 0.5 } -Seed 7</code>
    /// <para>Holds the allocation at half the equity while the other parameters are searched, with a fixed seed.</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Invoke, "SwarmOptimization", DefaultParameterSetName = NoValidation)]
    [OutputType(typeof(SwarmOptimizationTrial), typeof(SwarmOptimizationResult))]
    public sealed class InvokeSwarmOptimizationCommand : SwarmCoordinatorCmdletBase
    {
        private const string NoValidation = "NoValidation";
        private const string Split = "Split";
        private const string WalkForwardSet = "WalkForward";
        private const int ProgressId = 7302;

        /// <summary>
        /// <para type="description">Registered strategy name or built-in type (momentum, mean-reversion, neural-forecast).</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Name")]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNullOrEmpty]
        public string Strategy { get; set; } = "";

        /// <summary>
        /// <para type="description">Symbol to tune on; the strategy's first registered symbol (SPY for a built-in type) when not given.</para>
        /// </summary>
        [Parameter(Position = 1)]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Deployments to run in all. Default 30.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 10000)]
        public int Trials { get; set; } = 30;

        /// <summary>
        /// <para type="description">Trials in flight at once (at most the coordinator's MaxAgents run at a time). Default 1.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 256)]
        public int Parallel { get; set; } = 1;

        /// <summary>
        /// <para type="description">Share of the bars held out at the end: tune on the rest, report on these (0.3: tune on the first 70 %).</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = Split)]
        [ValidateRange(0.05, 0.95)]
        public double ValidationSplit { get; set; }

        /// <summary>
        /// <para type="description">Walk-forward folds: the window is cut into folds + 1 blocks and each fold is re-tuned on its in-sample bars and judged on its test block.</para>
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = WalkForwardSet)]
        [ValidateRange(1, 50)]
        public int WalkForward { get; set; }

        /// <summary>
        /// <para type="description">Anchored (default: in sample is every block before the test block) or Rolling (the one block before it).</para>
        /// </summary>
        [Parameter(ParameterSetName = WalkForwardSet)]
        [ValidateSet("Anchored", "Rolling")]
        public string WalkForwardMode { get; set; } = "Anchored";

        /// <summary>
        /// <para type="description">Parameters held at these values in every trial, e.g. @{ allocation = 0.5; start = '2018-01-01' }. A searched parameter given here is not searched.</para>
        /// </summary>
        [Parameter]
        public Hashtable? Parameters { get; set; }

        /// <summary>
        /// <para type="description">Seed of the search; the same seed on the same data repeats the run exactly. Default: the configuration's Seed.</para>
        /// </summary>
        [Parameter]
        public int? Seed { get; set; }

        /// <summary>
        /// <para type="description">Task text recorded with every trial's trajectory.</para>
        /// </summary>
        [Parameter]
        public string? Task { get; set; }

        /// <inheritdoc />
        protected override void OnProcess()
        {
            var coordinator = GetCoordinator();
            var request = new OptimizationRequest(Strategy)
            {
                Symbol = Symbol,
                Trials = Trials,
                Parallel = Parallel,
                Seed = Seed,
                Parameters = Deployments.ToDictionary(Parameters),
                Task = Task,
                Validation = ParameterSetName switch
                {
                    Split => new ValidationOptions { Split = ValidationSplit },
                    WalkForwardSet => new ValidationOptions { WalkForward = WalkForward, Mode = WalkForwardMode.ToLowerInvariant() },
                    _ => null,
                },
            };
            var progress = new ProgressRecord(ProgressId, "Invoke-SwarmOptimization", $"Tuning {Strategy} in {Trials} trial(s)") { PercentComplete = 0 };
            WriteProgress(progress);
            double best = double.NegativeInfinity;
            try
            {
                var outcome = Run(token => coordinator.OptimizeAsync(request, trial => Pump.Post(() =>
                {
                    var output = new SwarmOptimizationTrial(trial, Trials);
                    if (output.Result.Success && trial.Score > best)
                        best = trial.Score;
                    progress.PercentComplete = (int)(100L * trial.Number / Trials);
                    progress.StatusDescription = $"trial {trial.Number} of {Trials}; best score so far {best:0.000}";
                    progress.CurrentOperation = $"{Strategy} on {output.Result.Symbol}: {output.Result.Status}, score {trial.Score:0.000}";
                    WriteProgress(progress);
                    WriteObject(output);
                    if (!output.Result.Success)
                        WriteError(SwarmErrorMapper.FromResult(output.Result));
                }), token));
                WriteObject(new SwarmOptimizationResult(outcome));
            }
            finally
            {
                progress.RecordType = ProgressRecordType.Completed;
                try { WriteProgress(progress); }
                catch (PipelineStoppedException) { }
            }
        }
    }
}
