# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# What a user sees and does in real pwsh: the default views, Get-Help, the common parameters, the usual
# pipeline cmdlets on the results, and stopping a swarm from the host. Process sandboxes, a temp store.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    $global:PipelineStore = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-pipeline-tests-' + [guid]::NewGuid().ToString('N') + '.db')
    Set-SwarmConfiguration -Reset -Isolation Process -MaxAgents 2 -StorePath $PipelineStore
    $global:PipelineResults = @(Start-Swarm momentum, mean-reversion -Symbol SPY, QQQ)
    # Runner processes this pwsh started, to show a stopped swarm leaves none.
    function global:Get-OwnRunner { @(Get-Process | Where-Object { $_.Parent.Id -eq $PID -and $_.ProcessName -like '*Runner*' }) }
}

AfterAll {
    Set-SwarmConfiguration -Reset
    foreach ($suffix in '', '-wal', '-shm') { [System.IO.File]::Delete($PipelineStore + $suffix) }
}

Describe 'Default views' {
    It 'shows results as a narrow table of what a trader reads first' {
        $text = $PipelineResults | Format-Table | Out-String -Width 200
        $header = ($text -split "`n" | Where-Object { $_ -match 'Strategy' } | Select-Object -First 1)
        foreach ($column in 'Strategy', 'Symbol', 'Status', 'Annual', 'B&H Annual', 'Sharpe', 'MaxDD', 'Exposure', 'Trades', 'Signal', 'Duration') {
            $header | Should -Match ([regex]::Escape($column))
        }
        $header | Should -Not -Match 'AgentId'
        ($text -split "`n" | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 120
        $text | Should -Match '\d+\.\d %'
    }

    It 'renders every output type as a table and a list without errors' {
        $objects = @(
            $PipelineResults[0]
            Get-SwarmConfiguration
            Get-SwarmStatus
            Get-SwarmLearningStats
            Get-SwarmSuggestion momentum -Symbol SPY
            Get-SwarmTrajectory -First 1
            Register-Strategy -Name viewed -Type momentum -Force -PassThru
            Invoke-SwarmOptimization momentum -Trials 2 -ValidationSplit 0.3
            Test-SwarmStore
        )
        foreach ($o in $objects) {
            { $o | Format-Table | Out-String } | Should -Not -Throw
            ($o | Format-List | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because $o.GetType().Name
        }
    }
}

Describe 'Get-Help' {
    It 'documents every cmdlet with a synopsis, a description, its parameters and an example' {
        foreach ($name in (Get-Command -Module NeuralTrader.Swarm).Name) {
            $help = Get-Help $name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty -Because $name
            $help.Synopsis | Should -Not -BeLike "$name *" -Because "$name has a real synopsis, not its syntax"
            ($help.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because $name
            @($help.examples.example).Count | Should -BeGreaterThan 0 -Because $name
            foreach ($p in @($help.parameters.parameter)) {
                ($p.description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "$name -$($p.name)"
            }
            (Get-Help $name -Examples | Out-String) | Should -Match 'EXAMPLE 1|Example 1'
        }
    }

    It 'has the about topic' {
        (Get-Help about_NeuralTrader.Swarm | Out-String) | Should -Match 'Start-Swarm'
    }
}

Describe 'Results in the pipeline' {
    It 'round-trips through ConvertTo-Json' {
        $json = $PipelineResults | Select-Object Strategy, Symbol, Status, AnnualizedReturn, Sharpe, Parameters | ConvertTo-Json -Depth 3
        $back = $json | ConvertFrom-Json
        $back | Should -HaveCount 4
        $back[0].Symbol | Should -Be $PipelineResults[0].Symbol
        $back[0].Sharpe | Should -Be $PipelineResults[0].Sharpe
        $back[0].Parameters.lookback, $back[0].Parameters.entryZ | Where-Object { $null -ne $_ } | Should -Not -BeNullOrEmpty
    }

    It 'exports to CSV and sorts, groups and selects' {
        $csv = Join-Path $TestDrive 'results.csv'
        $PipelineResults | Export-Csv -Path $csv -NoTypeInformation
        $rows = Import-Csv $csv
        $rows | Should -HaveCount 4
        ($rows | Select-Object -ExpandProperty Symbol | Sort-Object -Unique) | Should -Be @('QQQ', 'SPY')
        $best = $PipelineResults | Sort-Object Sharpe -Descending | Select-Object -First 1
        $best.Sharpe | Should -Be ($PipelineResults | Measure-Object Sharpe -Maximum).Maximum
        $groups = $PipelineResults | Group-Object Strategy
        $groups | Should -HaveCount 2
        $groups | ForEach-Object { $_.Count | Should -Be 2 }
    }

    It 'stops early under Select-Object -First and leaves no sandbox running' {
        $first = Start-Swarm momentum -Symbol SPY, QQQ, IWM, TSLA -Agents 8 | Select-Object -First 1
        $first | Should -HaveCount 1
        Get-SwarmSandbox | Should -BeNullOrEmpty
        Get-OwnRunner | Should -BeNullOrEmpty
    }
}

Describe 'Common parameters' {
    It 'turns a failed deployment into a terminating error with -ErrorAction Stop' {
        { Start-Swarm momentum -Parameters @{ lookback = -1 } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameter,*'
    }

    It 'keeps failures quiet but recorded with -ErrorAction SilentlyContinue -ErrorVariable' {
        $r = Start-Swarm momentum -Parameters @{ lookback = -1 } -ErrorAction SilentlyContinue -ErrorVariable failures
        $r.Success | Should -BeFalse
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeLike 'InvalidParameter,*'
        $failures[0].Exception.Message | Should -Match 'lookback'
    }

    It 'asks before state changes with -Confirm and -WhatIf' {
        Register-Strategy -Name confirm-me -Type momentum -Force
        Unregister-Strategy -Name confirm-me -WhatIf
        Get-Strategy confirm-me | Should -Not -BeNullOrEmpty
        (Get-Command Unregister-Strategy).Parameters.ContainsKey('Confirm') | Should -BeTrue
        Unregister-Strategy -Name confirm-me -Confirm:$false
        Get-Strategy confirm-me -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }
}

Describe 'Stopping from the host' {
    It 'stops a running swarm with [PowerShell]::Stop() and leaves no runner behind' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -StorePath '$PipelineStore'; Start-Swarm neural-forecast -Symbol SPY, QQQ -Agents 12")
            $async = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(60)
            while ((Get-OwnRunner).Count -eq 0 -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            (Get-OwnRunner).Count | Should -BeGreaterThan 0 -Because 'the swarm was running when it was stopped'
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -BeIn 'Stopped', 'Completed'
        }
        finally { $ps.Dispose() }
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ((Get-OwnRunner).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
        Get-OwnRunner | Should -BeNullOrEmpty
    }
}
