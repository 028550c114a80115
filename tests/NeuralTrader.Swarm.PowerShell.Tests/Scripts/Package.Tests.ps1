# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# The module installed like any other: published to a local PSResource repository, installed with
# Install-PSResource and imported by name in a fresh pwsh, where it runs a Docker swarm and a learning round.
# PSResourceGet keeps its repositories and the CurrentUser scope under HOME/XDG_DATA_HOME: the child processes get
# temporary ones, so the user's repositories and modules are untouched.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    $script:moduleDir = [System.IO.Path]::GetDirectoryName($global:ModuleManifest)
    $script:commandsDir = (Resolve-Path "$PSScriptRoot/../../../src/NeuralTrader.Swarm/Commands").Path

    # Runs a script in a new pwsh (no profile) with the given environment; returns its output lines and exit code.
    function script:Invoke-FreshPwsh([string] $Script, [hashtable] $Environment) {
        $saved = @{}
        foreach ($k in $Environment.Keys) { $saved[$k] = [Environment]::GetEnvironmentVariable($k); [Environment]::SetEnvironmentVariable($k, $Environment[$k]) }
        # pwsh installed as a dotnet tool runs as `dotnet pwsh.dll`: start the same host the same way.
        $pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { [Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll') } else { , [Environment]::ProcessPath }
        $hostArgs = @($pwsh | Select-Object -Skip 1)
        try { $out = & $pwsh[0] @hostArgs -NoProfile -NonInteractive -Command $Script 2>&1 | ForEach-Object { "$_" } }
        finally { foreach ($k in $saved.Keys) { [Environment]::SetEnvironmentVariable($k, $saved[$k]) } }
        [pscustomobject]@{ Output = @($out); ExitCode = $LASTEXITCODE }
    }
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest and exports exactly the cmdlets in Commands/' {
        $manifest = Test-ModuleManifest -Path $global:ModuleManifest
        $manifest.Name | Should -Be 'NeuralTrader.Swarm'
        $expected = Get-ChildItem $commandsDir -Filter '*Command.cs' | ForEach-Object {
            $m = [regex]::Match((Get-Content $_.FullName -Raw), '\[Cmdlet\(Verbs\w+\.(\w+),\s*"([^"]+)"')
            if ($m.Success) { "$($m.Groups[1].Value)-$($m.Groups[2].Value)" }
        } | Sort-Object
        $expected.Count | Should -BeGreaterThan 20
        @($manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be $expected
        Import-Module $global:ModuleManifest -ErrorAction Stop
        @((Get-Command -Module NeuralTrader.Swarm).Name | Sort-Object) | Should -Be $expected
    }
}

Describe 'Installing from a PowerShell repository' -Tag Docker {
    It 'publishes to a local repository, installs into a fresh pwsh, imports by name and runs a Docker swarm and a learning round' {
        $docker = @(Get-Command docker -CommandType Application -ErrorAction SilentlyContinue)
        $null = if ($docker) { & $docker[0].Source info --format '{{.ServerVersion}}' 2>&1 }
        if (-not $docker -or $LASTEXITCODE -ne 0) {
            if ($env:NEURALTRADER_REQUIRE_DOCKER -eq '1') { throw 'Docker is required (NEURALTRADER_REQUIRE_DOCKER=1) but no engine answers.' }
            Write-Warning 'Skipped: no Docker engine answers.'
            return
        }
        $userHome = Join-Path $TestDrive 'home'
        $repo = Join-Path $TestDrive 'repo'
        $data = Join-Path $userHome '.local/share'
        # It must exist: .NET gives an empty LocalApplicationData for a missing folder, and PSResourceGet then keeps
        # its repository list in the current directory.
        $null = New-Item -ItemType Directory -Path $data, $repo
        # PSResourceGet's CurrentUser scope is HOME/.local/share/powershell/Modules, pwsh's is XDG_DATA_HOME/powershell/Modules.
        $isolated = @{ HOME = $userHome; XDG_DATA_HOME = $data; XDG_CONFIG_HOME = (Join-Path $userHome '.config'); XDG_CACHE_HOME = (Join-Path $userHome '.cache') }
        $publish = Invoke-FreshPwsh -Environment $isolated -Script @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name NeuralTraderLocal -Uri '$repo' -Trusted
Publish-PSResource -Path '$moduleDir' -Repository NeuralTraderLocal
Install-PSResource -Name NeuralTrader.Swarm -Repository NeuralTraderLocal -Scope CurrentUser -TrustRepository
"@
        $publish.ExitCode | Should -Be 0 -Because ($publish.Output -join "`n")
        Get-ChildItem $repo -Filter 'NeuralTrader.Swarm.*.nupkg' | Should -HaveCount 1
        $installed = Join-Path $data 'powershell/Modules'
        Test-Path (Join-Path $installed 'NeuralTrader.Swarm/*/NeuralTrader.Swarm.psd1') | Should -BeTrue

        # A fresh process that knows only the installed folder; the swarm's own store in the temporary home.
        $run = Invoke-FreshPwsh -Environment ($isolated + @{ PSModulePath = $installed }) -Script @'
$ErrorActionPreference = 'Stop'
Import-Module NeuralTrader.Swarm
'base ' + (Get-Module NeuralTrader.Swarm).ModuleBase
Set-SwarmConfiguration -Isolation Docker -MaxAgents 2
$ok = @(Start-Swarm -Strategy momentum -Symbol SPY, QQQ | Where-Object Success)
'succeeded ' + $ok.Count + ' in ' + (Get-SwarmStatus).Isolation + ' with sandboxes ' + @($ok.SandboxId | Where-Object { $_ }).Count
'trajectories ' + (Get-SwarmLearningStats).TotalTrajectories
$s = Get-SwarmSuggestion -Strategy momentum -Symbol SPY
'suggestion ' + $s.RecommendedParameters.Count
$own = @(& docker ps -a --filter label=org.neuraltrader.swarm --format '{{.Label "org.neuraltrader.swarm.owner"}}' | Where-Object { $_ -match ('^[^:]+:' + $PID + ':') })
'left ' + $own.Count
'@
        $text = $run.Output -join "`n"
        $run.ExitCode | Should -Be 0 -Because $text
        $text | Should -Match ([regex]::Escape("base $installed"))
        $text | Should -Match 'succeeded 2 in docker with sandboxes 2'
        $text | Should -Match 'trajectories 2'
        $text | Should -Match 'suggestion [1-9]'
        $text | Should -Match 'left 0'
    }
}
