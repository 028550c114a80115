# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# These need the strategies library and the runner: deployments run for real in process sandboxes.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    # Registrations and trajectories persist in the store: each file gets its own, apart from the user's and other files'.
    $global:SwarmTestStore = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-tests-' + [guid]::NewGuid().ToString('N') + '.db')
    Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -SandboxTimeout 120000 -StorePath $SwarmTestStore
}

Describe 'Start-Swarm' {
    It 'backtests one strategy on bundled data' {
        $r = Start-Swarm -Strategy momentum -Symbol SPY
        $r | Should -HaveCount 1
        $r.Success | Should -BeTrue
        $r.Status | Should -Be 'Succeeded'
        $r.Strategy | Should -Be 'momentum'
        $r.Symbol | Should -Be 'SPY'
        $r.Trades | Should -BeGreaterThan 0
        $r.Signal | Should -Match '^(Buy|Sell|Hold)$'
        $r.SandboxId | Should -Not -BeNullOrEmpty
        $r.AgentId | Should -Not -BeNullOrEmpty
        $r.Error | Should -BeNullOrEmpty
        $r.Parameters.lookback | Should -Be 20
        $r.Backtest.Metrics.Bars | Should -BeGreaterThan 100
        $r.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmResult'
    }

    It 'fans out over -Symbol and pipes into Where-Object and ForEach-Object' {
        $symbols = Start-Swarm -Strategy momentum -Symbol SPY, QQQ, IWM, TSLA | Where-Object Success | ForEach-Object { $_.Symbol }
        $symbols | Should -HaveCount 4
        ($symbols -contains 'TSLA') | Should -BeTrue
    }

    It 'spreads -Agents across the registered strategy''s symbols' {
        Register-Strategy -Name spread -Type momentum -Symbol SPY, QQQ -Force
        $r = Start-Swarm -Strategy spread -Agents 4
        $r | Should -HaveCount 4
        ($r | Where-Object Symbol -EQ 'SPY') | Should -HaveCount 2
        ($r | Where-Object Symbol -EQ 'QQQ') | Should -HaveCount 2
        # A backtest is deterministic: the second round tries other parameters instead of repeating the first.
        @($r | ForEach-Object { '{0}:{1}' -f $_.Symbol, $_.Parameters.lookback } | Select-Object -Unique) | Should -HaveCount 4
    }

    It 'runs one deployment per registered symbol unless -Symbol overrides them' {
        Register-Strategy -Name trio -Type momentum -Symbol SPY, QQQ, IWM -Lookback 30 -Force
        $r = Start-Swarm -Strategy trio
        ($r.Symbol | Sort-Object) | Should -Be @('IWM', 'QQQ', 'SPY')   # results stream as they settle
        $r | ForEach-Object { $_.Parameters.lookback | Should -Be 30 }
        (Start-Swarm -Strategy trio -Symbol TSLA).Symbol | Should -Be 'TSLA'
    }

    It 'reads symbols inside -Parameters as the original design wrote them' {
        $r = Start-Swarm momentum -Parameters @{ symbols = 'QQQ', 'IWM'; lookback = 25 }
        ($r.Symbol | Sort-Object) | Should -Be @('IWM', 'QQQ')
        $r | ForEach-Object { $_.Parameters.ContainsKey('symbols') | Should -BeFalse }
        { Start-Swarm momentum -Symbol SPY -Parameters @{ symbols = 'QQQ' } -ErrorAction Stop } | Should -Throw -ExpectedMessage '*symbols are given twice*'
    }

    It 'takes strategy objects from Get-Strategy' {
        Register-Strategy -Name piped -Type mean-reversion -Symbol IWM -Force
        $r = Get-Strategy piped | Start-Swarm
        $r.Strategy | Should -Be 'piped'
        $r.Symbol | Should -Be 'IWM'
        $r.Success | Should -BeTrue
    }

    It 'takes deployment hashtables from the pipeline with their own parameters' {
        $r = @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ threshold = 0.03 } },
             @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ threshold = 0.01 } } | Start-Swarm
        $r | Should -HaveCount 2
        ($r | Where-Object { $_.Parameters.threshold -eq 0.03 }) | Should -HaveCount 1
        ($r | Where-Object { $_.Parameters.threshold -eq 0.01 }) | Should -HaveCount 1
    }

    It 'reports a failed deployment as an error record while the others succeed' {
        $r = @{ Strategy = 'momentum'; Symbol = 'SPY' },
             @{ Strategy = 'momentum'; Symbol = 'QQQ'; Parameters = @{ lookback = -5 } },
             @{ Strategy = 'momentum'; Symbol = 'IWM' } | Start-Swarm -ErrorAction SilentlyContinue -ErrorVariable failures
        $r | Should -HaveCount 3
        ($r | Where-Object Success) | Should -HaveCount 2
        $failures | Should -HaveCount 1
        $failures[0].FullyQualifiedErrorId | Should -BeExactly 'InvalidParameter,NeuralTrader.Swarm.Commands.StartSwarmCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $failures[0].TargetObject.Symbol | Should -Be 'QQQ'
        $failures[0].TargetObject.Success | Should -BeFalse
    }

    It 'reports an unknown strategy with StrategyNotRegistered' {
        Start-Swarm -Strategy no-such-strategy -ErrorAction SilentlyContinue -ErrorVariable failures | Out-Null
        $failures[0].FullyQualifiedErrorId | Should -BeExactly 'StrategyNotRegistered,NeuralTrader.Swarm.Commands.StartSwarmCommand'
        $failures[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'streams: the first result arrives before the last deployment finishes' {
        Set-SwarmConfiguration -MaxAgents 1
        try {
            $arrivals = [System.Collections.Generic.List[object]]::new()
            Start-Swarm -Strategy momentum -Symbol SPY, QQQ, IWM, TSLA | ForEach-Object {
                $arrivals.Add([pscustomobject]@{ At = [DateTimeOffset]::UtcNow; Result = $_ })
            }
            $arrivals | Should -HaveCount 4
            $last = $arrivals[3].Result
            $lastFinished = $last.StartedAt + $last.Duration
            $arrivals[0].At | Should -BeLessThan $lastFinished
        }
        finally { Set-SwarmConfiguration -MaxAgents 2 }
    }

    It 'changes nothing with -WhatIf' {
        $before = (Get-SwarmStatus).TotalExecutions
        Start-Swarm -Strategy momentum -Symbol SPY -WhatIf | Should -BeNullOrEmpty
        (Get-SwarmStatus).TotalExecutions | Should -Be $before
    }

    It 'runs as a job with -AsJob' {
        $job = Start-Swarm -Strategy momentum -Symbol SPY, QQQ -AsJob
        $job.PSJobTypeName | Should -Be 'SwarmJob'
        $results = $job | Wait-Job -Timeout 120 | Receive-Job
        $job.State | Should -Be 'Completed'
        $results | Should -HaveCount 2
        ($results | Where-Object Success) | Should -HaveCount 2
        $job | Remove-Job
    }

    It 'writes the engine''s log as verbose output' {
        $verbose = Start-Swarm -Strategy momentum -Symbol SPY -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose | Where-Object { $_.Message -match 'Deploying 1 deployments' }) | Should -HaveCount 1
    }

    It 'keeps its agents warm by default, leaves nothing once cleared, and counts executions' {
        Start-Swarm -Strategy momentum -Symbol SPY | Out-Null
        # The default idle time keeps the agent's sandbox for the next swarm of this session.
        $warm = @(Get-SwarmSandbox)
        $warm.Count | Should -BeGreaterThan 0
        ($warm | Where-Object State -EQ 'Idle') | Should -HaveCount $warm.Count
        Clear-Swarm -Confirm:$false | Should -Be $warm.Count
        Get-SwarmSandbox | Should -BeNullOrEmpty
        $status = Get-SwarmStatus
        $status.TotalExecutions | Should -BeGreaterThan 0
        $status.SuccessfulExecutions | Should -BeGreaterThan 0
        $status.ActiveAgents | Should -Be 0
        $status.Isolation | Should -Be 'process'
    }

    It 'leaves trades and the equity curve out of a sweep of more than 100 deployments unless -ResultDetail Full' {
        $grid = foreach ($lookback in 5..105) { @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ lookback = $lookback } } }
        try {
            # Results stream in as each settles; Index is the input order.
            $compact = @($grid | Start-Swarm | Sort-Object Index)
            Set-SwarmConfiguration -ResultDetail Full
            $full = @($grid | Start-Swarm | Sort-Object Index)
        }
        finally {
            Set-SwarmConfiguration -ResultDetail Auto
        }
        $compact | Should -HaveCount 101
        ($compact | Where-Object Success) | Should -HaveCount 101
        ($compact | ForEach-Object { $_.Backtest.Equity.Count } | Measure-Object -Sum).Sum | Should -Be 0
        ($compact | ForEach-Object { $_.Backtest.Trades.Count } | Measure-Object -Sum).Sum | Should -Be 0
        $full[10].Backtest.Equity.Count | Should -BeGreaterThan 0
        $full[10].Backtest.Trades.Count | Should -BeGreaterThan 0
        # Every figure the compact results keep is the full results' own.
        $compact.Index | Should -Be (0..100)
        $compact.Sharpe | Should -Be $full.Sharpe
        $compact.Trades | Should -Be $full.Trades
        $compact.TotalReturn | Should -Be $full.TotalReturn
    }
}

Describe 'Stop-Swarm and Clear-Swarm' {
    It 'stops a swarm running as a job' {
        $job = Start-Swarm -Strategy neural-forecast -Symbol SPY, QQQ, IWM, TSLA -Agents 40 -AsJob
        $deadline = [DateTime]::UtcNow.AddSeconds(120)
        while ($job.Output.Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { [System.Threading.Thread]::Sleep(50) }
        Stop-Swarm -Confirm:$false
        $null = $job | Wait-Job -Timeout 60
        if ($job.State -ne 'Stopped') {
            throw "The job ended $($job.State): $(@($job.Error | ForEach-Object { $_.FullyQualifiedErrorId + ': ' + $_.Exception }) -join ' | ')"
        }
        # Deployments that had not settled end as Cancelled results; far fewer than 40 succeeded.
        @($job.Output | Where-Object Success).Count | Should -BeLessThan 40
        $cancelled = @($job.Output | Where-Object Status -EQ 'Cancelled').Count
        $cancelled | Should -BeGreaterThan 0
        # Stopped deployments are counted as cancelled, not as failed.
        $status = Get-SwarmStatus
        $status.CancelledExecutions | Should -Be $cancelled
        $status.FailedExecutions | Should -Be ($status.TotalExecutions - $status.SuccessfulExecutions - $cancelled)
        Get-SwarmSandbox | Should -BeNullOrEmpty
        (Get-SwarmStatus).RunningSwarms | Should -Be 0
        $job | Remove-Job
    }

    It 'changes nothing with -WhatIf' {
        Clear-Swarm -WhatIf | Should -BeNullOrEmpty
        Stop-Swarm -WhatIf
    }

    It 'keeps sandboxes warm between swarms with -SandboxIdleTimeout, until Clear-Swarm' {
        Set-SwarmConfiguration -SandboxIdleTimeout 600000
        try {
            $null = Start-Swarm -Strategy momentum -Symbol SPY, QQQ
            $warm = @(Get-SwarmSandbox)
            $warm.Count | Should -BeGreaterThan 0
            ($warm | Where-Object State -EQ 'Idle') | Should -HaveCount $warm.Count
            $second = Start-Swarm -Strategy momentum -Symbol SPY, QQQ
            ($second | Where-Object Success) | Should -HaveCount 2
            ($second | Where-Object { $warm.Id -notcontains $_.SandboxId }) | Should -BeNullOrEmpty
            (Get-SwarmConfiguration).SandboxIdleTimeout | Should -Be ([TimeSpan]::FromMinutes(10))
            Clear-Swarm -Confirm:$false | Should -Be $warm.Count
            Get-SwarmSandbox | Should -BeNullOrEmpty
        }
        finally {
            Set-SwarmConfiguration -SandboxIdleTimeout 300000   # the default
        }
    }

    It 'clears the sandboxes' {
        Clear-Swarm | Should -Be 0   # no prompt, also in a non-interactive host (CI runs pwsh -NonInteractive)
        Get-SwarmSandbox | Should -BeNullOrEmpty
    }
}
