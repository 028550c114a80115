# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# What users meet in a real pwsh, beside Pipeline.Tests.ps1: the Backtest view, tab completion of registered names,
# jobs under Stop-Job, ShouldProcess on every state-changing verb, and -Verbose.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    $script:store = Join-Path $TestDrive 'store'
    $null = New-Item -ItemType Directory -Path $store
    Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -SandboxTimeout 120000 -StorePath $store
    $script:results = @(Start-Swarm -Strategy momentum, mean-reversion -Symbol SPY, QQQ)
}

AfterAll {
    Set-SwarmConfiguration -Reset -Isolation Process
}

Describe 'Named views' {
    It 'shows the backtest beside buy-and-hold with -View Backtest' {
        $lines = @(($results | Format-Table -View Backtest | Out-String -Width 250) -split "`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Strategy\s+Symbol\s+Period\s+Return\s+Annual\s+Sharpe\s+MaxDD\s+Exposure\s+B&H Return\s+B&H Annual\s+B&H Sharpe'
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        $spy = $results | Where-Object { $_.Strategy -eq 'momentum' -and $_.Symbol -eq 'SPY' }
        $row = $lines | Where-Object { $_ -match '^momentum\s+SPY\s' }
        $row | Should -Match ([regex]::Escape(('{0:P1}' -f $spy.Backtest.Metrics.BuyAndHold.Return)))
        $row | Should -Match ([regex]::Escape(('{0:P1}' -f $spy.Backtest.Metrics.AnnualizedReturn)))
        $row | Should -Match '\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}'
    }
}

Describe 'Tab completion' {
    It 'completes registered and built-in strategy names for -Strategy' {
        Register-Strategy -Name tab-trend -Type momentum -Symbol SPY
        try {
            $script = 'Start-Swarm -Strategy tab-'
            (TabExpansion2 -inputScript $script -cursorColumn $script.Length).CompletionMatches.CompletionText | Should -Contain 'tab-trend'
            $script = 'Start-Swarm -Strategy mean'
            (TabExpansion2 -inputScript $script -cursorColumn $script.Length).CompletionMatches.CompletionText | Should -Contain 'mean-reversion'
        }
        finally { Unregister-Strategy tab-trend -Confirm:$false }
    }

    It 'completes bundled symbols for -Symbol' {
        $script = 'Start-Swarm -Strategy momentum -Symbol Q'
        @((TabExpansion2 -inputScript $script -cursorColumn $script.Length).CompletionMatches.CompletionText) | Should -Be @('QQQ')
    }
}

Describe 'Jobs' {
    It 'returns results through Receive-Job' {
        $job = Start-Swarm -Strategy momentum -Symbol IWM -AsJob
        $r = @($job | Wait-Job -Timeout 120 | Receive-Job)
        $job | Remove-Job
        $r | Should -HaveCount 1
        $r[0].PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmResult'
        $r[0].Success | Should -BeTrue
    }

    It 'Stop-Job stops a running swarm and leaves no sandbox or runner process' {
        $job = Start-Swarm -Strategy neural-forecast -Symbol SPY, QQQ, IWM, TSLA -Agents 24 -AsJob
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ($job.Output.Count -eq 0 -and $job.State -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { [System.Threading.Thread]::Sleep(50) }
        $job | Stop-Job
        $job.State | Should -Be 'Stopped'
        @($job.Output | Where-Object Success).Count | Should -BeLessThan 24
        Get-SwarmSandbox | Should -BeNullOrEmpty
        (Get-SwarmStatus).RunningSwarms | Should -Be 0
        # Process sandboxes are children of this pwsh: none may outlive the stop.
        @(Get-Process | Where-Object { $_.Parent.Id -eq $PID -and $_.Id -ne $PID }) | Should -BeNullOrEmpty
        $job | Remove-Job
    }
}

Describe 'Common parameters' {
    It 'makes every state-changing cmdlet support -WhatIf and -Confirm' {
        $changing = Get-Command -Module NeuralTrader.Swarm | Where-Object Verb -In 'Set', 'Register', 'Unregister', 'Start', 'Stop', 'Clear', 'Reset', 'Import', 'Export', 'Build'
        $changing.Count | Should -BeGreaterThan 8
        foreach ($c in $changing) {
            $c.Parameters.Keys | Should -Contain 'WhatIf' -Because "$($c.Name) changes state"
            $c.Parameters.Keys | Should -Contain 'Confirm' -Because "$($c.Name) changes state"
        }
    }

    It 'writes verbose output only with -Verbose' {
        @(Start-Swarm -Strategy momentum -Symbol SPY 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        @(Start-Swarm -Strategy momentum -Symbol SPY -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
    }
}
