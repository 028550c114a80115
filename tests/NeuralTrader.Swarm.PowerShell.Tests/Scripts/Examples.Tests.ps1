# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# Every examples/*.ps1 runs as a user runs it: a fresh pwsh, the module found by name on PSModulePath (the folder the
# build lays out), a temporary default store (XDG_DATA_HOME) and working folder, and a session label of its own so
# only its containers are counted.

BeforeDiscovery {
    $root = (Resolve-Path "$PSScriptRoot/../../..").Path
    $examples = Get-ChildItem "$root/examples" -Filter '*.ps1' | Sort-Object Name | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName; Docker = $_.Name -like '*docker*' } }
}

BeforeAll {
    $global:RepoRoot = (Resolve-Path "$PSScriptRoot/../../..").Path
    # This very pwsh (a dotnet-tool pwsh's process is dotnet itself; $PSHOME holds its executable).
    $global:Pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
    function global:Get-RepoState { & git -C $RepoRoot status --porcelain --untracked-files=all 2>$null }
    function global:Test-DockerEngine { $null = & docker version --format '{{.Server.Version}}' 2>&1; $LASTEXITCODE -eq 0 }
}

Describe 'examples/<Name>' -ForEach $examples {
    It 'runs as written in a fresh pwsh and leaves nothing behind' -Tag $(if ($Docker) { 'Docker' } else { 'Example' }) {
        if ($Docker -and -not (Test-DockerEngine)) {
            if ($env:NEURALTRADER_REQUIRE_DOCKER -eq '1') { throw 'Docker is required but no engine answers.' }
            Set-ItResult -Skipped -Because 'no Docker engine answers'
            return
        }
        $work = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path "$work/data"
        $session = 'example-' + [guid]::NewGuid().ToString('N')
        $before = Get-RepoState
        $saved = @{ PSModulePath = $env:PSModulePath; XDG_DATA_HOME = $env:XDG_DATA_HOME; NEURALTRADER_SESSION = $env:NEURALTRADER_SESSION }
        try {
            $env:PSModulePath = (Join-Path $RepoRoot 'output') + [System.IO.Path]::PathSeparator + $env:PSModulePath
            $env:XDG_DATA_HOME = "$work/data"
            $env:NEURALTRADER_SESSION = $session
            Push-Location $work
            $output = & $Pwsh -NoProfile -NonInteractive -File $Path 2>&1
            $exit = $LASTEXITCODE
        }
        finally {
            Pop-Location
            foreach ($k in $saved.Keys) { Set-Item "env:$k" -Value $saved[$k] }
        }
        $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $exit | Should -Be 0 -Because ($output -join "`n")
        $errors | Should -BeNullOrEmpty -Because ($output -join "`n")
        @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 0
        Get-RepoState | Should -Be $before
        if (Test-DockerEngine) {
            @(& docker ps -aq --filter "label=org.neuraltrader.swarm.session=$session") | Should -BeNullOrEmpty
        }
    }
}
