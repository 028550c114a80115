using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Coordination;
using NeuralTrader.Swarm.Internal;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Deploys strategies as a swarm of sandboxed agents and writes one result per deployment as each completes.</para>
    /// <para type="description">Start-Swarm backtests strategies on daily market data, each deployment in its own sandbox, at most MaxAgents at once (the rest queue). It takes strategy names, Get-Strategy objects, or deployment hashtables such as @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ threshold = 0.03 } } from the parameter or the pipeline; everything piped in runs as one swarm. A registered strategy runs once on each of its registered symbols; -Symbol overrides them; -Agents N spreads N deployments across the symbols, and since a backtest is deterministic, every round beyond one per symbol tries distinct parameters (space-filling points of the default search space, -Parameters held) rather than repeating a run.</para>
    /// <para type="description">Each deployment writes a result object (Strategy, Symbol, Status, Success, TotalReturn, Sharpe, MaxDrawdown, Trades, Signal, Duration, ...) as soon as it settles. A failed deployment also writes a non-terminating error whose FullyQualifiedErrorId starts with the stable error id (for example InvalidParameter) and whose target is the result; the other deployments continue. Ctrl+C stops the running agents and removes their sandboxes. On Linux and macOS, SIGTERM or SIGHUP (the terminal closing) sent to pwsh while a swarm runs does the same, commits the deployments that finished, and then pwsh exits with 143 (SIGTERM) or 129 (SIGHUP). -AsJob runs the swarm in the background and returns a job.</para>
    /// </summary>
    /// <example>
    /// <code>Start-Swarm -Strategy momentum -Symbol SPY</code>
    /// <para>Backtests the built-in momentum strategy on the bundled SPY history.</para>
    /// </example>
    /// <example>
    /// <code>Start-Swarm -Strategy momentum, mean-reversion -Symbol SPY, QQQ, IWM, TSLA | Where-Object Success | Sort-Object Sharpe -Descending</code>
    /// <para>Runs eight deployments and sorts the successful ones by Sharpe ratio.</para>
    /// </example>
    /// <example>
    /// <code>@{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ threshold = 0.03 } },
    /// @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ threshold = 0.01 } } | Start-Swarm</code>
    /// <para>Compares two parameter sets in one swarm.</para>
    /// </example>
    /// <example>
    /// <code>$job = Start-Swarm -Strategy neural-forecast -Agents 8 -AsJob
    /// $job | Wait-Job | Receive-Job</code>
    /// <para>Runs eight agents in the background and collects their results.</para>
    /// </example>
    /// <example>
    /// <code>Start-Swarm -Strategy momentum -Agents 20 -RetryCount 3 -RetryDelay 500 -CircuitBreakerThreshold 5</code>
    /// <para>Retries deployments whose sandbox failed (engine errors, container start failures) up to three times with backoff, and stops deploying a strategy after five failures in a row within a minute (ErrorId CircuitOpen).</para>
    /// </example>
    /// <example>
    /// <code>Start-Swarm -Strategy my-strategy -Symbol SPY -Image registry.local/my-strategy:1</code>
    /// <para>Runs the deployments in a custom image that speaks the runner protocol (Docker isolation).</para>
    /// </example>
    [Cmdlet(VerbsLifecycle.Start, "Swarm", SupportsShouldProcess = true)]
    [OutputType(typeof(SwarmResult))]
    [OutputType(typeof(Job2))]
    public sealed class StartSwarmCommand : SwarmCoordinatorCmdletBase, IDynamicParameters
    {
        private readonly SwarmResilienceParameters _resilience = new SwarmResilienceParameters();

        /// <summary>The resilience parameters (-RetryCount, -CircuitBreakerThreshold, ...), declared once for every cmdlet that takes them.</summary>
        public object GetDynamicParameters() => _resilience;

        private const int ProgressId = 7301;
        private readonly List<DeploymentInput> _inputs = new List<DeploymentInput>();

        /// <summary>
        /// <para type="description">What to deploy: strategy names (registered or built-in types), Get-Strategy objects, or deployment hashtables/objects with Strategy, Symbol and Parameters. Accepts pipeline input.</para>
        /// </summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("InputObject", "Name")]
        [ArgumentCompleter(typeof(StrategyNameCompleter))]
        [ValidateNotNull]
        public object[] Strategy { get; set; } = new object[0];

        /// <summary>
        /// <para type="description">Symbols to deploy on, instead of a registered strategy's own (built-in types default to SPY); each strategy is deployed once per symbol (or, with -Agents, the agents cycle through them). A deployment hashtable's own Symbol wins.</para>
        /// </summary>
        [Parameter]
        [ArgumentCompleter(typeof(SymbolCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Symbol { get; set; }

        /// <summary>
        /// <para type="description">Deployments per strategy, spread across its symbols; beyond one per symbol, each further round tries distinct parameters (a deterministic backtest is never run twice; what cannot be varied is dropped with a warning).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, DeploymentPlan.MaxAgents)]
        public int Agents { get; set; }

        /// <summary>
        /// <para type="description">Parameter overrides for every deployment, e.g. @{ lookback = 10 }. A deployment hashtable's own Parameters win.</para>
        /// </summary>
        [Parameter]
        public Hashtable? Parameters { get; set; }

        /// <summary>
        /// <para type="description">Also scores each deployment on a hold-out at the end of its window (0.3: in sample the first 70 % of the bars, out of sample the last 30 %). Results carry OutOfSampleSharpe and OutOfSampleAnnualizedReturn; learning scores the out-of-sample figures.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.01, 0.99)]
        public double ValidationSplit { get; set; }

        /// <summary>
        /// <para type="description">Also scores each deployment on walk-forward folds: the window is cut into folds + 1 blocks and fold k is scored on block k. Not with -ValidationSplit.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 50)]
        public int WalkForward { get; set; }

        /// <summary>
        /// <para type="description">Anchored (default: in sample is every block before the test block) or Rolling (the one block before it).</para>
        /// </summary>
        [Parameter]
        [ValidateSet("Anchored", "Rolling")]
        public string? WalkForwardMode { get; set; }

        /// <summary>
        /// <para type="description">Runs the swarm in the background and returns a job; Receive-Job gets the results.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter AsJob { get; set; }

        /// <summary>
        /// <para type="description">A custom Docker image (speaking the runner protocol) that this swarm's sandboxes run instead of the built-in one. A strategy registered with Register-Strategy -Image keeps its own image.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Image { get; set; }

        /// <inheritdoc />
        protected override void OnProcess()
        {
            foreach (var item in Strategy)
            {
                try
                {
                    _inputs.Add(Deployments.Parse(item));
                }
                catch (SwarmException e)
                {
                    WriteError(SwarmErrorMapper.FromException(e, item));
                }
            }
        }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            if (_inputs.Count == 0)
                return;
            var coordinator = GetCoordinator();
            int? agents = MyInvocation.BoundParameters.ContainsKey(nameof(Agents)) ? Agents : (int?)null;
            var expanded = Deployments.Expand(_inputs, coordinator, Symbol, agents, Deployments.ToDictionary(Parameters));
            var targets = expanded.Select(e => e.Request.Strategy + (e.Request.Symbol == null ? "" : " on " + e.Request.Symbol)).Distinct().ToList();
            var description = $"{expanded.Count} deployment(s): {string.Join(", ", targets.Take(10))}{(targets.Count > 10 ? ", ..." : "")}";
            if (!ShouldProcess(description, "Start swarm"))
                return;
            var requests = expanded.Select(e => e.Request).ToList();
            if (Validation() is { } validation)
            {
                foreach (var request in requests)
                    request.Options = new RunOptions { Validation = validation };
            }

            // Per-swarm resilience or image are arguments of this run, not a coordinator of their own.
            var run = SwarmResilienceParameters.AnyBound(MyInvocation.BoundParameters) || Image != null
                ? new SwarmRun
                {
                    Resilience = _resilience.With(coordinator.Options.Resilience, MyInvocation.BoundParameters),
                    Image = Image,
                }
                : null;

            if (AsJob)
            {
                var job = new SwarmJob(MyInvocation.Line, coordinator, requests, run);
                JobRepository.Add(job);
                WriteObject(job);
                job.StartJob();
                return;
            }

            using (SwarmSession.TrackSwarm(coordinator, CancellationSource))
                RunSwarm(coordinator, requests, run);
        }

        /// <summary>The validation scheme the parameters ask for; Core checks the values, this only the combination.</summary>
        private ValidationOptions? Validation()
        {
            bool split = MyInvocation.BoundParameters.ContainsKey(nameof(ValidationSplit));
            bool folds = MyInvocation.BoundParameters.ContainsKey(nameof(WalkForward));
            if (split && folds)
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, "Give either -ValidationSplit or -WalkForward, not both.");
            if (WalkForwardMode != null && !folds)
                throw new SwarmException(SwarmErrorIds.InvalidParameter, SwarmErrorKind.InvalidArgument, "-WalkForwardMode needs -WalkForward.");
            if (split)
                return new ValidationOptions { Split = ValidationSplit };
            return folds ? new ValidationOptions { WalkForward = WalkForward, Mode = WalkForwardMode?.ToLowerInvariant() } : null;
        }

        private void RunSwarm(SwarmCoordinator coordinator, List<DeploymentRequest> requests, SwarmRun? run)
        {
            var progress = new ProgressRecord(ProgressId, "Start-Swarm", $"Deploying {requests.Count} deployment(s)") { PercentComplete = 0 };
            int settled = 0, failed = 0;
            WriteProgress(progress);
            try
            {
                Run(token => coordinator.DeploySwarmAsync(requests, result => Pump.Post(() =>
                {
                    var output = new SwarmResult(result);
                    settled++;
                    if (!output.Success)
                        failed++;
                    progress.PercentComplete = (int)(100L * settled / requests.Count);
                    progress.StatusDescription = $"{settled} of {requests.Count} settled ({failed} failed)";
                    progress.CurrentOperation = $"{output.Strategy} on {output.Symbol}: {output.Status}";
                    WriteProgress(progress);
                    WriteObject(output);
                    if (!output.Success && !(Cancellation.IsCancellationRequested && output.Status == nameof(DeploymentStatus.Cancelled)))
                        WriteError(SwarmErrorMapper.FromResult(output));
                }), token, run));
            }
            finally
            {
                // One activity, always completed, even when the pipeline was stopped.
                progress.RecordType = ProgressRecordType.Completed;
                try { WriteProgress(progress); }
                catch (PipelineStoppedException) { }
            }
        }
    }
}
