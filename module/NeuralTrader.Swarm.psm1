# Loads the NeuralTrader.Swarm cmdlets.
#
# PowerShell 7.4+: the cmdlet assembly and its dependencies (Docker.DotNet with its Newtonsoft.Json,
# BouncyCastle, SQLite with its native library, Microsoft.Extensions.Logging) load in the module's own
# AssemblyLoadContext, so they never clash with the versions PowerShell or another module has loaded.
# Pattern: https://learn.microsoft.com/powershell/scripting/dev-cross-plat/resolving-dependency-conflicts
#
# Windows PowerShell 5.1 has no load contexts: the cmdlet assembly loads directly and its dependencies are
# resolved from bin/ by an AssemblyResolve handler. A dependency another module has already loaded at a
# different version can still clash there; that is the platform's limit.

$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core
$binDir = [System.IO.Path]::Combine($PSScriptRoot, 'bin')
$mainPath = [System.IO.Path]::Combine($binDir, 'NeuralTrader.Swarm.dll')

if ($PSEdition -eq 'Desktop') {
    if (-not ('NeuralTrader.Swarm.Commands.StartSwarmCommand' -as [type])) {
        $resolver = [System.ResolveEventHandler] {
            param($sender, $eventArgs)
            $name = [System.Reflection.AssemblyName]::new($eventArgs.Name)
            $candidate = [System.IO.Path]::Combine($binDir, $name.Name + '.dll')
            if ([System.IO.File]::Exists($candidate)) {
                return [System.Reflection.Assembly]::LoadFrom($candidate)
            }
            return $null
        }.GetNewClosure()
        [System.AppDomain]::CurrentDomain.add_AssemblyResolve($resolver)
    }
    $mainAssembly = [System.Reflection.Assembly]::LoadFrom($mainPath)
    $innerMod = & $importModule -Assembly $mainAssembly -PassThru -Force
}
else {
    # Not Add-Type: a bare engine (InitialSessionState.CreateDefault2) has only the Core cmdlets.
    $loaderPath = [System.IO.Path]::Combine($PSScriptRoot, 'NeuralTrader.Swarm.Loader.dll')
    $loader = [System.Runtime.Loader.AssemblyLoadContext]::Default.LoadFromAssemblyPath($loaderPath)
    $loadContext = $loader.GetType('NeuralTrader.Swarm.Loader.LoadContext', $true)
    $isReload = $null -ne $loadContext::Instance
    $mainAssembly = $loadContext::Initialize($mainPath)
    $innerMod = & $importModule -Assembly $mainAssembly -PassThru:$isReload
}

if ($innerMod) {
    # Import-Module -Force of this module a second time: PowerShell finds the assembly's module in its cache
    # and does not add its cmdlets to this (new) module's session state, so nothing would be exported.
    # Add them by hand. https://github.com/PowerShell/PowerShell/issues/20710
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet',
        [System.Reflection.BindingFlags]'Instance, NonPublic'
    )
    foreach ($cmd in $innerMod.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmd))
    }
}
