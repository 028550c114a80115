# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# Every examples/*.ps1 run as a user runs it: `pwsh -File <example>` from the repository root in a fresh process
# that finds the built module by name on PSModulePath. XDG_DATA_HOME (the default store) and TMPDIR (the examples'
# own files) point into TestDrive, so nothing reaches the user's store or the repository.

BeforeDiscovery {
    $examples = @(Get-ChildItem "$PSScriptRoot/../../../examples" -Filter '*.ps1' | Sort-Object Name | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })
}

BeforeAll {
    $script:root = (Resolve-Path "$PSScriptRoot/../../..").Path
    if (-not $global:ModuleManifest) {
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    # output/NeuralTrader.Swarm/<version>/: the folder above the module's own goes on PSModulePath.
    $script:modulePath = [System.IO.Path]::GetDirectoryName([System.IO.Path]::GetDirectoryName([System.IO.Path]::GetDirectoryName($global:ModuleManifest)))
    $script:git = @(Get-Command git -CommandType Application -ErrorAction SilentlyContinue)[0]
    $script:docker = @(Get-Command docker -CommandType Application -ErrorAction SilentlyContinue)[0]

    function script:Get-RepoState {
        if (-not $git -or -not (Test-Path "$root/.git")) { return '' }
        (& $git.Source -C $root status --porcelain --untracked-files=all) -join "`n"
    }

    # pwsh installed as a dotnet tool runs as `dotnet pwsh.dll`: start the same host the same way.
    function script:New-PwshStartInfo([string[]] $Arguments) {
        $start = [System.Diagnostics.ProcessStartInfo]::new([Environment]::ProcessPath)
        if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { $start.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in $Arguments) { $start.ArgumentList.Add($a) }
        $start.UseShellExecute = $false
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start
    }
}

Describe 'Example <Name>' -ForEach $examples {
    It 'runs in a fresh pwsh, exits 0 and leaves no file in the repository and no container' {
        $usesDocker = (Get-Content $Path -Raw) -match 'Isolation (Auto|Docker)'
        if ($usesDocker) {
            $null = if ($docker) { & $docker.Source info --format '{{.ServerVersion}}' 2>&1 }
            if (-not $docker -or $LASTEXITCODE -ne 0) {
                if ($env:NEURALTRADER_REQUIRE_DOCKER -eq '1') { throw 'Docker is required (NEURALTRADER_REQUIRE_DOCKER=1) but no engine answers.' }
                Write-Warning "Skipped $($Name): no Docker engine answers."
                return
            }
        }
        $data = New-Item -ItemType Directory -Path (Join-Path $TestDrive "$Name-data")
        $temp = New-Item -ItemType Directory -Path (Join-Path $TestDrive "$Name-tmp")
        $before = Get-RepoState

        $start = New-PwshStartInfo @('-NoProfile', '-NonInteractive', '-File', $Path)
        $start.WorkingDirectory = $root
        $start.Environment['PSModulePath'] = $modulePath
        $start.Environment['XDG_DATA_HOME'] = $data.FullName
        $start.Environment['TMPDIR'] = $temp.FullName
        $start.Environment['NO_COLOR'] = '1'
        $process = [System.Diagnostics.Process]::Start($start)
        $stderr = $process.StandardError.ReadToEndAsync()
        $stdout = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $because = "stdout:`n$stdout`nstderr:`n$($stderr.Result)"

        $process.ExitCode | Should -Be 0 -Because $because
        $stderr.Result | Should -BeNullOrEmpty -Because $because
        $stdout | Should -Not -BeNullOrEmpty
        Get-RepoState | Should -Be $before
        if ($usesDocker) {
            $stdout | Should -Match 'Isolation: docker'
            # Owner label host:pid:start: only the example process's own containers.
            $own = @(& $docker.Source ps -a --filter label=org.neuraltrader.swarm --format '{{.Label "org.neuraltrader.swarm.owner"}}' |
                    Where-Object { $_ -match ('^[^:]+:' + $process.Id + ':') })
            $own | Should -BeNullOrEmpty
        }
    }
}
