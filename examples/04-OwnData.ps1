# Your own data: point -DataPath at a folder of SYMBOL.csv files (Yahoo-style Date,Open,High,Low,Close,Volume).
# Here the folder is made from the bundled SPY history under a new symbol name.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

$module = Get-Module NeuralTrader.Swarm
$bundled = [System.IO.Path]::Combine($module.ModuleBase, 'module', 'data', 'SPY.csv')
$folder = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), "swarm-data-$PID")
$null = [System.IO.Directory]::CreateDirectory($folder)
try {
    [System.IO.File]::Copy($bundled, [System.IO.Path]::Combine($folder, 'MYFUND.csv'), $true)
    Set-SwarmConfiguration -Isolation Process -DataPath $folder

    $r = Start-Swarm -Strategy mean-reversion -Symbol MYFUND
    "{0} on {1}: {2}, return {3:P2} over {4} bars, signal {5}" -f $r.Strategy, $r.Symbol, $r.Status, $r.TotalReturn, $r.Backtest.Metrics.Bars, $r.Signal
}
finally {
    Set-SwarmConfiguration -Reset
    [System.IO.Directory]::Delete($folder, $true)
}
