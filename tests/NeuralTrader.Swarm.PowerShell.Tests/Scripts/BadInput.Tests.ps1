# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# The cmdlet half of the bad-input battery (the CLI half is tests/NeuralTrader.Swarm.Cli.Tests/BadInputTests.cs): each
# input fails with its exact error id and a message naming the value or path, creates no store (so records no
# trajectory) and changes none of the fixture files. Agents run as processes: a refused input never reaches a sandbox.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop

    # A plain temporary folder rather than TestDrive: the fixtures must stay the same from one It to the next.
    $Root = Join-Path ([System.IO.Path]::GetTempPath()) ('swarm-bad-input-' + [guid]::NewGuid().ToString('N'))
    $F = Join-Path $Root 'fixtures'
    New-Item -ItemType Directory -Path $F, "$F/emptydir" | Out-Null
    $header = "Date,Open,High,Low,Close,Volume`n"
    [System.IO.File]::WriteAllText("$F/NUL.csv", ($header + "2020-01-01,1,2,1,1`0,5`n"))
    [System.IO.File]::WriteAllText("$F/BIG.csv", ($header + '2020-01-01,1,2,1,' + ('9' * 100000) + "x,5`n"))
    [System.IO.File]::WriteAllText("$F/TXT.csv", ($header + "2020-01-01,1,2,1,abc,5`n"))
    [System.IO.File]::WriteAllText("$F/exists.txt", 'x')
    [System.IO.File]::WriteAllText("$F/notsqlite.db", 'this is not a database at all, just text long enough')
    [System.IO.File]::WriteAllText("$F/state-bad.json", '{nope')
    New-Item -ItemType SymbolicLink -Path "$F/loop1" -Target "$F/loop2" | Out-Null
    New-Item -ItemType SymbolicLink -Path "$F/loop2" -Target "$F/loop1" | Out-Null
    New-Item -ItemType SymbolicLink -Path "$F/dangling" -Target "$F/nowhere" | Out-Null

    function Get-FixtureState {
        # Names and sizes only: reading a link loop's target would fail.
        (Get-ChildItem $F -Force | Sort-Object Name | ForEach-Object { '{0} {1}' -f $_.Name, $(if ($_.LinkType) { 'link' } else { $_.Length }) }) -join "`n"
    }
}

AfterAll {
    Set-SwarmConfiguration -Reset
    Remove-Item -LiteralPath $Root -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Bad input to the cmdlets' {
    BeforeEach {
        $Store = Join-Path $Root ('store-' + [guid]::NewGuid().ToString('N') + '.db')
        $Out = Join-Path $Root ('out-' + [guid]::NewGuid().ToString('N'))
        Set-SwarmConfiguration -Reset -Isolation Process -MaxAgents 2 -StorePath $Store
        $fixtures = Get-FixtureState
    }

    It '<Command> fails with <Id>' -ForEach @(
        # Start-Swarm: ranges, unknown names, bad parameters; every one settles before any agent runs.
        @{ Command = 'Start-Swarm -Strategy momentum -Agents 2147483647'; Id = 'ParameterArgumentValidationError'; Message = 'maximum allowed range of 10000' }
        @{ Command = 'Start-Swarm -Strategy momentum -Agents 10001'; Id = 'ParameterArgumentValidationError'; Message = 'maximum allowed range of 10000' }
        @{ Command = 'Start-Swarm -Strategy momentum -Agents 0'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'Agents'" }
        @{ Command = 'Start-Swarm -Strategy momentum -Agents -5'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'Agents'" }
        @{ Command = 'Start-Swarm -Strategy nosuch'; Id = 'StrategyNotRegistered'; Message = "No strategy named 'nosuch' is registered" }
        @{ Command = 'Start-Swarm -Strategy '''''; Id = 'InvalidParameter'; Message = 'A deployment needs a strategy' }
        @{ Command = 'Start-Swarm -Strategy momentum -Symbol NOPE'; Id = 'UnknownSymbol'; Message = "No market data for symbol 'NOPE'" }
        @{ Command = 'Start-Swarm -Strategy momentum -Symbol '','''; Id = 'UnknownSymbol'; Message = "No market data for symbol ','" }
        @{ Command = 'Start-Swarm -Strategy momentum -Symbol '''''; Id = 'ParameterArgumentValidationError'; Message = "parameter 'Symbol'" }
        @{ Command = 'Start-Swarm -Strategy momentum -Parameters @{ lookback = -1 }'; Id = 'InvalidParameter'; Message = "'lookback' of momentum is out of range: must be between 1 and 1000, got -1" }
        @{ Command = 'Start-Swarm -Strategy momentum -Parameters @{ lookback = 100000 }'; Id = 'InvalidParameter'; Message = 'got 100000' }
        @{ Command = 'Start-Swarm -Strategy momentum -Parameters @{ lookback = ''x'' }'; Id = 'InvalidParameter'; Message = "must be a number between 1 and 1000, got 'x'" }
        @{ Command = 'Start-Swarm -Strategy momentum -Parameters @{ nosuch = 1 }'; Id = 'InvalidParameter'; Message = "Unknown parameter 'nosuch' for momentum" }
        @{ Command = 'Start-Swarm -Strategy momentum -Parameters @{ threshold = 5 }'; Id = 'InvalidParameter'; Message = "'threshold' of momentum is out of range" }
        @{ Command = 'Start-Swarm -Strategy mean-reversion -Parameters @{ lookback = 0 }'; Id = 'InvalidParameter'; Message = 'must be between 2 and 1000, got 0' }
        @{ Command = 'Start-Swarm -Strategy neural-forecast -Parameters @{ epochs = -3 }'; Id = 'InvalidParameter'; Message = "'epochs' of neural-forecast is out of range" }
        @{ Command = 'Start-Swarm -Strategy momentum -ValidationSplit 1.5'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'ValidationSplit'" }
        @{ Command = 'Start-Swarm -Strategy momentum -ValidationSplit 0'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'ValidationSplit'" }
        @{ Command = 'Start-Swarm -Strategy momentum -WalkForward 0'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'WalkForward'" }
        @{ Command = 'Start-Swarm -Strategy momentum -WalkForward 51'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'WalkForward'" }
        @{ Command = 'Start-Swarm -Strategy momentum -ValidationSplit 0.3 -WalkForward 2'; Id = 'InvalidParameter'; Message = 'Give either -ValidationSplit or -WalkForward, not both' }
        @{ Command = 'Start-Swarm -Strategy momentum -RetryCount 11'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'RetryCount'" }
        @{ Command = 'Start-Swarm -Strategy momentum -RetryCount -1'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'RetryCount'" }
        @{ Command = 'Start-Swarm -Strategy momentum -RetryDelay -1'; Id = 'InvalidConfiguration'; Message = 'RetryDelay -00:00:00.0010000 is invalid' }
        @{ Command = 'Start-Swarm -Strategy momentum -CircuitBreakerThreshold 1'; Id = 'InvalidConfiguration'; Message = 'CircuitBreakerThreshold 1 is invalid' }
        # Market data: the file is named, the value quoted in a short excerpt.
        @{ Command = 'Set-SwarmConfiguration -DataPath "$F/NUL.csv"; Start-Swarm -Strategy momentum -Symbol NUL'; Id = 'UnknownSymbol'; Message = "NUL.csv line 2: Close '1\0' contains a NUL character" }
        @{ Command = 'Set-SwarmConfiguration -DataPath "$F/BIG.csv"; Start-Swarm -Strategy momentum -Symbol BIG'; Id = 'UnknownSymbol'; Message = "'9999999999999999999999999999999999999999... (100001 characters)' is not a number" }
        @{ Command = 'Set-SwarmConfiguration -DataPath "$F/TXT.csv"; Start-Swarm -Strategy momentum -Symbol TXT'; Id = 'UnknownSymbol'; Message = "TXT.csv line 2: Close 'abc' is not a number" }
        @{ Command = 'Set-SwarmConfiguration -MaxAgents 0'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'MaxAgents'" }
        @{ Command = 'Set-SwarmConfiguration -CpuLimit 0.001'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'CpuLimit'" }
        # Registration is checked at once, so a typo fails now rather than at deployment.
        @{ Command = 'Register-Strategy -Name x -Type nosuch'; Id = 'UnknownStrategyType'; Message = "Unknown strategy 'nosuch'" }
        @{ Command = 'Register-Strategy -Name '''' -Type momentum'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'Name'" }
        @{ Command = 'Register-Strategy -Name x -Type momentum -Symbol NOPE'; Id = 'UnknownSymbol'; Message = "No market data for symbol 'NOPE'" }
        @{ Command = 'Register-Strategy -Name x -Type momentum -Lookback 0'; Id = 'InvalidParameter'; Message = "Strategy 'x': Parameter 'lookback' of momentum is out of range" }
        @{ Command = 'Register-Strategy -Name x -Type momentum -Parameters @{ threshold = 5 }'; Id = 'InvalidParameter'; Message = "'threshold' of momentum is out of range: must be between 0 and 1, got 5" }
        @{ Command = 'Register-Strategy -Name x -Type momentum -Parameters @{ nosuch = 5 }'; Id = 'InvalidParameter'; Message = "Unknown parameter 'nosuch'" }
        @{ Command = 'Unregister-Strategy -Name nosuch -Confirm:$false'; Id = 'StrategyNotRegistered'; Message = "No strategy named 'nosuch' is registered" }
        # Store paths: checked before SQLite sees them.
        @{ Command = 'Test-SwarmStore -Path /proc/version'; Id = 'InvalidStorePath'; Message = "'/proc/version' cannot be used: it is a device or kernel file" }
        @{ Command = 'Test-SwarmStore -Path /dev/null'; Id = 'InvalidStorePath'; Message = "'/dev/null' cannot be used: it is a device or kernel file" }
        @{ Command = 'Test-SwarmStore -Path "$F/loop1"'; Id = 'InvalidStorePath'; Message = 'Too many levels of symbolic links' }
        @{ Command = 'Test-SwarmStore -Path "$F/dangling"'; Id = 'InvalidStorePath'; Message = '''$F/dangling'' cannot be used' }
        @{ Command = 'Test-SwarmStore -Path "$F/notsqlite.db"'; Id = 'CorruptStore'; Message = 'is not a valid trajectory store' }
        @{ Command = 'Test-SwarmStore -Path "$F/missing.db"'; Id = 'StoreNotFound'; Message = 'No store file at ''$F/missing.db''' }
        # Benchmarks: every limit and name checked before the first scenario runs.
        @{ Command = 'Invoke-SwarmBenchmark -Scenario nosuch -OutputDirectory "$Out"'; Id = 'InvalidParameter'; Message = "No benchmark scenario named 'nosuch'" }
        @{ Command = 'Invoke-SwarmBenchmark -ScenarioName nosuch -OutputDirectory "$Out"'; Id = 'InvalidParameter'; Message = "No benchmark scenario named 'nosuch'" }
        @{ Command = 'Invoke-SwarmBenchmark -ScenarioName light-load -MaxLatencyMs ([double]::PositiveInfinity) -OutputDirectory "$Out"'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'MaxLatencyMs'" }
        @{ Command = 'Invoke-SwarmBenchmark -ScenarioName light-load -MaxErrorRate 2 -OutputDirectory "$Out"'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'MaxErrorRate'" }
        @{ Command = 'Invoke-SwarmBenchmark -ScenarioName light-load -OutputDirectory "$F/exists.txt"'; Id = 'BenchmarkReportNotWritten'; Message = '''$F/exists.txt'' is an existing file' }
        @{ Command = 'Invoke-SwarmBenchmark -Scenario @{ Agents = 1 } -OutputDirectory "$Out"'; Id = 'InvalidParameter'; Message = 'A benchmark scenario needs a Name' }
        @{ Command = 'Invoke-SwarmBenchmark -Scenario @{ Name = ''z''; Agents = 0; Iterations = 1 } -OutputDirectory "$Out"'; Id = 'InvalidParameter'; Message = "Scenario 'z': Agents 0 must be between 1 and 1000" }
        # Optimisation and suggestions: held parameters and symbols are checked like a deployment's.
        @{ Command = 'Invoke-SwarmOptimization -Strategy momentum -Trials 0'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'Trials'" }
        @{ Command = 'Invoke-SwarmOptimization -Strategy nosuch -Trials 2'; Id = 'StrategyNotRegistered'; Message = "No strategy named 'nosuch'" }
        @{ Command = 'Invoke-SwarmOptimization -Strategy momentum -Symbol NOPE -Trials 2'; Id = 'UnknownSymbol'; Message = "No market data for symbol 'NOPE'" }
        @{ Command = 'Invoke-SwarmOptimization -Strategy momentum -Parameters @{ lookback = -1 } -Trials 2'; Id = 'InvalidParameter'; Message = 'must be between 1 and 1000, got -1' }
        @{ Command = 'Get-SwarmSuggestion -Strategy momentum -Symbol NOPE'; Id = 'UnknownSymbol'; Message = "No market data for symbol 'NOPE'" }
        @{ Command = 'Get-SwarmSuggestion -Strategy nosuch'; Id = 'StrategyNotRegistered'; Message = "No strategy named 'nosuch'" }
        @{ Command = 'Get-SwarmSuggestion -Strategy momentum -Parameters @{ lookback = -1 }'; Id = 'InvalidParameter'; Message = 'must be between 1 and 1000, got -1' }
        @{ Command = 'Get-SwarmPattern -MinSuccessRate 2'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'MinSuccessRate'" }
        @{ Command = 'Get-SwarmPattern -MinObservations 0'; Id = 'ParameterArgumentValidationError'; Message = "parameter 'MinObservations'" }
        # State files.
        @{ Command = 'Export-SwarmState -Path "$F/exists.txt"'; Id = 'StateFileExists'; Message = '''$F/exists.txt'' exists; use -Force to replace it' }
        @{ Command = 'Export-SwarmState -Path "$F/emptydir"'; Id = 'InvalidArgument'; Message = '''$F/emptydir'' is a directory' }
    ) {
        $thrown = $null
        try {
            $ErrorActionPreference = 'Stop'
            Invoke-Expression $Command | Out-Null
        }
        catch {
            $thrown = $_
        }
        finally {
            $ErrorActionPreference = 'Continue'
        }
        $thrown | Should -Not -BeNullOrEmpty -Because "$Command must fail"
        $thrown.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        # $F and $Out in the table are expanded here, where they have values (the table is read before BeforeAll runs).
        $expected = $ExecutionContext.InvokeCommand.ExpandString($Message)
        $thrown.Exception.Message.Contains($expected) | Should -BeTrue -Because "the message was: $($thrown.Exception.Message)"
        $thrown.Exception.Message.Length | Should -BeLessThan 2000 -Because 'a message quotes at most a short excerpt'
        # Nothing recorded: the store was never created; nothing written beside the fixtures or to the output folder.
        Test-Path -LiteralPath $Store | Should -BeFalse
        Test-Path -LiteralPath $Out | Should -BeFalse
        Get-FixtureState | Should -BeExactly $fixtures
    }
}
