# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    # Registrations and trajectories persist in the store: each file gets its own, apart from the user's and other files'.
    $global:SwarmTestStore = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-tests-' + [guid]::NewGuid().ToString('N') + '.db')
}

Describe 'Swarm configuration' {
    BeforeEach {
        Set-SwarmConfiguration -Reset -StorePath $SwarmTestStore
    }

    It 'starts with the documented defaults' {
        $c = Get-SwarmConfiguration
        $c.MaxAgents | Should -Be 10
        $c.SandboxTimeout.TotalMilliseconds | Should -Be 300000
        $c.MemoryLimit | Should -Be 512
        $c.CpuLimit | Should -Be 1
        $c.Isolation | Should -Be 'Auto'
        $c.EncryptionKeySet | Should -BeFalse
    }

    It 'changes only the given settings' {
        Set-SwarmConfiguration -MaxAgents 3 -SandboxTimeout 5000 -Isolation process -Learning:$false
        $c = Get-SwarmConfiguration
        $c.MaxAgents | Should -Be 3
        $c.SandboxTimeout.TotalSeconds | Should -Be 5
        $c.Isolation | Should -Be 'Process'
        $c.Learning | Should -BeFalse
        $c.MemoryLimit | Should -Be 512
    }

    It 'changes nothing with -WhatIf' {
        Set-SwarmConfiguration -MaxAgents 7 -WhatIf
        (Get-SwarmConfiguration).MaxAgents | Should -Be 10
    }

    It 'changes all or nothing: a bad data or store path leaves the configuration as it was' {
        Set-SwarmConfiguration -MaxAgents 3 -Isolation Process
        $missing = Join-Path ([System.IO.Path]::GetTempPath()) ('no-such-' + [guid]::NewGuid().ToString('N') + '.csv')
        { Set-SwarmConfiguration -MaxAgents 5 -DataPath $missing } | Should -Throw -ErrorId 'InvalidMarketData*'
        { Set-SwarmConfiguration -MaxAgents 5 -StorePath /proc/version } | Should -Throw -ErrorId 'InvalidStorePath*'
        $c = Get-SwarmConfiguration
        $c.MaxAgents | Should -Be 3
        $c.DataPath | Should -BeNullOrEmpty
        $c.StorePath | Should -Be $SwarmTestStore
        # and the session still deploys
        (Start-Swarm -Strategy momentum -Symbol SPY).Success | Should -BeTrue
    }

    It 'rejects bad values at binding, naming the parameter' {
        { Set-SwarmConfiguration -MaxAgents 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
        { Set-SwarmConfiguration -Isolation Hyperspace } | Should -Throw -ExpectedMessage '*Isolation*'
    }

    It 'resolves paths against the current location' {
        # In real pwsh Push-Location leaves the process directory alone: ./module/data must resolve against PowerShell's location.
        $moduleBase = Split-Path -Parent $ModuleManifest
        Push-Location $moduleBase
        try { Set-SwarmConfiguration -DataPath ./module/data }
        finally { Pop-Location }
        (Get-SwarmConfiguration).DataPath | Should -Be ([System.IO.Path]::Combine($moduleBase, 'module', 'data'))
    }

    It 'never shows the encryption key' {
        $bytes = [byte[]]::new(32)
        for ($i = 0; $i -lt 32; $i++) { $bytes[$i] = $i + 65 }
        $plain = [Convert]::ToBase64String($bytes)
        $key = [securestring]::new()
        $plain.ToCharArray() | ForEach-Object { $key.AppendChar($_) }
        Set-SwarmConfiguration -EncryptionKey $key
        $c = Get-SwarmConfiguration
        $c.EncryptionKeySet | Should -BeTrue
        ($c.PSObject.Properties | Where-Object { "$($_.Value)" -match [regex]::Escape($plain.Substring(0, 12)) }) | Should -BeNullOrEmpty
    }

    It 'rejects a malformed key without echoing it' {
        $key = [securestring]::new()
        'correct horse battery staple'.ToCharArray() | ForEach-Object { $key.AppendChar($_) }
        { Set-SwarmConfiguration -EncryptionKey $key } | Should -Throw -ErrorId 'InvalidArgument,*'
        $message = try { Set-SwarmConfiguration -EncryptionKey $key; '' } catch { $_.Exception.Message }
        $message | Should -Not -BeNullOrEmpty
        $message | Should -Not -Match 'horse'
        (Get-SwarmConfiguration).EncryptionKeySet | Should -BeFalse
    }

    It 'keeps registrations when the coordinator is recreated' {
        Register-Strategy -Name custom -Type my-own -Image example/strategy:1
        $before = (Get-SwarmConfiguration).CoordinatorId
        $registered = (Get-Strategy custom).RegisteredAt
        Set-SwarmConfiguration -MaxAgents 4
        (Get-SwarmConfiguration).CoordinatorId | Should -Not -Be $before
        (Get-Strategy custom).Image | Should -Be 'example/strategy:1'
        # Same store: the registration is read from it, not registered again.
        (Get-Strategy custom).RegisteredAt | Should -Be $registered

        # Another store gets the session's registrations; so does a coordinator without learning.
        $other = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-tests-' + [guid]::NewGuid().ToString('N') + '.db')
        try {
            Set-SwarmConfiguration -StorePath $other
            (Get-Strategy custom).Image | Should -Be 'example/strategy:1'
            Set-SwarmConfiguration -Learning:$false
            (Get-Strategy custom).Image | Should -Be 'example/strategy:1'
        }
        finally {
            Set-SwarmConfiguration -Reset -StorePath $SwarmTestStore
            Remove-Item "$other*" -Force -ErrorAction Ignore
        }
    }
}

Describe 'New-SwarmCoordinator' {
    It 'creates an independent coordinator for -Coordinator' {
        $c = New-SwarmCoordinator -MaxAgents 2 -Isolation Process -StorePath ([System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-tests-' + [guid]::NewGuid().ToString('N') + '.db'))
        try {
            Register-Strategy -Coordinator $c -Name only-here -Type my-own -Image example/strategy:1
            (Get-Strategy -Coordinator $c).Name | Should -Be 'only-here'
            Get-Strategy -Name only-here -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            (Get-SwarmConfiguration -Coordinator $c).MaxAgents | Should -Be 2
            (Get-SwarmStatus -Coordinator $c).RegisteredStrategies | Should -Be 1
            Get-SwarmSandbox -Coordinator $c | Should -BeNullOrEmpty
        }
        finally { $c.Dispose() }
    }

    It 'writes the module''s own handle, which -Coordinator also takes by Id (with tab completion), until disposed' {
        $c = New-SwarmCoordinator -MaxAgents 3 -Isolation Process -Learning:$false
        try {
            $c.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmCoordinatorInfo'
            $c.Id | Should -Match '^swarm-[0-9a-f]{12}$'
            $c.MaxAgents | Should -Be 3
            Register-Strategy -Coordinator $c.Id -Name by-id -Type momentum -Symbol SPY
            $c.Strategies | Should -Be @('by-id')
            (Get-SwarmConfiguration -Coordinator $c.Id).CoordinatorId | Should -Be $c.Id
            $line = "Get-Strategy -Coordinator $($c.Id.Substring(0, 8))"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $c.Id
        }
        finally { $c.Dispose() }
        $c.IsDisposed | Should -BeTrue
        $err = { Get-Strategy -Coordinator $c.Id -ErrorAction Stop } | Should -Throw -PassThru
        $err.Exception.Message | Should -Match "No coordinator with Id '$($c.Id)' is open"
        $err = { Get-Strategy -Coordinator $c -ErrorAction Stop } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'CoordinatorDisposed,*'
    }
}

Describe 'Help' {
    It 'has examples for Start-Swarm' {
        $help = Get-Help Start-Swarm -Full
        @($help.examples.example).Count | Should -BeGreaterThan 1
        $help.Synopsis | Should -Match 'swarm'
        ($help.parameters.parameter | Where-Object name -EQ 'Symbol').description[0].Text | Should -Match 'symbol'
    }
}
