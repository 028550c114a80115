# Learning: every deployment is recorded in an encrypted, tamper-evident trajectory store. Deploy a small
# parameter sweep, read what was learned (statistics, patterns, a suggestion), deploy the suggestion, verify
# the store's chain, and export/import the state. Uses only Core cmdlets, so it also runs in a bare hosted engine.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

# A store of its own in the temp folder (the default is per user), encrypted with a new key. Keep real keys
# in a vault: without the key the trajectories cannot be read.
$store = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "swarm-learning-example-$PID.db")
$export = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "swarm-learning-example-$PID.json")
$copy = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "swarm-learning-example-$PID-copy.db")
$key = New-SwarmEncryptionKey
$coordinator = New-SwarmCoordinator -Isolation Process -MaxAgents 2 -StorePath $store -EncryptionKey $key
try {
    # 1. A sweep over the lookback: each deployment becomes a trajectory with its score and prediction.
    $sweep = foreach ($lookback in 5, 10, 20, 40, 60, 90) {
        @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ lookback = $lookback }; Task = "momentum sweep lookback $lookback on SPY" }
    }
    $results = @($sweep | Start-Swarm -Coordinator $coordinator)
    "Deployed $($results.Count) runs; scores: " + (($results | ForEach-Object { '{0:N3}' -f $_.Score }) -join ', ')

    # 2. What the store has learned.
    $stats = Get-SwarmLearningStats -Coordinator $coordinator
    'Trajectories {0}, mean score {1:N3}, predictions {2}, accuracy {3:P0}' -f $stats.TotalTrajectories, $stats.AvgSuccessRate, $stats.PredictionsMade, $stats.PredictionAccuracy
    foreach ($p in Get-SwarmPattern -Coordinator $coordinator -Strategy momentum -MinObservations 3 -MinConfidence 0.3) {
        '{0,-7} {1}' -f $p.Kind, $p.Description
    }

    # 3. The suggested parameters, and a deployment that uses them.
    $suggestion = Get-SwarmSuggestion -Coordinator $coordinator -Strategy momentum -Symbol SPY
    "Suggestion ($($suggestion.Method), confidence $('{0:P0}' -f $suggestion.Confidence)): $($suggestion.Reasoning)"
    $next = Start-Swarm -Coordinator $coordinator -Strategy momentum -Symbol SPY -Parameters $suggestion.RecommendedParameters
    'Suggested run scored {0:N3} (model expected {1:N3})' -f $next.Score, $suggestion.ExpectedSuccessRate

    # 4. Runs like a task, and the chain check.
    foreach ($t in Get-SwarmTrajectory -Coordinator $coordinator -Similar 'momentum sweep on SPY' -First 3) {
        '{0}  similarity {1:N2}  score {2:N3}  {3}' -f $t.Task, $t.Similarity, $t.Score, $t.Market
    }
    $check = Test-SwarmStore -Coordinator $coordinator
    "Store chain valid: $($check.IsValid) ($($check.RecordsChecked) records)"

    # 5. Export (trajectories stay encrypted in the file) and merge into another store with the same key id.
    $exported = Export-SwarmState -Coordinator $coordinator -Path $export -Force -PassThru
    "Exported $($exported.Trajectories) trajectories to $($exported.Path)"
    $second = New-SwarmCoordinator -Isolation Process -StorePath $copy -EncryptionKey $key
    try {
        $imported = Import-SwarmState -Coordinator $second -Path $export
        "Imported $($imported.Trajectories) trajectories ($($imported.Skipped) already there); copy valid: $(Test-SwarmStore -Coordinator $second -Quiet)"
    }
    finally { $second.Dispose() }
}
finally {
    $coordinator.Dispose()
    foreach ($pattern in "swarm-learning-example-$PID.*", "swarm-learning-example-$PID-copy.*") {
        foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::GetTempPath(), $pattern)) { [System.IO.File]::Delete($file) }
    }
}
