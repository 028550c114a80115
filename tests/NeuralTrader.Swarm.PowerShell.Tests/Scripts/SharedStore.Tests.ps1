# Pester 5; run by real Invoke-Pester 5.7.1 in real pwsh (PesterTests.cs, inside dotnet test).
# One learning store on PostgreSQL shared by several hosts, from the module: a real PostgreSQL cluster made for this
# file (initdb in a temp folder, Unix socket only, as the postgres account when run as root), stopped by its pid.

BeforeAll {
    if (-not $global:ModuleManifest) {
        $root = (Resolve-Path "$PSScriptRoot/../../..").Path
        $version = ([xml](Get-Content "$root/Directory.Build.props" -Raw)).Project.PropertyGroup.Version | Where-Object { $_ } | ForEach-Object { $_ }
        $global:ModuleManifest = "$root/output/NeuralTrader.Swarm/$version/NeuralTrader.Swarm.psd1"
    }
    Import-Module $global:ModuleManifest -Force -ErrorAction Stop

    $bin = Get-ChildItem /usr/lib/postgresql/*/bin/initdb -ErrorAction SilentlyContinue | Select-Object -First 1 | ForEach-Object DirectoryName
    if (-not $bin) { throw 'PostgreSQL server binaries were not found under /usr/lib/postgresql; install postgresql (.ci/run does).' }
    $global:PgRoot = "/tmp/nts-pg-" + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $null = New-Item -ItemType Directory -Path $PgRoot
    $port = Get-Random -Minimum 20000 -Maximum 50000
    $asRoot = (id -u) -eq '0'
    function Invoke-Pg([string]$Program, [string[]]$Arguments) {
        if ($asRoot) { & runuser -u postgres -- "$bin/$Program" @Arguments } else { & "$bin/$Program" @Arguments }
        if ($LASTEXITCODE -ne 0) { throw "$Program failed with exit code $LASTEXITCODE" }
    }
    if ($asRoot) { & chown postgres $PgRoot }
    $null = Invoke-Pg initdb @('-D', "$PgRoot/data", '-U', 'nts', '--auth=trust', '-E', 'UTF8', '--no-sync')
    $null = Invoke-Pg pg_ctl @('-D', "$PgRoot/data", '-w', '-t', '60', '-l', "$PgRoot/server.log", '-o', "-k $PgRoot -p $port -c listen_addresses='' -c fsync=off", 'start')
    $global:PgPid = [int](Get-Content "$PgRoot/data/postmaster.pid" -TotalCount 1)
    $null = Invoke-Pg createdb @('-h', $PgRoot, '-p', "$port", '-U', 'nts', 'swarm')
    $global:SharedStore = "postgresql://nts@localhost:$port/swarm?host=$PgRoot"
    $global:Pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
    $global:SharedKey = [Convert]::ToBase64String([System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32))
}

AfterAll {
    Set-SwarmConfiguration -Reset
    if ($global:PgPid) {
        # SIGQUIT: immediate shutdown of the postmaster and its children, then wait for it.
        & kill -QUIT $global:PgPid
        try { (Get-Process -Id $global:PgPid -ErrorAction Stop).WaitForExit(30000) | Out-Null } catch { }
    }
    if ($global:PgRoot) { Remove-Item -Recurse -Force $global:PgRoot -ErrorAction SilentlyContinue }
}

Describe 'A shared PostgreSQL store' {
    It 'takes a postgresql:// store path and learns from two hosts writing at once' {
        # Two "hosts": two pwsh processes of their own, each a scheduled deployment on its own symbol.
        # The key reaches them in the environment, never in their arguments.
        $hostScript = Join-Path $PgRoot 'host.ps1'
        Set-Content -Path $hostScript -Value {
            param($Manifest, $Store, $Symbol)
            Import-Module $Manifest -ErrorAction Stop
            $secure = [securestring]::new(); foreach ($c in $env:NEURALTRADER_ENCRYPTION_KEY.ToCharArray()) { $secure.AppendChar($c) }
            Set-SwarmConfiguration -Isolation Process -MaxAgents 2 -StorePath $Store -EncryptionKey $secure -SandboxIdleTimeout 0
            @(Start-Swarm -Strategy momentum -Symbol $Symbol -Agents 3 -ErrorAction Stop).Count
        }.ToString()
        $env:NEURALTRADER_ENCRYPTION_KEY = $SharedKey
        try {
            $hosts = foreach ($symbol in 'SPY', 'QQQ') {
                Start-ThreadJob -ScriptBlock { param($pwsh, $file, $manifest, $store, $symbol) & $pwsh -NoProfile -NonInteractive -File $file $manifest $store $symbol } -ArgumentList $Pwsh, $hostScript, $global:ModuleManifest, $SharedStore, $symbol
            }
            $counts = $hosts | Wait-Job -Timeout 300 | Receive-Job
            $hosts | Remove-Job -Force
        }
        finally {
            Remove-Item Env:NEURALTRADER_ENCRYPTION_KEY
        }
        ($counts | Select-Object -Last 2) | Should -Be @('3', '3')

        $secure = [securestring]::new(); foreach ($c in $SharedKey.ToCharArray()) { $secure.AppendChar($c) }
        Set-SwarmConfiguration -Isolation Process -StorePath $SharedStore -EncryptionKey $secure
        $stats = Get-SwarmLearningStats
        $stats.TotalTrajectories | Should -Be 6
        $stats.StorePath | Should -BeLike 'postgresql://*'
        $stats.StorePath | Should -Not -Match 'password'
        $check = Test-SwarmStore
        $check.IsValid | Should -BeTrue
        $check.RecordsChecked | Should -Be 6
        # A third host's suggestion for QQQ learns from what the QQQ host recorded.
        (Get-SwarmSuggestion -Strategy momentum -Symbol QQQ).Observations | Should -Be 3
    }
}
