# Quick start: backtest the built-in strategies on the bundled daily data and keep the successful runs.
# Uses only Core cmdlets, so it also runs in a bare hosted engine.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

Set-SwarmConfiguration -Isolation Process -MaxAgents 4

$results = Start-Swarm -Strategy momentum, mean-reversion -Symbol SPY, QQQ | Where-Object Success

foreach ($r in $results) {
    '{0,-15} {1,-5} return {2,8:P2}  sharpe {3,6:N2}  max drawdown {4,7:P2}  trades {5,4}  signal {6}' -f
        $r.Strategy, $r.Symbol, $r.TotalReturn, $r.Sharpe, $r.MaxDrawdown, $r.Trades, $r.Signal
}
