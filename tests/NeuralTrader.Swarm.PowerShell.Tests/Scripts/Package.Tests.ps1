# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# Installable like any module: build.ps1 packs the .nupkg, a fresh pwsh publishes it to a local PSResource repository,
# installs it from there and runs a Docker swarm and a learning round from the installed copy, imported by name.
# Both pwsh processes get a home of their own (PSResourceGet keeps repositories and CurrentUser modules there, and
# the default store is there too), so the user's modules, repositories and store are never touched; dotnet keeps
# the user's CLI home and package cache, which it only reads here (the module is already built).

BeforeAll {
    $global:RepoRoot = (Resolve-Path "$PSScriptRoot/../../..").Path
    $global:Pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
}

Describe 'The packaged module' -Tag Docker {
    It 'packs, publishes to a local repository, installs into a fresh pwsh and runs a Docker swarm and a learning round' {
        $null = & docker version --format '{{.Server.Version}}' 2>&1
        if ($LASTEXITCODE -ne 0) {
            if ($env:NEURALTRADER_REQUIRE_DOCKER -eq '1') { throw 'Docker is required but no engine answers.' }
            Set-ItResult -Skipped -Because 'no Docker engine answers'
            return
        }
        $home_ = Join-Path $TestDrive 'user'
        $session = 'package-' + [guid]::NewGuid().ToString('N')
        $script = {
            param($Nupkg, $RepositoryFolder)
            $ErrorActionPreference = 'Stop'
            Register-PSResourceRepository -Name LocalTest -Uri $RepositoryFolder -Trusted
            Publish-PSResource -NupkgPath $Nupkg -Repository LocalTest
            Install-PSResource -Name NeuralTrader.Swarm -Repository LocalTest -Scope CurrentUser -TrustRepository -Quiet
            Import-Module NeuralTrader.Swarm
            $module = Get-Module NeuralTrader.Swarm
            $manifest = Test-ModuleManifest (Join-Path $module.ModuleBase 'NeuralTrader.Swarm.psd1')
            Set-SwarmConfiguration -Isolation Docker -MaxAgents 2
            $results = @(Start-Swarm momentum -Symbol SPY, QQQ)
            $tuned = Invoke-SwarmOptimization momentum -Symbol SPY -Trials 3 -ValidationSplit 0.3 | Select-Object -Last 1
            [pscustomobject]@{
                ModuleBase = $module.ModuleBase
                Version = "$($manifest.Version)"
                Commands = @(Get-Command -Module NeuralTrader.Swarm | ForEach-Object Name | Sort-Object)
                Succeeded = @($results | Where-Object Success).Count
                Sandboxes = @($results | ForEach-Object SandboxId)
                Isolation = (Get-SwarmStatus).Isolation
                Trajectories = (Get-SwarmLearningStats).TotalTrajectories
                Suggested = (Get-SwarmSuggestion momentum -Symbol SPY).RecommendedParameters.Count
                Chosen = $tuned.Parameters.Count
            } | ConvertTo-Json -Compress
        }
        $names = 'HOME', 'PSModulePath', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'DOTNET_CLI_HOME', 'NUGET_PACKAGES', 'NEURALTRADER_SESSION'
        $saved = @{}; foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        try {
            $env:DOTNET_CLI_HOME = if ($saved.DOTNET_CLI_HOME) { $saved.DOTNET_CLI_HOME } else { $saved.HOME }
            $env:NUGET_PACKAGES = if ($saved.NUGET_PACKAGES) { $saved.NUGET_PACKAGES } else { Join-Path $saved.HOME '.nuget/packages' }
            $env:HOME = $home_
            # An empty PSModulePath: the fresh pwsh computes its default one (the user folder under the new home, $PSHOME).
            $env:PSModulePath = ''
            # No XDG overrides: pwsh (PSModulePath) and PSResourceGet (where it installs) then agree on ~/.local/share.
            foreach ($n in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME') { [Environment]::SetEnvironmentVariable($n, $null) }
            $env:NEURALTRADER_SESSION = $session
            # ~/.local/share and ~/.config must exist: .NET gives an empty LocalApplicationData/ApplicationData for a
            # missing folder, and PSResourceGet and NuGet then write PSResourceGet/PSResourceRepository.xml and
            # NuGet/NuGet.Config into the current directory.
            $null = New-Item -ItemType Directory -Path "$home_/repository", "$home_/.local/share", "$home_/.config" -Force
            $cwdBefore = @(Get-ChildItem -Force -Name)

            $packOutput = @(& $Pwsh -NoProfile -NonInteractive -File "$RepoRoot/build.ps1" -Task Package 2>&1)
            $packed = $LASTEXITCODE
            $nupkg = $packOutput | Select-Object -Last 1
            $output = if ($packed -eq 0) { & $Pwsh -NoProfile -NonInteractive -Command "& { $script } '$nupkg' '$home_/repository'" 2>&1 }
            $exit = $LASTEXITCODE
        }
        finally {
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
        }
        @(Get-ChildItem -Force -Name) | Should -Be $cwdBefore -Because 'nothing may be written into the current directory'
        $packed | Should -Be 0 -Because ($packOutput -join "`n")
        $nupkg | Should -BeLike '*NeuralTrader.Swarm.*.nupkg'
        $exit | Should -Be 0 -Because ($output -join "`n")
        $report = ($output | Select-Object -Last 1) | ConvertFrom-Json

        $report.ModuleBase | Should -BeLike "$home_/.local/share/powershell/Modules/NeuralTrader.Swarm/*"
        $expected = Select-String -Path "$RepoRoot/src/NeuralTrader.Swarm/Commands/*.cs" -Pattern '\[Cmdlet\(Verbs\w+\.(\w+), "([\w-]+)"' |
            ForEach-Object { '{0}-{1}' -f $_.Matches[0].Groups[1].Value, $_.Matches[0].Groups[2].Value } | Sort-Object
        $report.Commands | Should -Be $expected
        $report.Succeeded | Should -Be 2
        $report.Sandboxes | ForEach-Object { $_ | Should -Not -BeLike 'proc-*' }
        $report.Isolation | Should -Match 'docker'
        $report.Trajectories | Should -Be 5
        $report.Suggested | Should -BeGreaterThan 0
        $report.Chosen | Should -BeGreaterThan 0
        @(& docker ps -aq --filter "label=org.neuraltrader.swarm.session=$session") | Should -BeNullOrEmpty
    }
}
