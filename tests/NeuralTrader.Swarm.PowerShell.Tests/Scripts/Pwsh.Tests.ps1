# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# What users meet in a real pwsh: the format views, help, tab completion, jobs and Stop-Job, ShouldProcess,
# -ErrorAction, and the results in the usual pipeline cmdlets.

BeforeDiscovery {
    # The help cases are one per exported cmdlet, so discovery needs the manifest's list.
    $manifest = "$PSScriptRoot/../../../output/NeuralTrader.Swarm/" + ([xml](Get-Content "$PSScriptRoot/../../../Directory.Build.props" -Raw)).Project.PropertyGroup.Version.Where({ $_ })[0] + '/NeuralTrader.Swarm.psd1'
    $cmdlets = @((Test-ModuleManifest -Path $manifest).ExportedCmdlets.Keys | Sort-Object)
}

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

Describe 'Format views' {
    It 'shows results as a narrow table with the main figures' {
        $lines = @(($results | Format-Table | Out-String -Width 250) -split "`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Strategy\s+Symbol\s+Status\s+Return\s+Sharpe\s+MaxDD\s+Trades\s+Signal'
        $lines.Count | Should -Be 6
        ($lines | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        $lines[2] | Should -Match '\d+[.,]\d+ %'
    }

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

    It 'lists a result with its numbers and ids' {
        $text = $results[0] | Format-List | Out-String -Width 250
        foreach ($p in 'Strategy', 'Symbol', 'Status', 'TotalReturn', 'Sharpe', 'MaxDrawdown', 'TrajectoryId') { $text | Should -Match "(?m)^$p\s+:" }
    }

    It 'shows status and configuration as lists' {
        (Get-SwarmStatus | Out-String) | Should -Match '(?m)^TotalExecutions\s+: \d+'
        (Get-SwarmConfiguration | Out-String) | Should -Match '(?m)^Isolation\s+: Process'
    }

    It 'shows registered strategies as a table' {
        Register-Strategy -Name fmt-trend -Type momentum -Symbol SPY, QQQ
        $text = Get-Strategy fmt-trend | Format-Table | Out-String -Width 250
        $text | Should -Match '(?m)^Name\s+Type\s+Symbols'
        $text | Should -Match 'fmt-trend\s+momentum\s+\{?SPY, QQQ'
        Unregister-Strategy fmt-trend -Confirm:$false
    }
}

Describe 'Help' {
    It 'gives <_> a synopsis, a description and examples' -ForEach $cmdlets {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+\s*(\[|$)'
        ($help.description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @((Get-Help $_ -Examples).examples.example).Count | Should -BeGreaterThan 0
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

    It 'asks before unregistering and keeps the strategy when declined by -WhatIf' {
        Register-Strategy -Name keep-me -Type momentum -Symbol SPY
        Unregister-Strategy keep-me -WhatIf
        Get-Strategy keep-me | Should -Not -BeNullOrEmpty
        Unregister-Strategy keep-me -Confirm:$false
        Get-Strategy keep-me -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'throws with -ErrorAction Stop and stays quiet with SilentlyContinue' {
        { Start-Swarm -Strategy not-registered -ErrorAction Stop } | Should -Throw -ErrorId 'StrategyNotRegistered,*'
        $null = Start-Swarm -Strategy not-registered -ErrorAction SilentlyContinue -ErrorVariable failures
        $failures | Should -HaveCount 1
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $failures[0].TargetObject | Should -Not -BeNullOrEmpty
    }

    It 'writes verbose output only with -Verbose' {
        @(Start-Swarm -Strategy momentum -Symbol SPY 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        @(Start-Swarm -Strategy momentum -Symbol SPY -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
    }
}

Describe 'Results in the pipeline cmdlets' {
    It 'converts to JSON with the figures' {
        $json = $results | Select-Object Strategy, Symbol, TotalReturn, Sharpe, Success | ConvertTo-Json | ConvertFrom-Json
        $json | Should -HaveCount 4
        ($json | Where-Object { $_.Strategy -eq 'momentum' -and $_.Symbol -eq 'SPY' }).TotalReturn | Should -BeOfType [double]
        # The whole result too: nested backtest included, no serialisation error.
        { $results[0] | ConvertTo-Json -Depth 4 -WarningAction Stop } | Should -Not -Throw
    }

    It 'exports to CSV and reads back' {
        $csv = Join-Path $TestDrive 'results.csv'
        $results | Export-Csv -Path $csv
        $back = Import-Csv $csv
        $back | Should -HaveCount 4
        @($back.Strategy | Sort-Object -Unique) | Should -Be @('mean-reversion', 'momentum')
        [double]$back[0].Sharpe | Should -Be $results[0].Sharpe
    }

    It 'sorts, groups and selects' {
        $sorted = @($results | Sort-Object Sharpe -Descending)
        $sorted[0].Sharpe | Should -Be ($results.Sharpe | Measure-Object -Maximum).Maximum
        $groups = $results | Group-Object Strategy
        $groups | Should -HaveCount 2
        $groups | ForEach-Object Count | Should -Be @(2, 2)
        ($results | Select-Object -ExpandProperty Symbol | Sort-Object -Unique) | Should -Be @('QQQ', 'SPY')
        ($results | Measure-Object TotalReturn -Average).Average | Should -BeOfType [double]
    }
}
