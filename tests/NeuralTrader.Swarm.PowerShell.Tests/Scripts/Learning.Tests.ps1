# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# The learning and store cmdlets over real process-isolated deployments. Every store is a temp file of its own.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop

    function global:New-TestStorePath { [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-learning-tests-' + [guid]::NewGuid().ToString('N') + '.db') }
    function global:New-TestFilePath([string]$Extension) { [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-learning-tests-' + [guid]::NewGuid().ToString('N') + $Extension) }
    function global:ConvertTo-TestSecureString([string]$Text) {
        $secure = [securestring]::new()
        foreach ($c in $Text.ToCharArray()) { $secure.AppendChar($c) }
        $secure
    }
    # Every string a stream item shows: its text and the text of each property value.
    function global:Get-TestStreamText($Items) {
        foreach ($item in $Items) {
            "$item"
            if ($null -ne $item -and $item -isnot [string]) {
                foreach ($p in $item.PSObject.Properties) { try { "$($p.Value)" } catch { } }
            }
        }
    }

    $global:LearningStore = New-TestStorePath
    Set-SwarmConfiguration -Reset -StorePath $LearningStore -Isolation Process -MaxAgents 2
    # Eight momentum runs on SPY across the lookback range, with two kinds of task text for -Similar.
    $deployments = foreach ($lookback in 5, 10, 15, 20, 30, 45, 60, 90) {
        $task = if ($lookback -le 20) { "fast breakout momentum lookback $lookback" } else { "slow trend following lookback $lookback" }
        @{ Strategy = 'momentum'; Symbol = 'SPY'; Parameters = @{ lookback = $lookback }; Task = $task }
    }
    $global:LearningResults = @($deployments | Start-Swarm)
}

AfterAll {
    Set-SwarmConfiguration -Reset
    foreach ($file in [System.IO.Directory]::GetFiles([System.IO.Path]::GetTempPath(), 'swarm-learning-tests-*')) {
        try { [System.IO.File]::Delete($file) } catch { }
    }
}

Describe 'Get-SwarmLearningStats' {
    It 'counts the recorded deployments' {
        $LearningResults | Should -HaveCount 8
        $stats = Get-SwarmLearningStats
        $stats.TotalTrajectories | Should -Be 8
        $stats.AvgSuccessRate | Should -BeGreaterThan 0
        $stats.AvgSuccessRate | Should -BeLessThan 1
        $stats.PredictionsMade | Should -Be 8
        $stats.PayloadsReadable | Should -BeTrue
        $stats.StorePath | Should -Be $LearningStore
        @($stats.ByStrategy) | Should -HaveCount 1
    }

    It 'writes per-strategy objects with -ByStrategy' {
        $byStrategy = @(Get-SwarmLearningStats -ByStrategy)
        $byStrategy | Should -HaveCount 1
        $byStrategy[0].Strategy | Should -Be 'momentum'
        $byStrategy[0].TotalTrajectories | Should -Be 8
        $byStrategy[0].PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmLearningStats'
        Get-SwarmLearningStats -Strategy 'nothing-like-this*' | Should -BeNullOrEmpty
    }
}

Describe 'Get-SwarmPattern' {
    It 'finds patterns with a lower-bound confidence' {
        $patterns = @(Get-SwarmPattern -Strategy momentum -MinObservations 3 -MinConfidence 0)
        $patterns.Count | Should -BeGreaterThan 0
        foreach ($p in $patterns) {
            $p.ObservationCount | Should -Not -BeLessThan 3
            # The Wilson lower bound, never above the raw rate.
            $p.Confidence | Should -Not -BeGreaterThan ($p.SuccessRate + 1e-9)
            $p.Description | Should -Not -BeNullOrEmpty
            $p.Kind | Should -Match '^(Success|Failure)$'
        }
        # Regions are quartile bins of the eight lookbacks: two runs each.
        @(Get-SwarmPattern -Strategy momentum -MinObservations 2 -MinConfidence 0 | Where-Object Category -EQ 'ParameterRegion' | Where-Object Region -Match '^lookback ').Count | Should -BeGreaterThan 0
        $sequences = @($patterns | Where-Object Category -EQ 'OperationSequence')
        $sequences.Count | Should -BeGreaterThan 0
        # The original design's field names: name and operationSequence.
        $sequences[0].Name | Should -BeLike 'momentum: *run*'
        $sequences[0].OperationSequence | Should -Be $sequences[0].Operations
        $region = Get-SwarmPattern -Strategy momentum -MinObservations 2 -MinConfidence 0 | Where-Object Category -EQ 'ParameterRegion' | Select-Object -First 1
        $region.Name | Should -BeLike 'momentum on SPY*: lookback in `[*'
    }

    It 'filters by kind and success rate' {
        foreach ($p in @(Get-SwarmPattern -Kind Failure -MinObservations 3 -MinConfidence 0)) { $p.Kind | Should -Be 'Failure' }
        foreach ($p in @(Get-SwarmPattern -MinObservations 3 -MinConfidence 0 -MinSuccessRate 0.9)) { $p.SuccessRate | Should -Not -BeLessThan 0.9 }
        { Get-SwarmPattern -Kind Sometimes } | Should -Throw -ExpectedMessage '*Kind*'
    }
}

Describe 'Get-SwarmSuggestion' {
    It 'suggests parameters with reasoning that carries the numbers' {
        $s = Get-SwarmSuggestion -Strategy momentum -Symbol SPY
        $s.Observations | Should -Be 8
        $s.Reasoning | Should -Match 'From 8 runs of momentum on SPY'
        $s.Reasoning | Should -Match 'mean score \d\.\d\d'
        $s.Method | Should -Be 'bayesian-optimization'
        # Calibrated on the model's own prediction record, which eight runs barely start (and whose order is the
        # order the runs settled): a number in [0, 1], not yet a high one.
        $s.Confidence | Should -BeGreaterOrEqual 0
        $s.Confidence | Should -BeLessOrEqual 1
        $s.ExpectedSuccessRate | Should -BeGreaterThan 0
        $s.RecommendedParameters.ContainsKey('lookback') | Should -BeTrue
        $s.RecommendedOperations | Should -Not -BeNullOrEmpty
        $s.EstimatedDurationMs | Should -BeGreaterThan 0
        $s.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmSuggestion'
    }

    It 'holds given parameters fixed and takes strategies from the pipeline' {
        (Get-SwarmSuggestion momentum SPY -Parameters @{ lookback = 25 }).RecommendedParameters['lookback'] | Should -Be 25
        Register-Strategy -Name learned-trend -Type momentum -Symbol QQQ
        $s = Get-Strategy learned-trend | Get-SwarmSuggestion
        $s.Symbol | Should -Be 'QQQ'
        # No runs on QQQ: the search starts filling the space, with no confidence yet.
        $s.Method | Should -Be 'space-filling'
        $s.Confidence | Should -Be 0
    }

    It 'counts parameters passed by hand as the suggestion used when they are the suggestion' {
        $s = Get-SwarmSuggestion momentum -Symbol SPY
        $r = Start-Swarm momentum -Symbol SPY -Parameters $s.RecommendedParameters
        $r.UsedSuggestion | Should -BeTrue
        (Start-Swarm momentum -Symbol SPY -Parameters @{ lookback = 11; threshold = 0.011 }).UsedSuggestion | Should -BeFalse
    }

    It 'completes strategy names and symbols' {
        $line = 'Get-SwarmSuggestion -Strategy learned-'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -contains 'learned-trend' | Should -BeTrue
        $line = 'Get-SwarmTrajectory -Strategy mom'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -contains 'momentum' | Should -BeTrue
        $line = 'Get-SwarmPattern -Symbol QQ'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText -contains 'QQQ' | Should -BeTrue
    }

    It 'reports an unknown strategy as an error' {
        Get-SwarmSuggestion -Strategy no-such-strategy -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        @($failures).Count | Should -Be 1
    }

    It 'is used by deployments with -AutoOptimize' {
        Set-SwarmConfiguration -AutoOptimize -AutoOptimizeMinConfidence 0
        try {
            (Get-SwarmConfiguration).AutoOptimize | Should -BeTrue
            $r = Start-Swarm -Strategy momentum -Symbol SPY
            $r.UsedSuggestion | Should -BeTrue
            ($r | Get-SwarmTrajectory).UsedSuggestion | Should -BeTrue
            # Explicit parameters win.
            (Start-Swarm -Strategy momentum -Symbol SPY -Parameters @{ lookback = 12 }).UsedSuggestion | Should -BeFalse
        }
        finally { Set-SwarmConfiguration -AutoOptimize:$false }
    }
}

Describe 'Get-SwarmTrajectory' {
    It 'reads the trajectory of a result from the pipeline' {
        $t = $LearningResults[0] | Get-SwarmTrajectory
        $t.Id | Should -Be $LearningResults[0].TrajectoryId
        $t.Strategy | Should -Be 'momentum'
        $t.Symbol | Should -Be 'SPY'
        $t.Status | Should -Be 'Succeeded'
        # Results stream in completion order, so compare with the result's own parameters.
        $t.Parameters['lookback'] | Should -Be $LearningResults[0].Parameters['lookback']
        $t.Score | Should -Be $LearningResults[0].Score
        $t.Operations -contains 'run' | Should -BeTrue
        $t.Market | Should -Match '^(up|down|sideways)/(low|normal|high)$'
        $t.PredictedScore | Should -Not -BeNullOrEmpty
        $t.Readable | Should -BeTrue
    }

    It 'filters by strategy, time, status and count' {
        @(Get-SwarmTrajectory -Strategy momentum -Symbol SPY -First 3) | Should -HaveCount 3
        @(Get-SwarmTrajectory -Since ([datetime]::Now.AddHours(-1))).Count | Should -Not -BeLessThan 8
        Get-SwarmTrajectory -Until ([datetime]::Now.AddDays(-1)) | Should -BeNullOrEmpty
        Get-SwarmTrajectory -Symbol TSLA | Should -BeNullOrEmpty
        foreach ($t in @(Get-SwarmTrajectory -Status Succeeded)) { $t.Status | Should -Be 'Succeeded' }
        Get-SwarmTrajectory -Status TimedOut | Should -BeNullOrEmpty
        $newest = @(Get-SwarmTrajectory -First 2)
        $newest[0].Sequence | Should -BeGreaterThan $newest[1].Sequence
    }

    It 'ranks by similarity of the task text' {
        $similar = @(Get-SwarmTrajectory -Similar 'fast breakout')
        $similar | Should -HaveCount 4
        foreach ($t in $similar) { $t.Task | Should -Match 'fast breakout' }
        $similar[0].Similarity | Should -BeGreaterThan 0
        $similar[0].Similarity | Should -Not -BeLessThan $similar[3].Similarity
        @(Get-SwarmTrajectory -Similar 'slow trend following' -First 2) | Should -HaveCount 2
    }

    It 'reports an unknown id as ObjectNotFound' {
        Get-SwarmTrajectory -Id 'no-such-id' -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Match '^TrajectoryNotFound,'
        "$($failures[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
    }
}

Describe 'Test-SwarmStore' {
    It 'verifies the chain' {
        $v = Test-SwarmStore
        $v.IsValid | Should -BeTrue
        $v.RecordsChecked | Should -Not -BeLessThan 8
        $v.FirstBadRecordId | Should -BeNullOrEmpty
        Test-SwarmStore -Quiet | Should -BeTrue
        (Test-SwarmStore -Path $LearningStore).IsValid | Should -BeTrue
    }

    It 'reports a missing file' {
        Test-SwarmStore -Path (New-TestStorePath) -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
        $failures[0].FullyQualifiedErrorId | Should -Match '^StoreNotFound,'
    }
}

Describe 'Export-SwarmState and Import-SwarmState' {
    It 'round-trips into a second store without duplicates' {
        $file = New-TestFilePath '.json'
        $count = (Get-SwarmLearningStats).TotalTrajectories
        $export = Export-SwarmState -Path $file -PassThru
        $export.Trajectories | Should -Be $count
        [System.IO.File]::Exists($file) | Should -BeTrue
        $second = New-SwarmCoordinator -Isolation Process -StorePath (New-TestStorePath)
        try {
            $imported = Import-SwarmState -Coordinator $second -Path $file
            $imported.Trajectories | Should -Be $count
            $imported.Skipped | Should -Be 0
            $imported.Strategies | Should -BeGreaterThan 0
            $again = Import-SwarmState -Coordinator $second -Path $file
            $again.Trajectories | Should -Be 0
            $again.Skipped | Should -Be $count
            (Get-SwarmLearningStats -Coordinator $second).TotalTrajectories | Should -Be $count
            Test-SwarmStore -Coordinator $second -Quiet | Should -BeTrue
            $ids = [string[]]@(Get-SwarmTrajectory | ForEach-Object Id)
            [array]::Sort($ids)
            $secondIds = [string[]]@(Get-SwarmTrajectory -Coordinator $second | ForEach-Object Id)
            [array]::Sort($secondIds)
            ($secondIds -join ',') | Should -Be ($ids -join ',')
            (Get-SwarmTrajectory -Coordinator $second -Id $LearningResults[1].TrajectoryId).Score | Should -Be ($LearningResults[1] | Get-SwarmTrajectory).Score
        }
        finally { $second.Dispose() }
    }

    It 'does not replace a file without -Force and writes nothing with -WhatIf' {
        $file = New-TestFilePath '.json'
        Export-SwarmState -Path $file -WhatIf
        [System.IO.File]::Exists($file) | Should -BeFalse
        [System.IO.File]::WriteAllText($file, 'keep me')
        { Export-SwarmState -Path $file } | Should -Throw -ErrorId 'StateFileExists,*'
        [System.IO.File]::ReadAllText($file) | Should -Be 'keep me'
        Export-SwarmState -Path $file -Force
        [System.IO.File]::ReadAllText($file) | Should -Match 'NeuralTrader.Swarm.State'
    }

    It 'writes a time-stamped swarm-state file in the current location when no path is given' {
        Push-Location TestDrive:
        try {
            $export = Export-SwarmState -PassThru
            $file = Get-ChildItem TestDrive: -Filter 'swarm-state-*.json'
            $file | Should -HaveCount 1
            $file.Name | Should -Match '^swarm-state-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$'
            $export.Path | Should -Be $file.FullName
        }
        finally { Pop-Location }
    }

    It 'rejects an altered export' {
        $file = New-TestFilePath '.json'
        Export-SwarmState -Path $file
        $text = [System.IO.File]::ReadAllText($file)
        $altered = [regex]::new('"score":\s*[-0-9.Ee+]+').Replace($text, '"score": 0.999', 1)
        $altered | Should -Not -Be $text
        [System.IO.File]::WriteAllText($file, $altered)
        $other = New-SwarmCoordinator -Isolation Process -StorePath (New-TestStorePath)
        try {
            Import-SwarmState -Coordinator $other -Path $file -ErrorAction SilentlyContinue -ErrorVariable failures | Should -BeNullOrEmpty
            $failures[0].FullyQualifiedErrorId | Should -Match '^CorruptStore,'
            "$($failures[0].CategoryInfo.Category)" | Should -Be 'InvalidData'
            (Get-SwarmLearningStats -Coordinator $other).TotalTrajectories | Should -Be 0
        }
        finally { $other.Dispose() }
    }
}

Describe 'Reset-SwarmLearning' {
    It 'keeps everything with -WhatIf and clears with -Confirm:$false' {
        $before = (Get-SwarmLearningStats).TotalTrajectories
        $before | Should -BeGreaterThan 0
        Reset-SwarmLearning -WhatIf
        (Get-SwarmLearningStats).TotalTrajectories | Should -Be $before
        Reset-SwarmLearning -Confirm:$false -PassThru | Should -Be $before
        (Get-SwarmLearningStats).TotalTrajectories | Should -Be 0
        Get-SwarmTrajectory | Should -BeNullOrEmpty
        Test-SwarmStore -Quiet | Should -BeTrue
        # Registrations stay.
        Get-Strategy learned-trend | Should -Not -BeNullOrEmpty
        # The chain restarts cleanly.
        Start-Swarm -Strategy momentum -Symbol SPY | Out-Null
        (Get-SwarmLearningStats).TotalTrajectories | Should -Be 1
        Reset-SwarmLearning -Force
        (Get-SwarmLearningStats).TotalTrajectories | Should -Be 0
    }
}

Describe 'Encryption keys' {
    It 'creates keys as SecureStrings unless asked for plain text' {
        (New-SwarmEncryptionKey) -is [securestring] | Should -BeTrue
        $plain = New-SwarmEncryptionKey -AsPlainText
        [Convert]::FromBase64String($plain).Length | Should -Be 32
    }

    It 'refuses the wrong key with a WrongKey SecurityError and leaves the store unchanged' {
        $store = New-TestStorePath
        $first = New-SwarmCoordinator -Isolation Process -StorePath $store -EncryptionKey (New-SwarmEncryptionKey)
        try { Start-Swarm -Coordinator $first -Strategy momentum -Symbol SPY | Out-Null }
        finally { $first.Dispose() }
        $bytes = [System.IO.File]::ReadAllBytes($store)
        $second = New-SwarmCoordinator -Isolation Process -StorePath $store -EncryptionKey (New-SwarmEncryptionKey)
        try {
            $e = $null
            try { Get-SwarmLearningStats -Coordinator $second -ErrorAction Stop } catch { $e = $_ }
            $e | Should -Not -BeNullOrEmpty
            $e.FullyQualifiedErrorId | Should -Match '^WrongKey,'
            "$($e.CategoryInfo.Category)" | Should -Be 'SecurityError'
            $e = $null
            try { Get-SwarmTrajectory -Coordinator $second -ErrorAction Stop } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -Match '^WrongKey,'
        }
        finally { $second.Dispose() }
        [System.Convert]::ToBase64String([System.IO.File]::ReadAllBytes($store)) | Should -Be ([System.Convert]::ToBase64String($bytes))
    }

    It 'never shows the key in any stream, configuration or export' {
        $plain = New-SwarmEncryptionKey -AsPlainText
        $store = New-TestStorePath
        $c = New-SwarmCoordinator -Isolation Process -StorePath $store -EncryptionKey (ConvertTo-TestSecureString $plain)
        $clear = New-TestFilePath '.json'
        $encrypted = New-TestFilePath '.json'
        try {
            # Every stream, debug included (-Debug would ask for confirmation in a host without a UI).
            $items = & {
                $DebugPreference = 'Continue'
                $VerbosePreference = 'Continue'
                Start-Swarm -Coordinator $c -Strategy momentum -Symbol SPY, QQQ
                Get-SwarmConfiguration -Coordinator $c
                Get-SwarmLearningStats -Coordinator $c
                Get-SwarmTrajectory -Coordinator $c
                Get-SwarmSuggestion -Coordinator $c -Strategy momentum -Symbol SPY
                Test-SwarmStore -Coordinator $c
                Export-SwarmState -Coordinator $c -Path $encrypted -PassThru
                Export-SwarmState -Coordinator $c -Path $clear -Decrypt -PassThru
            } *>&1
            $config = Get-SwarmConfiguration -Coordinator $c
            $config.EncryptionKeyKind | Should -Be 'Symmetric'
            $config.EncryptionKeyId | Should -Match '^[0-9a-f]{32}$'
            @($items).Count | Should -BeGreaterThan 5
            $text = (Get-TestStreamText $items) -join "`n"
            $text | Should -Not -Match ([regex]::Escape($plain.Substring(0, 16)))
            [System.IO.File]::ReadAllText($encrypted) | Should -Not -Match ([regex]::Escape($plain.Substring(0, 16)))
            [System.IO.File]::ReadAllText($clear) | Should -Not -Match ([regex]::Escape($plain.Substring(0, 16)))
            [System.IO.File]::ReadAllText($encrypted) | Should -Match $config.EncryptionKeyId
            # Encrypted trajectories stay encrypted in a plain export; -Decrypt writes them readable.
            [System.IO.File]::ReadAllText($encrypted) | Should -Not -Match 'Backtest momentum on SPY'
            [System.IO.File]::ReadAllText($clear) | Should -Match 'Backtest momentum on SPY'
        }
        finally { $c.Dispose() }
    }

    It 'lets a public-key-only writer record but not read, and the key pair read' {
        $passphrase = ConvertTo-TestSecureString 'a long test passphrase'
        $keyFile = New-TestFilePath '.key.json'
        $pair = New-SwarmKeyPair -Passphrase $passphrase -Path $keyFile
        $pair.Path | Should -Be $keyFile
        $pair.KeyId | Should -Match '^[0-9a-f]{32}$'
        $pair.ProtectedPrivateKey | Should -BeNullOrEmpty
        $fileText = [System.IO.File]::ReadAllText($keyFile)
        $fileText | Should -Match 'NeuralTrader.Swarm.HqcKeyPair'
        $fileText | Should -Not -Match 'a long test passphrase'
        { New-SwarmKeyPair -Passphrase $passphrase -Path $keyFile } | Should -Throw -ErrorId 'KeyFileExists,*'

        $store = New-TestStorePath
        $writer = New-SwarmCoordinator -Isolation Process -StorePath $store -PublicKey $pair.PublicKey
        try {
            (Get-SwarmConfiguration -Coordinator $writer).EncryptionKeyKind | Should -Be 'Hqc128PublicKey'
            (Get-SwarmConfiguration -Coordinator $writer).EncryptionKeyId | Should -Be $pair.KeyId
            $written = Start-Swarm -Coordinator $writer -Strategy momentum -Symbol SPY
            $written.Success | Should -BeTrue
            $e = $null
            try { Get-SwarmTrajectory -Coordinator $writer -ErrorAction Stop } catch { $e = $_ }
            $e.FullyQualifiedErrorId | Should -Match '^KeyRequired,'
            $e.Exception.Message | Should -Match 'private key'
            # The clear columns need no key.
            (Get-SwarmTrajectory -Coordinator $writer -NoPayload).Readable | Should -BeFalse
            (Get-SwarmLearningStats -Coordinator $writer).TotalTrajectories | Should -Be 1
            Test-SwarmStore -Coordinator $writer -Quiet | Should -BeTrue
        }
        finally { $writer.Dispose() }

        $reader = New-SwarmCoordinator -Isolation Process -StorePath $store -KeyPairPath $keyFile -Passphrase $passphrase
        try {
            (Get-SwarmConfiguration -Coordinator $reader).EncryptionKeyKind | Should -Be 'Hqc128KeyPair'
            $t = Get-SwarmTrajectory -Coordinator $reader -Id $written.TrajectoryId
            $t.Readable | Should -BeTrue
            $t.Encrypted | Should -BeTrue
            $t.Task | Should -Be 'Backtest momentum on SPY'
        }
        finally { $reader.Dispose() }

        $e = $null
        try { New-SwarmCoordinator -StorePath $store -KeyPairPath $keyFile -Passphrase (ConvertTo-TestSecureString 'not the passphrase') -ErrorAction Stop } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -Match '^WrongKey,'
        { New-SwarmCoordinator -StorePath $store -KeyPairPath $keyFile } | Should -Throw -ExpectedMessage '*Passphrase*'
    }

    It 'configures the session with a key pair and shows only kind and id' {
        $passphrase = ConvertTo-TestSecureString 'another test passphrase'
        $pair = New-SwarmKeyPair -Passphrase $passphrase
        $pair.Path | Should -BeNullOrEmpty
        $pair.ProtectedPrivateKey | Should -Match 'NeuralTrader.Swarm.HqcKeyPair'
        $keyFile = New-TestFilePath '.key.json'
        [System.IO.File]::WriteAllText($keyFile, $pair.ProtectedPrivateKey)
        Set-SwarmConfiguration -StorePath (New-TestStorePath) -KeyPairPath $keyFile -Passphrase $passphrase
        try {
            $config = Get-SwarmConfiguration
            $config.EncryptionKeyKind | Should -Be 'Hqc128KeyPair'
            $config.EncryptionKeyId | Should -Be $pair.KeyId
            { Set-SwarmConfiguration -PublicKey $pair.PublicKey -KeyPairPath $keyFile -Passphrase $passphrase } | Should -Throw -ExpectedMessage '*only one*'
        }
        finally { Set-SwarmConfiguration -Reset -StorePath $LearningStore -Isolation Process -MaxAgents 2 }
        (Get-SwarmConfiguration).EncryptionKeyKind | Should -Be 'None'
    }
}

Describe 'Learning help' {
    It 'has a synopsis and an example for every learning cmdlet' {
        foreach ($name in 'Get-SwarmLearningStats', 'Get-SwarmSuggestion', 'Get-SwarmPattern', 'Get-SwarmTrajectory', 'Reset-SwarmLearning',
            'Test-SwarmStore', 'Export-SwarmState', 'Import-SwarmState', 'New-SwarmEncryptionKey', 'New-SwarmKeyPair') {
            $help = Get-Help $name -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            @($help.examples.example).Count | Should -BeGreaterThan 0
        }
        (Get-Command Reset-SwarmLearning).ScriptBlock | Should -BeNullOrEmpty
        (Get-Help New-SwarmEncryptionKey -Full).parameters.parameter.description[0].Text | Should -Match 'leak'
    }
}
