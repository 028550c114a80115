# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# Benchmarks, recommendations and the resilience options, for real in process sandboxes.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    # Only Core cmdlets exist in the hosted engine: files and JSON through .NET.
    $global:BenchTemp = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-bench-' + [guid]::NewGuid().ToString('N'))
    $null = [System.IO.Directory]::CreateDirectory($BenchTemp)
    Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -SandboxTimeout 120000 -StorePath ([System.IO.Path]::Combine($BenchTemp, 'store.db'))
}

AfterAll {
    if ([System.IO.Directory]::Exists($BenchTemp)) { [System.IO.Directory]::Delete($BenchTemp, $true) }
}

Describe 'Invoke-SwarmBenchmark' {
    It 'runs a tiny scenario and writes the report files' {
        $out = [System.IO.Path]::Combine($BenchTemp, 'tiny')
        $report = Invoke-SwarmBenchmark -Scenario @{ Name = 'tiny'; Agents = 2; Iterations = 3 } -Strategy momentum -Symbol SPY `
            -OutputDirectory $out -MaxLatencyMs 600000 -MinThroughput 0 -MaxErrorRate 1 -MinSuccessRate 0
        $report | Should -HaveCount 1
        $report.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmBenchmarkReport'
        ($report.Passed -is [bool]) | Should -BeTrue
        $report.Passed | Should -BeTrue
        $report.Executions | Should -Be 6
        $report.Scenarios[0].Name | Should -Be 'tiny'
        $report.Scenarios[0].Latency.P95Ms | Should -BeGreaterThan 0
        foreach ($path in $report.JsonPath, $report.TextPath, $report.CsvPath, $report.HtmlPath, $report.CoordinatorPath) {
            [System.IO.File]::Exists($path) | Should -BeTrue
            [System.IO.Path]::GetDirectoryName($path) | Should -Be $out
        }
        $json = [System.Text.Json.JsonDocument]::Parse([System.IO.File]::ReadAllText($report.JsonPath))
        $json.RootElement.ValueKind | Should -Be 'Object'
        $json.Dispose()
        # Header plus one row per execution.
        ([System.IO.File]::ReadAllLines($report.CsvPath) | Where-Object { $_ }) | Should -HaveCount 7
        [System.IO.File]::ReadAllText($report.HtmlPath) | Should -Match '<svg'
        # The coordinator report is read after the run: the store holds at least the benchmark's own 6 runs.
        $trajectories = [regex]::Match([System.IO.File]::ReadAllText($report.CoordinatorPath), 'Trajectories:\s+(\d+)').Groups[1].Value
        [int]$trajectories | Should -BeGreaterOrEqual 6
        # The original design's file names and summary.
        [System.IO.Path]::GetFileName($report.JsonPath) | Should -Match '^benchmark-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$'
        $summary = (Get-Content $report.JsonPath -Raw | ConvertFrom-Json).summary
        $summary.totalExecutions | Should -Be 6
        $summary.successRate | Should -Be 1
        $summary.totalDuration | Should -BeGreaterThan 0
    }

    It 'fails an impossible threshold with an error record and still returns the report' {
        $out = [System.IO.Path]::Combine($BenchTemp, 'fail')
        $report = Invoke-SwarmBenchmark -Scenario @{ Name = 'gate'; Agents = 1; Iterations = 2 } -Strategy momentum -Symbol SPY `
            -OutputDirectory $out -MinThroughput 1e9 -ErrorAction SilentlyContinue -ErrorVariable failures
        $report.Passed | Should -BeFalse
        $report.FailedThresholds.Count | Should -BeGreaterThan 0
        ($failures | Where-Object { $_.FullyQualifiedErrorId -like 'BenchmarkThresholdFailed*' }).Count | Should -BeGreaterThan 0
        $failures[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        [System.IO.File]::Exists($report.JsonPath) | Should -BeTrue
    }

    It 'writes per-execution details with -PassThru' {
        $all = Invoke-SwarmBenchmark -Scenario @{ Name = 'pt'; Agents = 1; Iterations = 2 } -Strategy momentum -Symbol SPY `
            -OutputDirectory ([System.IO.Path]::Combine($BenchTemp, 'pt')) -MinThroughput 0 -MaxLatencyMs 600000 -PassThru
        $all | Should -HaveCount 3
        $all[1].Scenario | Should -Be 'pt'
        $all[1].LatencyMs | Should -BeGreaterThan 0
        # Piping it all into Get-SwarmRecommendation analyses the report and passes over the executions.
        $all | Get-SwarmRecommendation -ErrorAction Stop | ForEach-Object { $_.Finding | Should -Match '\d' }
    }

    It 'gives the same learning numbers and learning recommendations as the CLI for the same store' {
        # Both front ends must judge one store alike: two copies of one store, the same benchmark through the
        # deploy-swarm CLI and through Invoke-SwarmBenchmark, then the reports' learning sections compared.
        $cli = $env:NEURALTRADER_TEST_CLI
        if (-not $cli) { $cli = "$((Resolve-Path "$PSScriptRoot/../../..").Path)/src/NeuralTrader.Swarm.Cli/bin/Debug/net10.0/deploy-swarm.dll" }
        $dir = [System.IO.Path]::Combine($BenchTemp, 'parity')
        $null = [System.IO.Directory]::CreateDirectory($dir)
        $seed = [System.IO.Path]::Combine($dir, 'seed.db')
        & dotnet $cli deploy -s momentum -a 6 --symbols SPY,QQQ --isolation process --store $seed 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        $cliStore = [System.IO.Path]::Combine($dir, 'cli.db'); $psStore = [System.IO.Path]::Combine($dir, 'ps.db')
        [System.IO.File]::Copy($seed, $cliStore); [System.IO.File]::Copy($seed, $psStore)

        & dotnet $cli benchmark -s light-load --strategies momentum --symbols SPY --isolation process --store $cliStore `
            -o ([System.IO.Path]::Combine($dir, 'cli')) 2>&1 | Out-Null
        $LASTEXITCODE | Should -Be 0
        $c = New-SwarmCoordinator -Isolation Process -MaxAgents 2 -SandboxTimeout 120000 -StorePath $psStore
        try {
            $report = Invoke-SwarmBenchmark -Coordinator $c -ScenarioName light-load -Strategy momentum -Symbol SPY `
                -OutputDirectory ([System.IO.Path]::Combine($dir, 'ps'))
        }
        finally { $c.Dispose() }

        $fromCli = Get-Content (Get-ChildItem ([System.IO.Path]::Combine($dir, 'cli')) -Filter 'benchmark-*.json').FullName -Raw | ConvertFrom-Json
        $fromPs = Get-Content $report.JsonPath -Raw | ConvertFrom-Json
        # 6 seeded + 10 benchmark runs in each store; Details names the store file, which differs by design.
        $fromPs.learning.trajectories | Should -Be 16
        foreach ($learning in $fromCli.learning, $fromPs.learning) { $learning.PSObject.Properties.Remove('details') }
        ($fromPs.learning | ConvertTo-Json -Depth 5) | Should -Be ($fromCli.learning | ConvertTo-Json -Depth 5)
        $judged = { param($r) @($r.recommendations | Where-Object category -EQ 'Learning' | ForEach-Object { "$($_.rule)|$($_.severity)|$($_.finding)" }) }
        $psLearning = & $judged $fromPs
        $psLearning.Count | Should -BeGreaterThan 0
        $psLearning | Should -Be (& $judged $fromCli)
    }

    It 'rejects an unknown scenario name' {
        { Invoke-SwarmBenchmark -ScenarioName no-such-load -OutputDirectory $BenchTemp -ErrorAction Stop } | Should -Throw
    }
}

Describe 'Get-SwarmRecommendation' {
    It 'recommends from the coordinator''s counters with the number in the finding' {
        # Bad parameters fail every deployment: a success rate of 0% fires the reliability rule.
        1..6 | ForEach-Object { @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ lookback = -5 } } } |
            Start-Swarm -ErrorAction SilentlyContinue -ErrorVariable ignored | Out-Null
        $recommendations = Get-SwarmRecommendation
        $recommendations.Count | Should -BeGreaterThan 0
        $recommendations[0].PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmRecommendation'
        $reliability = @($recommendations | Where-Object Category -EQ 'Reliability')[0]
        $reliability.Finding | Should -Match '\d'
        $reliability.Recommendation | Should -Not -BeNullOrEmpty
    }
}

Describe 'Resilience options' {
    It 'binds -RetryCount and -RetryDelay on Start-Swarm and in the configuration' {
        $r = Start-Swarm -Strategy momentum -Symbol SPY -RetryCount 2 -RetryDelay 50
        $r.Success | Should -BeTrue
        $c = Set-SwarmConfiguration -RetryCount 3 -RetryDelay ([TimeSpan]::FromMilliseconds(250)) -CircuitBreakerThreshold 4 -PassThru
        $c.RetryCount | Should -Be 3
        $c.RetryDelay.TotalMilliseconds | Should -Be 250
        $c.CircuitBreakerThreshold | Should -Be 4
        Set-SwarmConfiguration -RetryCount 0 -CircuitBreakerThreshold 0
    }

    It 'opens the circuit breaker on a strategy that always fails' {
        # A bad strategy parameter is rejected before any sandbox runs, so it never reaches the breaker. A runner
        # that cannot start fails every deployment inside the sandbox layer, the same way each time.
        $broken = [System.IO.Path]::Combine($BenchTemp, 'not-a-runner.txt')
        [System.IO.File]::WriteAllText($broken, 'not a program')
        $c = New-SwarmCoordinator -Isolation Process -MaxAgents 1 -RunnerPath $broken -Learning:$false
        try {
            $results = Start-Swarm -Coordinator $c -Strategy momentum -Agents 6 -Symbol SPY -CircuitBreakerThreshold 2 -CircuitBreakerDuration 60000 `
                -ErrorAction SilentlyContinue -ErrorVariable failures
            $results | Should -HaveCount 6
            ($results | Where-Object Success) | Should -BeNullOrEmpty
            ($results | Where-Object Status -EQ 'Rejected').Count | Should -BeGreaterThan 0
            ($failures | Where-Object { $_.FullyQualifiedErrorId -like 'CircuitOpen*' }).Count | Should -BeGreaterThan 0
        }
        finally { $c.Dispose() }
    }

    It 'validates -CircuitBreakerThreshold 1' {
        { Start-Swarm -Strategy momentum -Symbol SPY -CircuitBreakerThreshold 1 -ErrorAction Stop } | Should -Throw
    }
}
