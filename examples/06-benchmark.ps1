# Benchmark: run a small load scenario, gate on the thresholds, and read the recommendations.
# Uses only Core cmdlets (files through .NET), so it also runs in a bare hosted engine.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

Set-SwarmConfiguration -Isolation Process -MaxAgents 2

$out = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-benchmark-' + [guid]::NewGuid().ToString('N'))
try {
    # A custom scenario: 2 agents x 3 iterations of momentum and mean-reversion, cycling over SPY and QQQ.
    # The thresholds are loose so the example passes on a slow machine; a failed one writes a
    # BenchmarkThresholdFailed error (add -ErrorAction Stop to make a failed gate terminating).
    $report = Invoke-SwarmBenchmark -Scenario @{ Name = 'example'; Agents = 2; Iterations = 3 } `
        -Strategy momentum, mean-reversion -Symbol SPY, QQQ -OutputDirectory $out `
        -MaxLatencyMs 600000 -MinThroughput 0.01 -MaxErrorRate 0.5 -MinSuccessRate 0.5

    'Passed: {0}  ({1} executions, isolation {2})' -f $report.Passed, $report.Executions, $report.Isolation
    foreach ($s in $report.Scenarios) {
        '{0,-10} {1} x {2}  success {3:P1}  p50 {4:N0} ms  p95 {5:N0} ms  p99 {6:N0} ms  {7:N2} ops/s' -f
            $s.Name, $s.Agents, $s.Iterations, $s.SuccessRate, $s.Latency.P50Ms, $s.Latency.P95Ms, $s.Latency.P99Ms, $s.ThroughputPerSecond
    }
    foreach ($t in $report.ThresholdResults) { '  {0,-5} {1}' -f $(if ($t.Passed) { 'pass' } else { 'FAIL' }), $t.Message }
    'HTML report with charts: {0}' -f $report.HtmlPath

    # The same rules on the session's counters and learning store.
    foreach ($r in Get-SwarmRecommendation) { '[{0}] {1}: {2} -> {3}' -f $r.Severity, $r.Category, $r.Finding, $r.Recommendation }

    if (-not [System.IO.File]::Exists($report.HtmlPath)) { throw 'The HTML report was not written.' }
}
finally {
    if ([System.IO.Directory]::Exists($out)) { [System.IO.Directory]::Delete($out, $true) }
}
