using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets optimisation recommendations from the swarm's counters, its learning store, or a benchmark report.</para>
    /// <para type="description">Get-SwarmRecommendation analyses the coordinator's counters (Get-SwarmStatus) and, when learning is on, its trajectory statistics and patterns, and writes one recommendation per rule that fires: Category (Reliability, Performance, Scalability, Learning), Severity, Finding (with the measured number) and Recommendation (what to change, with the module's parameters, e.g. Start-Swarm -RetryCount). With -Report it analyses a benchmark report from Invoke-SwarmBenchmark instead, which has latency percentiles and throughput.</para>
    /// </summary>
    /// <example>
    /// <code>Start-Swarm -Strategy momentum -Symbol SPY, QQQ | Out-Null
    /// Get-SwarmRecommendation</code>
    /// <para>Recommends from the session coordinator's counters and learning store.</para>
    /// </example>
    /// <example>
    /// <code>Invoke-SwarmBenchmark -ScenarioName light-load | Get-SwarmRecommendation | Where-Object Severity -ne Info</code>
    /// <para>Recommends from a benchmark report.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "SwarmRecommendation")]
    [OutputType(typeof(SwarmRecommendation))]
    public sealed class GetSwarmRecommendationCommand : SwarmCoordinatorCmdletBase
    {
        /// <summary>
        /// <para type="description">A report from Invoke-SwarmBenchmark (or its Core BenchmarkReport) to analyse instead of the coordinator's counters. Accepts pipeline input.</para>
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? Report { get; set; }

        /// <summary>
        /// <para type="description">Only recommendations of these categories.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("Reliability", "Performance", "Scalability", "Learning", IgnoreCase = true)]
        public string[]? Category { get; set; }

        private bool _sawReport;

        /// <inheritdoc />
        protected override void OnProcess()
        {
            // Invoke-SwarmBenchmark -PassThru also writes its executions: only the report is analysed.
            if (Report == null || Report.TypeNames.Contains(PipelineRecords.NameOf(typeof(BenchmarkExecution))))
                return;
            _sawReport = true;
            var report = Report.BaseObject switch
            {
                SwarmBenchmarkReport r => r.Report,
                _ => null,
            };
            if (report == null)
            {
                WriteError(new ErrorRecord(new PSArgumentException("-Report takes the report Invoke-SwarmBenchmark returns.", nameof(Report)),
                    "InvalidBenchmarkReport", ErrorCategory.InvalidArgument, Report));
                return;
            }
            Write(RecommendationEngine.Analyze(RecommendationInput.FromReport(report)).Select(r => new SwarmRecommendation(r)));
        }

        /// <inheritdoc />
        protected override void OnEnd()
        {
            if (_sawReport)
                return;
            var coordinator = GetCoordinator();
            var learning = BenchmarkSupport.Learning(coordinator, WriteVerbose);
            var input = Invoke(() => RecommendationInput.FromMetrics(coordinator.GetMetrics(), learning, null, coordinator.Options.MaxAgents));
            Write(RecommendationEngine.Analyze(input).Select(r => new SwarmRecommendation(r)));
        }

        private void Write(System.Collections.Generic.IEnumerable<SwarmRecommendation> recommendations)
        {
            foreach (var r in recommendations)
            {
                if (Category == null || Category.Any(c => string.Equals(c, r.Category, System.StringComparison.OrdinalIgnoreCase)))
                    WriteObject(r);
            }
        }
    }
}
