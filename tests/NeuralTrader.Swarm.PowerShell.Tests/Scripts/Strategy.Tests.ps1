# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# $ModuleManifest is set by the host; under Invoke-Pester it defaults to the staged module.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    # Registrations and trajectories persist in the store: each file gets its own, apart from the user's and other files'.
    $global:SwarmTestStore = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-tests-' + [guid]::NewGuid().ToString('N') + '.db')
    Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -StorePath $SwarmTestStore
}

Describe 'Register-Strategy and Get-Strategy' {
    BeforeEach {
        Get-Strategy | Unregister-Strategy -Confirm:$false
    }

    It 'registers a strategy and lists it with its symbols and parameters' {
        Register-Strategy -Name fast -Type momentum -Symbol spy, QQQ -Lookback 10 -Threshold 0.01
        $s = Get-Strategy -Name fast
        $s.Name | Should -BeExactly 'fast'
        $s.Type | Should -Be 'momentum'
        $s.Symbols | Should -HaveCount 2
        $s.Symbols[0] | Should -BeExactly 'SPY'
        $s.Parameters.lookback | Should -Be 10
        $s.Parameters.threshold | Should -Be 0.01
    }

    It 'finds strategies by wildcard' {
        Register-Strategy -Name momentum-fast -Type momentum -Lookback 5
        Register-Strategy -Name momentum-slow -Type momentum -Lookback 60
        Register-Strategy -Name revert -Type mean-reversion -Parameters @{ entryZ = 1.5 }
        Get-Strategy -Name 'momentum-*' | Should -HaveCount 2
        Get-Strategy -Name '*e*' | Should -HaveCount 3
        Get-Strategy -Name 'nothing-*' | Should -BeNullOrEmpty
        (Get-Strategy revert).Parameters.entryZ | Should -Be 1.5
    }

    It 'takes names from the pipeline' {
        Register-Strategy -Name a1 -Type momentum
        Register-Strategy -Name a2 -Type mean-reversion
        'a1', 'a2' | Get-Strategy | Should -HaveCount 2
    }

    It 'writes the registration with -PassThru only' {
        Register-Strategy -Name quiet -Type momentum | Should -BeNullOrEmpty
        (Register-Strategy -Name loud -Type momentum -PassThru).Name | Should -Be 'loud'
    }

    It 'refuses a duplicate name unless -Force' {
        Register-Strategy -Name dup -Type momentum
        { Register-Strategy -Name dup -Type mean-reversion -ErrorAction Stop } | Should -Throw -ErrorId 'StrategyAlreadyRegistered,*'
        Register-Strategy -Name dup -Type mean-reversion -Force
        (Get-Strategy dup).Type | Should -Be 'mean-reversion'
    }

    It 'puts a duplicate in the ResourceExists category' {
        Register-Strategy -Name dup2 -Type momentum
        Register-Strategy -Name dup2 -Type momentum -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].TargetObject | Should -Be 'dup2'
    }

    It 'rejects an unknown strategy type with UnknownStrategyType' {
        { Register-Strategy -Name bad -Type no-such-type -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownStrategyType,*'
        Get-Strategy | Should -BeNullOrEmpty
    }

    It 'rejects an out-of-range parameter in the hashtable with InvalidParameter' {
        { Register-Strategy -Name neg -Type momentum -Parameters @{ lookback = -5 } -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameter,*'
    }

    It 'checks typed parameters against the strategy catalogue, naming the parameter and its range' {
        # One copy of the ranges: the catalogue's (lookback 1..1000), not a second one on the cmdlet.
        { Register-Strategy -Name neg -Type momentum -Lookback 5000 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameter,*'
        try { Register-Strategy -Name neg -Type momentum -Lookback 5000 -ErrorAction Stop } catch { $_.Exception.Message | Should -Match 'lookback.*1000' }
        { Register-Strategy -Name both -Type momentum -PositionSize 10 -Allocation 0.5 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameter,*'
        (Register-Strategy -Name half -Type momentum -Allocation 0.5 -Force -PassThru).Parameters.allocation | Should -Be 0.5
    }

    It 'rejects a symbol without data' {
        Register-Strategy -Name nodata -Type momentum -Symbol NOSUCHSYMBOL -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeExactly 'UnknownSymbol,NeuralTrader.Swarm.Commands.RegisterStrategyCommand'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $err[0].Exception.Message | Should -Match 'SPY'
    }

    It 'keeps the store as swarm.db inside an existing -StorePath folder, relative to the current location' {
        $null = New-Item -ItemType Directory -Path TestDrive:/store
        Push-Location TestDrive:/
        try {
            # In real pwsh Set-Location leaves the process directory alone: ./store must resolve against PowerShell's location.
            Set-SwarmConfiguration -StorePath ./store
            Register-Strategy -Name in-folder -Type momentum -Symbol SPY
        }
        finally {
            Pop-Location
            Set-SwarmConfiguration -StorePath $SwarmTestStore
        }
        Test-Path -LiteralPath (Join-Path (Get-Item TestDrive:/store).FullName 'swarm.db') | Should -BeTrue
    }

    It 'errors for a name that is not registered' {
        { Get-Strategy -Name missing -ErrorAction Stop } | Should -Throw -ErrorId 'StrategyNotRegistered,*'
    }

    It 'completes strategy types and symbols' {
        $line = 'Register-Strategy -Name x -Type mom'
        $types = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $types[0].CompletionText | Should -Be 'momentum'
        $line = 'Start-Swarm momentum -Symbol QQ'
        $symbols = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $symbols[0].CompletionText | Should -Be 'QQQ'
        Register-Strategy -Name zeta-one -Type momentum
        $line = 'Start-Swarm zeta'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches[0].CompletionText | Should -Be 'zeta-one'
    }
}

Describe 'Unregister-Strategy' {
    BeforeEach {
        Get-Strategy | Unregister-Strategy -Confirm:$false
        Register-Strategy -Name keep -Type momentum
        Register-Strategy -Name drop-1 -Type momentum
        Register-Strategy -Name drop-2 -Type mean-reversion
    }

    It 'changes nothing with -WhatIf' {
        Get-Strategy drop-* | Unregister-Strategy -WhatIf
        Get-Strategy | Should -HaveCount 3
    }

    It 'removes what is piped in by name' {
        Get-Strategy drop-* | Unregister-Strategy -Confirm:$false
        (Get-Strategy).Name | Should -Be 'keep'
    }

    It 'errors for a name that is not registered' {
        Unregister-Strategy -Name ghost -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be 'StrategyNotRegistered,NeuralTrader.Swarm.Commands.UnregisterStrategyCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
