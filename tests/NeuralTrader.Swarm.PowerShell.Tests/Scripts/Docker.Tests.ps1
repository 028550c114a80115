# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# The Docker isolation at the PowerShell level, against the real engine. Without an engine (or without the native
# runner the built-in image needs: build with -p:PublishNativeRunner=true, on by default when CI=true) these tests
# are skipped and the reason is written as a warning; with NEURALTRADER_REQUIRE_DOCKER=1 they fail instead.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop
    $global:DockerTestStore = [System.IO.Path]::Combine([System.IO.Path]::GetTempPath(), 'swarm-docker-tests-' + [guid]::NewGuid().ToString('N') + '.db')
    Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -SandboxTimeout 120000 -StorePath $DockerTestStore

    function global:Write-TestNote([string] $Message) { Write-Warning $Message }

    function global:Get-DockerSkipReason {
        $docker = @(Get-Command docker -CommandType Application -ErrorAction SilentlyContinue)
        if ($docker.Count -eq 0) { return 'the docker CLI is not installed' }
        $null = & $docker[0].Source info --format '{{.ServerVersion}}' 2>&1
        if ($LASTEXITCODE -ne 0) { return 'no Docker engine answers (start dockerd or Docker Desktop)' }
        $moduleBase = [System.IO.Path]::GetDirectoryName($global:ModuleManifest)
        $version = (Get-Module NeuralTrader.Swarm).Version.ToString(3)
        $null = & $docker[0].Source image inspect "neuraltrader-swarm-runner:$version" 2>&1
        $haveImage = $LASTEXITCODE -eq 0
        $haveRunner = [System.IO.File]::Exists([System.IO.Path]::Combine($moduleBase, 'module', 'runner', 'linux-x64', 'NeuralTrader.Swarm.Runner')) -or [bool]$env:NEURALTRADER_SANDBOX_RUNNER_DIR
        if (-not $haveImage -and -not $haveRunner) { return 'the native sandbox runner is not in the staged module (build with -p:PublishNativeRunner=true) and the image is not on the engine' }
        return $null
    }

    # Containers of this process (owner label host:pid:start), apart from other test processes sharing the engine.
    function global:Get-OwnSwarmContainer {
        $owners = & docker ps -a --filter label=org.neuraltrader.swarm --format '{{.Label "org.neuraltrader.swarm.owner"}}'
        @($owners | Where-Object { $_ -match ('^[^:]+:' + $PID + ':') })
    }

    # True (after saying why) when a test must skip; throws instead when CI requires Docker.
    function global:Test-DockerSkipped {
        if (-not $DockerSkipReason) { return $false }
        if ($env:NEURALTRADER_REQUIRE_DOCKER -eq '1') { throw "Docker is required: $DockerSkipReason" }
        Write-TestNote "Skipped: $DockerSkipReason"
        return $true
    }

    $global:DockerSkipReason = Get-DockerSkipReason
    if ($DockerSkipReason) {
        if ($env:NEURALTRADER_REQUIRE_DOCKER -eq '1') { Write-TestNote "Docker tests are required (NEURALTRADER_REQUIRE_DOCKER=1) but: $DockerSkipReason" }
        else { Write-TestNote "Docker tests skipped: $DockerSkipReason" }
    }
}

AfterAll {
    Set-SwarmConfiguration -Isolation Process
    [System.IO.File]::Delete($DockerTestStore)
}

Describe 'Docker isolation' -Tag Docker {
    It 'runs a swarm in Docker sandboxes and leaves no container behind' {
        if (Test-DockerSkipped) { return }
        Set-SwarmConfiguration -Isolation Docker -MaxAgents 2
        try {
            $ok = Start-Swarm -Strategy momentum, mean-reversion -Symbol SPY, QQQ | Where-Object Success
            $ok | Should -HaveCount 4
            @($ok | ForEach-Object SandboxId | Where-Object { $_ }).Count | Should -Be 4
            (Get-SwarmStatus).Isolation | Should -Match 'docker'
        }
        finally {
            Set-SwarmConfiguration -Isolation Process
        }
        Get-OwnSwarmContainer | Should -BeNullOrEmpty
    }

    It 'chooses Docker under -Isolation Auto when the engine answers, and says so' {
        if (Test-DockerSkipped) { return }
        Set-SwarmConfiguration -Isolation Auto -MaxAgents 2
        try {
            $out = Start-Swarm -Strategy momentum -Symbol SPY, IWM -Verbose 4>&1
            $results = @($out | Where-Object { $_ -is [NeuralTrader.Swarm.SwarmResult] })
            $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
            $results | Should -HaveCount 2
            $results | ForEach-Object { $_.Success | Should -BeTrue; $_.SandboxId | Should -Not -BeLike 'proc-*' }
            ($verbose -like '*Isolation Auto chose Docker*') | Should -Not -BeNullOrEmpty
            (Get-SwarmStatus).Isolation | Should -Match 'docker'
        }
        finally {
            Set-SwarmConfiguration -Isolation Process
        }
        Get-OwnSwarmContainer | Should -BeNullOrEmpty
    }

    It 'Stop-Job stops a Docker swarm and leaves no container' {
        if (Test-DockerSkipped) { return }
        Set-SwarmConfiguration -Isolation Docker -MaxAgents 2
        try {
            $job = Start-Swarm -Strategy neural-forecast -Symbol SPY, QQQ, IWM, TSLA -Agents 16 -AsJob
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while ($job.Output.Count -eq 0 -and $job.State -eq 'Running' -and [DateTime]::UtcNow -lt $deadline) { [System.Threading.Thread]::Sleep(50) }
            $job | Stop-Job
            $job.State | Should -Be 'Stopped'
            @($job.Output | Where-Object Success).Count | Should -BeLessThan 16
            $job | Remove-Job
        }
        finally {
            Set-SwarmConfiguration -Isolation Process
        }
        # The engine removes a stopped container a moment after the call returns: wait for it, within a bound.
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (@(Get-OwnSwarmContainer).Count -gt 0 -and [DateTime]::UtcNow -lt $deadline) { [System.Threading.Thread]::Sleep(200) }
        Get-OwnSwarmContainer | Should -BeNullOrEmpty
    }

    It 'builds the sandbox image (kept when it exists) and writes its tag, id and size' {
        if (Test-DockerSkipped) { return }
        $image = Build-SwarmSandboxImage
        $image.PSObject.TypeNames[0] | Should -Be 'NeuralTrader.Swarm.SwarmSandboxImage'
        $image.Tag | Should -Match '^neuraltrader-swarm-runner:'
        $image.Id | Should -Match '^sha256:'
        $image.Size | Should -BeGreaterThan 0
    }

    It 'sweeps orphaned sandboxes with Clear-Swarm -Orphaned' {
        if (Test-DockerSkipped) { return }
        $removed = Clear-Swarm -Orphaned -Confirm:$false
        ($removed -is [int]) | Should -BeTrue
        $removed | Should -Not -BeLessThan 0
    }
}

Describe 'Isolation Auto from the built module' -Tag Docker {
    It 'chooses Docker when the engine answers, says so, builds the image on first use, keeps it warm and leaves no container once cleared' {
        if (Test-DockerSkipped) { return }
        # A copy of the built module whose runner differs by one trailing byte: its content-tagged image is not on the
        # engine yet, so the first swarm has to build it (and only this test's image is removed afterwards).
        $moduleDir = [System.IO.Path]::GetDirectoryName($global:ModuleManifest)
        $copy = Join-Path $TestDrive 'modules/NeuralTrader.Swarm'
        $null = New-Item -ItemType Directory -Path $copy
        Copy-Item -Path $moduleDir -Destination $copy -Recurse
        $runner = Join-Path $copy ((Split-Path $moduleDir -Leaf) + '/module/runner/linux-x64/NeuralTrader.Swarm.Runner')
        if (-not (Test-Path $runner)) { throw "The built module has no linux-x64 runner at $runner." }
        [System.IO.File]::AppendAllText($runner, "`n")
        $data = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'auto-data')

        $script = @'
$ErrorActionPreference = 'Stop'
Import-Module NeuralTrader.Swarm
Set-SwarmConfiguration -Isolation Auto -MaxAgents 2
$out = Start-Swarm -Strategy momentum -Symbol SPY, QQQ -Verbose 4>&1
$out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { 'VERBOSE ' + $_.Message }
'succeeded ' + @($out | Where-Object { $_.Success }).Count
'isolation ' + (Get-SwarmStatus).Isolation
function Get-Own { @(& docker ps -a --filter label=org.neuraltrader.swarm --format '{{.Label "org.neuraltrader.swarm.owner"}}' | Where-Object { $_ -match ('^[^:]+:' + $PID + ':') }) }
# Warm by default: the agents keep their containers for the next swarm of this session, until Clear-Swarm.
'warm ' + @(Get-Own).Count
$null = Clear-Swarm
'left ' + @(Get-Own).Count
'@
        $saved = $env:PSModulePath, $env:XDG_DATA_HOME
        $env:PSModulePath = Join-Path $TestDrive 'modules'
        $env:XDG_DATA_HOME = $data.FullName
        try {
            # pwsh installed as a dotnet tool runs as `dotnet pwsh.dll`: start the same host the same way.
            $pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { [Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll') } else { , [Environment]::ProcessPath }
            $hostArgs = @($pwsh | Select-Object -Skip 1)
            $text = (& $pwsh[0] @hostArgs -NoProfile -NonInteractive -Command $script 2>&1 | ForEach-Object { "$_" }) -join "`n"
            $exit = $LASTEXITCODE
        }
        finally { $env:PSModulePath, $env:XDG_DATA_HOME = $saved }
        $tag = [regex]::Match($text, 'Building sandbox image (\S+)').Groups[1].Value
        try {
            $exit | Should -Be 0 -Because $text
            $text | Should -Match 'VERBOSE .*Isolation Auto chose Docker'
            $tag | Should -Match '^neuraltrader-swarm-runner:' -Because $text
            $text | Should -Match ('VERBOSE .*Built sandbox image ' + [regex]::Escape($tag))
            $text | Should -Match 'succeeded 2'
            $text | Should -Match 'isolation docker'
            $text | Should -Match 'warm 2'
            $text | Should -Match 'left 0'
        }
        finally {
            if ($tag) { $null = & docker image rm $tag 2>&1 }
        }
    }
}

Describe 'Docker cmdlets without an engine' {
    It 'Build-SwarmSandboxImage -WhatIf builds nothing' {
        $out = Build-SwarmSandboxImage -Force -WhatIf
        $out | Should -BeNullOrEmpty
    }

    It 'Clear-Swarm -Orphaned -WhatIf removes nothing' {
        $out = Clear-Swarm -Orphaned -WhatIf
        $out | Should -BeNullOrEmpty
    }

    It 'takes the Docker settings in the configuration' {
        # An image needs container isolation (on Process it is refused, as the next test shows).
        $c = Set-SwarmConfiguration -Isolation Docker -DockerEndpoint 'unix:///var/run/docker.sock' -WarmPoolSize 1 -SandboxImage 'example/strategy:1' -PassThru
        try {
            $c.DockerEndpoint | Should -Be 'unix:///var/run/docker.sock'
            $c.WarmPoolSize | Should -Be 1
            $c.SandboxImage | Should -Be 'example/strategy:1'
        }
        finally {
            Set-SwarmConfiguration -Reset -Isolation Process -MaxAgents 2 -SandboxTimeout 120000 -StorePath $DockerTestStore
        }
    }

    It 'refuses an image on a process-isolated configuration and keeps the configuration' {
        { Set-SwarmConfiguration -SandboxImage 'example/strategy:1' } | Should -Throw '*needs Docker, but Isolation is Process*'
        (Get-SwarmConfiguration).SandboxImage | Should -BeNullOrEmpty
    }
}
