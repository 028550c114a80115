using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Benchmarking;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm
{
    /// <summary>What Invoke-SwarmBenchmark writes: pass/fail, the per-scenario measurements, the thresholds, the recommendations and the report files.</summary>
    public sealed class SwarmBenchmarkReport
    {
        internal SwarmBenchmarkReport(BenchmarkReport report, BenchmarkReportFiles? files)
        {
            Report = report;
            Passed = report.Passed;
            Incomplete = report.Incomplete;
            Isolation = report.Isolation;
            StartedAt = report.StartedAt;
            Duration = TimeSpan.FromMilliseconds(report.DurationMs);
            Scenarios = PipelineRecords.FromAll(report.Scenarios);
            NotRun = report.NotRun;
            Strategies = PipelineRecords.FromAll(report.Strategies);
            ThresholdResults = PipelineRecords.FromAll(report.ThresholdResults);
            FailedThresholds = PipelineRecords.FromAll(report.ThresholdResults.Where(t => !t.Passed));
            Executions = report.Executions.Count;
            Recommendations = report.Recommendations.Select(r => new SwarmRecommendation(r)).ToList();
            JsonPath = files?.Json;
            TextPath = files?.Text;
            CsvPath = files?.Csv;
            HtmlPath = files?.Html;
            CoordinatorPath = files?.Coordinator;
        }

        /// <summary>True when every scenario ran to the end and met every threshold: gate scripts on this.</summary>
        public bool Passed { get; }
        /// <summary>True when the run was stopped (Ctrl+C) before every planned execution settled.</summary>
        public bool Incomplete { get; }
        /// <summary>Sandbox kind the scenarios ran in (process or docker).</summary>
        public string? Isolation { get; }
        /// <summary>When the run started (UTC).</summary>
        public DateTimeOffset StartedAt { get; }
        /// <summary>Wall time of the whole run.</summary>
        public TimeSpan Duration { get; }
        /// <summary>Measurements per scenario (latency percentiles, throughput, success and error rates, sandbox start and cleanup).</summary>
        public PSObject[] Scenarios { get; }
        /// <summary>Scenarios skipped because the run was stopped.</summary>
        public IReadOnlyList<string> NotRun { get; }
        /// <summary>Measurements per strategy over all scenarios.</summary>
        public PSObject[] Strategies { get; }
        /// <summary>Every threshold of every scenario, passed or not.</summary>
        public PSObject[] ThresholdResults { get; }
        /// <summary>The thresholds that failed.</summary>
        public PSObject[] FailedThresholds { get; }
        /// <summary>Executions measured (rows of the CSV file).</summary>
        public int Executions { get; }
        /// <summary>Optimisation recommendations drawn from the measurements.</summary>
        public IReadOnlyList<SwarmRecommendation> Recommendations { get; }
        /// <summary>benchmark-&lt;timestamp&gt;.json: all data.</summary>
        public string? JsonPath { get; }
        /// <summary>benchmark-&lt;timestamp&gt;.txt: the human summary.</summary>
        public string? TextPath { get; }
        /// <summary>benchmark-&lt;timestamp&gt;.csv: one row per execution.</summary>
        public string? CsvPath { get; }
        /// <summary>benchmark-&lt;timestamp&gt;.html: the self-contained report with charts.</summary>
        public string? HtmlPath { get; }
        /// <summary>coordinator-&lt;timestamp&gt;.txt: learning statistics and patterns.</summary>
        public string? CoordinatorPath { get; }
        /// <summary>Core's full report, for Get-SwarmRecommendation -Report and -PassThru (not on the pipeline).</summary>
        internal BenchmarkReport Report { get; }
    }

    /// <summary>One optimisation recommendation (Get-SwarmRecommendation, and inside every benchmark report).</summary>
    public sealed class SwarmRecommendation
    {
        internal SwarmRecommendation(Recommendation recommendation)
        {
            Category = recommendation.Category.ToString();
            Severity = recommendation.Severity.ToString();
            Finding = recommendation.Finding;
            Recommendation = Advice.ForPowerShell(recommendation.Action);
            Rule = recommendation.Rule;
            Target = recommendation.Target;
        }

        /// <summary>Reliability, Performance, Scalability or Learning.</summary>
        public string Category { get; }
        /// <summary>How urgent it is.</summary>
        public string Severity { get; }
        /// <summary>What was measured, with the number (e.g. "Success rate 85.2% is below 90%").</summary>
        public string Finding { get; }
        /// <summary>What to do about it, with the module's own parameters and cmdlets.</summary>
        public string Recommendation { get; }
        /// <summary>The rule that fired.</summary>
        public string Rule { get; }
        /// <summary>The strategy or scenario it concerns, if any.</summary>
        public string? Target { get; }

        /// <inheritdoc />
        public override string ToString() => $"[{Severity}] {Category}: {Finding} -> {Recommendation}";
    }

    /// <summary>The sandbox image as Build-SwarmSandboxImage writes it.</summary>
    public sealed class SwarmSandboxImage
    {
        internal SwarmSandboxImage(string tag, string? id, long size, DateTime? created, bool built, string endpoint)
        {
            Tag = tag;
            Id = id;
            Size = size;
            SizeMB = Math.Round(size / 1048576.0, 1);
            Created = created;
            Built = built;
            Endpoint = endpoint;
        }

        /// <summary>Image tag (neuraltrader-swarm-runner:&lt;module version&gt;).</summary>
        public string Tag { get; }
        /// <summary>Image id (sha256:...).</summary>
        public string? Id { get; }
        /// <summary>Size in bytes.</summary>
        public long Size { get; }
        /// <summary>Size in MB.</summary>
        public double SizeMB { get; }
        /// <summary>When the image was created.</summary>
        public DateTime? Created { get; }
        /// <summary>True when this call built it; false when it existed already.</summary>
        public bool Built { get; }
        /// <summary>The Docker engine it is on.</summary>
        public string Endpoint { get; }
    }
}
