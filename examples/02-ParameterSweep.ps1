# Parameter sweep: one swarm deploys a grid of momentum parameters as hashtables; results stream in as
# each deployment completes, and the best Sharpe ratio wins.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

Set-SwarmConfiguration -Isolation Process -MaxAgents 4

$grid = foreach ($lookback in 10, 20, 40) {
    foreach ($threshold in 0.01, 0.03) {
        @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ lookback = $lookback; threshold = $threshold } }
    }
}

$best = $null
$grid | Start-Swarm | Where-Object Success | ForEach-Object {
    "lookback {0,3}  threshold {1:N2}  sharpe {2,6:N2}" -f $_.Parameters.lookback, $_.Parameters.threshold, $_.Sharpe
    if ($null -eq $best -or $_.Sharpe -gt $best.Sharpe) { $best = $_ }
}
"Best: lookback $($best.Parameters.lookback), threshold $($best.Parameters.threshold), Sharpe $([math]::Round($best.Sharpe, 2))"
