<#
.SYNOPSIS
    Builds, tests and packages the NeuralTrader.Swarm module.
.DESCRIPTION
    A thin wrapper over dotnet: uses only Core cmdlets, so it runs in any PowerShell 5.1+/7+ and in a bare
    hosted engine. The module layout itself is made by MSBuild (src/NeuralTrader.Swarm/NeuralTrader.Swarm.csproj,
    target StageModule) into output/NeuralTrader.Swarm/<version>/.
.PARAMETER Task
    Build: build and stage the module. Test: run the tests (Invoke-Pester on the script tests when Pester is
    installed, then dotnet test). Package: build, then make output/packages/NeuralTrader.Swarm.<version>.nupkg
    with PSResourceGet's Compress-PSResource (Publish-PSResource -NupkgPath publishes it to any repository).
.EXAMPLE
    ./build.ps1 -Task Build
.EXAMPLE
    ./build.ps1 -Task Package -Configuration Release
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Debug',

    # Also publish the Native AOT runner for Docker images (module/runner/linux-x64).
    [switch] $NativeRunner
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
$project = [System.IO.Path]::Combine($root, 'src', 'NeuralTrader.Swarm', 'NeuralTrader.Swarm.csproj')
$props = [System.IO.File]::ReadAllText([System.IO.Path]::Combine($root, 'Directory.Build.props'))
$version = [regex]::Match($props, '<Version>([^<]+)</Version>').Groups[1].Value
$moduleDir = [System.IO.Path]::Combine($root, 'output', 'NeuralTrader.Swarm', $version)

# Write-Verbose is not a Core cmdlet: a bare engine lacks it, $PSCmdlet has the same method.
function Write-Log([string] $Message) { $PSCmdlet.WriteVerbose($Message) }

function Invoke-Dotnet {
    param([string[]] $Arguments)
    Write-Log "dotnet $($Arguments -join ' ')"
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

function Invoke-Build {
    # No node reuse: a long-lived MSBuild node of another build (an IDE, a parallel test run) can hold files this build
    # must overwrite ("being used by another process").
    $arguments = @('build', $project, '-c', $Configuration, '-nologo', '-v:minimal', '-nodeReuse:false')
    if ($NativeRunner) { $arguments += '-p:PublishNativeRunner=true' }
    Invoke-Dotnet $arguments | ForEach-Object { Write-Log "$_" }
    if (-not [System.IO.File]::Exists([System.IO.Path]::Combine($moduleDir, 'NeuralTrader.Swarm.psd1'))) {
        throw "The build did not stage the module in $moduleDir."
    }
    "Module staged in $moduleDir"
}

switch ($Task) {
    'Build' {
        Invoke-Build
    }
    'Test' {
        Invoke-Build
        $pester = Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 }
        if ($pester) {
            Import-Module Pester -MinimumVersion 5.0
            $result = Invoke-Pester -Path ([System.IO.Path]::Combine($root, 'tests', 'NeuralTrader.Swarm.PowerShell.Tests', 'Scripts')) -PassThru
            if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
        }
        else {
            Write-Log 'Pester 5 is not on PSModulePath: dotnet test runs the script tests through .tools/ (see docs/module.md), or skips them.'
        }
        Invoke-Dotnet @('test', [System.IO.Path]::Combine($root, 'NeuralTrader.Psm.sln'), '-c', $Configuration, '-nologo')
    }
    'Package' {
        Invoke-Build
        $packages = [System.IO.Path]::Combine($root, 'output', 'packages')
        $null = [System.IO.Directory]::CreateDirectory($packages)
        # PSResourceGet (in PowerShell 7.4+; Install-Module Microsoft.PowerShell.PSResourceGet elsewhere) makes the
        # .nupkg exactly as Publish-PSResource and the PowerShell Gallery expect it.
        if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
            throw 'Packaging needs Microsoft.PowerShell.PSResourceGet 1.1 or later (Compress-PSResource); it ships with PowerShell 7.4+.'
        }
        $nupkg = [System.IO.Path]::Combine($packages, "NeuralTrader.Swarm.$version.nupkg")
        if ([System.IO.File]::Exists($nupkg)) { [System.IO.File]::Delete($nupkg) }
        Compress-PSResource -Path $moduleDir -DestinationPath $packages
        if (-not [System.IO.File]::Exists($nupkg)) { throw "Compress-PSResource did not write $nupkg." }
        $nupkg
    }
}
