# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# The original guide's intraday example as written in PowerShell: a strategy registered with interval '1min' on
# minute bars. No intraday sample with a clear licence can be bundled, so the bars are written by a rule here:
# three sessions (2025-01-06 to 08), 09:30 to 15:59 New York time (-05:00), close(k) = close(k-1) * (1 + 0.001 sin(k/9)).

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    $global:MinuteData = Join-Path $TestDrive 'minute'
    $null = New-Item -ItemType Directory -Path $MinuteData
    $inv = [System.Globalization.CultureInfo]::InvariantCulture
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('Datetime,Open,High,Low,Close,Volume')
    $close = 100.0; $k = 0
    foreach ($day in '2025-01-06', '2025-01-07', '2025-01-08') {
        for ($b = 0; $b -lt 390; $b++) {
            $t = [datetime]::ParseExact($day, 'yyyy-MM-dd', $inv).AddMinutes(570 + $b)
            $open = $close
            $close = $open * (1 + 0.001 * [math]::Sin(($k++) / 9.0))
            $lines.Add([string]::Format($inv, '{0:yyyy-MM-dd HH:mm:ss}-05:00,{1:R},{2:R},{3:R},{4:R},1000', $t, $open, [math]::Max($open, $close) * 1.0005, [math]::Min($open, $close) * 0.9995, $close))
        }
    }
    [System.IO.File]::WriteAllLines((Join-Path $MinuteData 'SPY.1min.csv'), $lines)
}

Describe 'The original guide, intraday' {
    It 'registers a strategy with interval 1min and backtests it on minute bars, annualised by the bar interval' {
        $c = New-SwarmCoordinator -Isolation Process -DataPath $MinuteData -StorePath (Join-Path $TestDrive 'intraday.db')
        try {
            Register-Strategy -Coordinator $c -Name scalper -Type momentum -Symbol SPY -Parameters @{ interval = '1min'; lookback = 30 }
            $r = Start-Swarm -Coordinator $c scalper
            $r.Success | Should -BeTrue -Because $r.Error
            $r.Backtest.Metrics.Interval | Should -Be '1min'
            $r.Backtest.Metrics.Bars | Should -Be 1170
            $r.Backtest.Metrics.BarsPerYear | Should -Be (252 * 390)
            $r.Period | Should -BeLike '2025-01-06T09:30*..2025-01-08T15:59*'
            # Daily bars of the same symbol stay reachable beside the minute ones.
            (Start-Swarm -Coordinator $c momentum -Symbol SPY).Backtest.Metrics.Interval | Should -Be '1d'
        }
        finally { $c.Dispose() }
    }
}
