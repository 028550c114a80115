# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# Invoke-SwarmOptimization over real process-isolated deployments, in a temp store of its own.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    $global:OptimizationStore = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-optimization-tests-' + [guid]::NewGuid().ToString('N') + '.db')
    Set-SwarmConfiguration -Reset -StorePath $OptimizationStore -Isolation Process -MaxAgents 2 -Seed 5
}

AfterAll {
    Set-SwarmConfiguration -Reset
    foreach ($suffix in '', '-wal', '-shm') { [System.IO.File]::Delete($OptimizationStore + $suffix) }
}

Describe 'Invoke-SwarmOptimization' {
    It 'streams each trial, then the choice with in- and out-of-sample figures beside buy-and-hold' {
        $out = @(Invoke-SwarmOptimization momentum -Symbol SPY -Trials 6 -Parallel 2 -ValidationSplit 0.3)
        $out | Should -HaveCount 7
        $trials = $out | Select-Object -First 6
        $trials | ForEach-Object { $_.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmOptimizationTrial' }
        ($trials.Trial | Sort-Object) | Should -Be (1..6)
        $trials | ForEach-Object { $_.Result.Success | Should -BeTrue; $_.Result.UsedSuggestion | Should -BeTrue }
        @($trials | ForEach-Object { "$($_.Parameters.lookback)/$($_.Parameters.threshold)" } | Select-Object -Unique) | Should -HaveCount 6

        $choice = $out[-1]
        $choice.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmOptimizationResult'
        $choice.Validation | Should -Be 'split 0.3'
        $choice.Seed | Should -Be 5
        $choice.OutOfSample.Bars | Should -Be 780
        $choice.OutOfSample.StartDate | Should -BeGreaterThan $choice.InSample.EndDate
        $choice.OutOfSample.BuyAndHoldSharpe | Should -Not -Be 0
        # The chosen parameters deploy as they are.
        (Start-Swarm momentum -Symbol SPY -Parameters $choice.Parameters).Success | Should -BeTrue
    }

    It 'is repeatable with -Seed and re-tunes each walk-forward fold' {
        $a = Invoke-SwarmOptimization momentum -Symbol QQQ -Trials 5 -WalkForward 2 -WalkForwardMode Rolling -Seed 9 | Select-Object -Last 1
        $b = Invoke-SwarmOptimization momentum -Symbol QQQ -Trials 5 -WalkForward 2 -WalkForwardMode Rolling -Seed 9 | Select-Object -Last 1
        $a.FoldParameters | Should -HaveCount 2
        $a.Validation | Should -Be 'walk-forward 2 rolling'
        $b.Parameters.lookback | Should -Be $a.Parameters.lookback
        $b.OutOfSample.Score | Should -Be $a.OutOfSample.Score
    }

    It 'refuses a split and walk-forward together, and a held parameter outside the searched range' {
        { Invoke-SwarmOptimization momentum -ValidationSplit 0.3 -WalkForward 3 } | Should -Throw -ErrorId 'AmbiguousParameterSet,*'
        { Invoke-SwarmOptimization momentum -Trials 3 -Parameters @{ lookback = 5000 } -ErrorAction Stop } |
            Should -Throw -ExpectedMessage "*lookback*5000*"
    }

    It 'shows the seed in the configuration' {
        (Get-SwarmConfiguration).Seed | Should -Be 5
    }
}
