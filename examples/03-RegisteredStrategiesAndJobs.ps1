# Registered strategies, a background job and error handling: deploy registered strategies with several
# agents each in a job, collect the results, and report failed deployments by their stable error id.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

# A coordinator of its own, with its own store, so only the strategies registered here are deployed.
$store = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "swarm-example-$PID.db")
$coordinator = New-SwarmCoordinator -Isolation Process -MaxAgents 3 -StorePath $store
try {
    Register-Strategy -Coordinator $coordinator -Name trend -Type momentum -Symbol SPY, QQQ, IWM -Lookback 30
    Register-Strategy -Coordinator $coordinator -Name revert -Type mean-reversion -Symbol TSLA -EntryZ 1.5 -ExitZ 0.25

    $job = Get-Strategy -Coordinator $coordinator | Start-Swarm -Coordinator $coordinator -Agents 3 -AsJob
    $results = $job | Wait-Job | Receive-Job
    $job | Remove-Job
    foreach ($r in $results) { '{0,-7} {1,-5} {2,-9} return {3:P2}' -f $r.Strategy, $r.Symbol, $r.Status, $r.TotalReturn }

    # A bad parameter fails that deployment only; the error record carries the id and the failed result.
    Start-Swarm -Coordinator $coordinator -Strategy trend -Parameters @{ lookback = -5 } -ErrorAction SilentlyContinue -ErrorVariable failures | Out-Null
    foreach ($f in $failures) { "Failed as expected: $($f.FullyQualifiedErrorId) ($($f.CategoryInfo.Category))" }

    $status = Get-SwarmStatus -Coordinator $coordinator
    "Executions: $($status.TotalExecutions), succeeded: $($status.SuccessfulExecutions), sandboxes left: $($status.ActiveSandboxes)"
}
finally {
    $coordinator.Dispose()
    foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::GetDirectoryName($store), [System.IO.Path]::GetFileName($store) + '*')) { [System.IO.File]::Delete($file) }
}
