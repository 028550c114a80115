# MiniPester: a small runner for the subset of Pester 5 our *.Tests.ps1 files use.
#
# It exists ONLY because Pester cannot be installed on the machines this project builds on (it is in none of the
# package registries they reach). The test files are plain Pester 5 files: with Pester installed,
# `Invoke-Pester tests/NeuralTrader.Swarm.PowerShell.Tests/Scripts` runs the very same files, and build.ps1 -Task Test
# does so when Pester is available. Keep the test files to this subset:
#   Describe/Context/It (-Skip, -Tag ignored), BeforeAll/AfterAll/BeforeEach/AfterEach,
#   Should -Be/-BeExactly/-BeTrue/-BeFalse/-BeNullOrEmpty/-HaveCount/-BeGreaterThan/-BeLessThan/-Match/-Throw
#   (-Not, -ExpectedMessage, -ErrorId, -Because).
#
# Like Pester 5 it runs in two phases: Describe bodies run first to discover the tests (code outside
# It/BeforeAll/... runs then), then the tree runs. $MiniPesterMode = 'Discovery' stops after the first phase.
# It is dot-sourced into the runspace (not imported as a module) so the test files' script blocks and these
# functions share one session state, which keeps the Pester scoping rules (BeforeAll variables visible in It).
# Only Core cmdlets and the language are used: the hosted engine has nothing else.

if ($null -eq $global:MiniPesterMode) { $global:MiniPesterMode = 'Run' }
$global:MiniPesterResults = [System.Collections.Generic.List[object]]::new()
$global:MiniPesterStack = [System.Collections.Generic.List[object]]::new()
$global:MiniPesterWarnings = [System.Collections.Generic.List[string]]::new()

function New-MiniPesterBlock([string] $Name) {
    [pscustomobject]@{
        Name = $Name; Children = [System.Collections.Generic.List[object]]::new()
        BeforeAll = [System.Collections.Generic.List[scriptblock]]::new(); AfterAll = [System.Collections.Generic.List[scriptblock]]::new()
        BeforeEach = [System.Collections.Generic.List[scriptblock]]::new(); AfterEach = [System.Collections.Generic.List[scriptblock]]::new()
        IsTest = $false
    }
}

function Add-MiniPesterBlock([string] $Name, [scriptblock] $Fixture) {
    $block = New-MiniPesterBlock $Name
    $isRoot = $global:MiniPesterStack.Count -eq 0
    if (-not $isRoot) { $global:MiniPesterStack[$global:MiniPesterStack.Count - 1].Children.Add($block) }
    $global:MiniPesterStack.Add($block)
    try { . $Fixture } finally { $global:MiniPesterStack.RemoveAt($global:MiniPesterStack.Count - 1) }
    if ($isRoot) { Complete-MiniPesterRoot $block }
}

function Complete-MiniPesterRoot($Block) {
    if ($global:MiniPesterMode -eq 'Discovery') { Write-MiniPesterDiscovery $Block '' }
    else { Invoke-MiniPesterBlock $Block '' @() @() }
}

# Runs a test file the way Invoke-Pester does: the file is a container whose top-level BeforeAll/AfterAll wrap
# every Describe in it. The file's name is not part of the test paths.
function Invoke-MiniPesterFile([string] $Path) {
    $root = New-MiniPesterBlock ''
    $global:MiniPesterStack.Add($root)
    try { . $Path } finally { $global:MiniPesterStack.RemoveAt(0) }
    Complete-MiniPesterRoot $root
}

function Describe { param([Parameter(Mandatory, Position = 0)][string] $Name, [Parameter(Position = 1)][scriptblock] $Fixture, [string[]] $Tag) Add-MiniPesterBlock $Name $Fixture }
function Context { param([Parameter(Mandatory, Position = 0)][string] $Name, [Parameter(Position = 1)][scriptblock] $Fixture, [string[]] $Tag) Add-MiniPesterBlock $Name $Fixture }

function It {
    param([Parameter(Mandatory, Position = 0)][string] $Name, [Parameter(Position = 1)][scriptblock] $Test, [switch] $Skip, [string[]] $Tag)
    if ($global:MiniPesterStack.Count -eq 0) { throw "It '$Name' must be inside Describe." }
    $global:MiniPesterStack[$global:MiniPesterStack.Count - 1].Children.Add([pscustomobject]@{ Name = $Name; Body = $Test; Skip = [bool]$Skip; IsTest = $true })
}

function Get-MiniPesterCurrent { if ($global:MiniPesterStack.Count -eq 0) { throw 'Setup blocks must be inside Describe.' }; $global:MiniPesterStack[$global:MiniPesterStack.Count - 1] }
function BeforeAll { param([Parameter(Mandatory, Position = 0)][scriptblock] $Scriptblock) (Get-MiniPesterCurrent).BeforeAll.Add($Scriptblock) }
function AfterAll { param([Parameter(Mandatory, Position = 0)][scriptblock] $Scriptblock) (Get-MiniPesterCurrent).AfterAll.Add($Scriptblock) }
function BeforeEach { param([Parameter(Mandatory, Position = 0)][scriptblock] $Scriptblock) (Get-MiniPesterCurrent).BeforeEach.Add($Scriptblock) }
function AfterEach { param([Parameter(Mandatory, Position = 0)][scriptblock] $Scriptblock) (Get-MiniPesterCurrent).AfterEach.Add($Scriptblock) }

function Join-MiniPesterPath([string] $Prefix, [string] $Name) {
    if (-not $Prefix) { return $Name }
    if (-not $Name) { return $Prefix }
    "$Prefix > $Name"
}

function Write-MiniPesterDiscovery($Block, [string] $Path) {
    $here = Join-MiniPesterPath $Path $Block.Name
    foreach ($child in $Block.Children) {
        if ($child.IsTest) { $global:MiniPesterResults.Add([pscustomobject]@{ Path = (Join-MiniPesterPath $here $child.Name); Result = 'Discovered'; Error = $null; DurationMs = 0 }) }
        else { Write-MiniPesterDiscovery $child $here }
    }
}

function Get-MiniPesterTests($Block, [string] $Path) {
    $here = Join-MiniPesterPath $Path $Block.Name
    foreach ($child in $Block.Children) {
        if ($child.IsTest) { Join-MiniPesterPath $here $child.Name } else { Get-MiniPesterTests $child $here }
    }
}

function Format-MiniPesterError($ErrorRecord) {
    $position = if ($ErrorRecord.InvocationInfo) { " (line $($ErrorRecord.InvocationInfo.ScriptLineNumber): $($ErrorRecord.InvocationInfo.Line.Trim()))" } else { '' }
    "$($ErrorRecord.Exception.Message)$position"
}

function Invoke-MiniPesterBlock($Block, [string] $Path, $BeforeEach, $AfterEach) {
    # A child scope per block: BeforeAll variables are visible to everything inside, like Pester.
    & {
        $here = Join-MiniPesterPath $Path $Block.Name
        $setupError = $null
        try { foreach ($sb in $Block.BeforeAll) { $null = . $sb } }
        catch { $setupError = "BeforeAll failed: $(Format-MiniPesterError $_)" }
        $each = @($BeforeEach) + @($Block.BeforeEach)
        $eachAfter = @($Block.AfterEach) + @($AfterEach)
        foreach ($child in $Block.Children) {
            if (-not $child.IsTest) {
                if ($setupError) {
                    foreach ($name in (Get-MiniPesterTests $child $here)) { $global:MiniPesterResults.Add([pscustomobject]@{ Path = $name; Result = 'Failed'; Error = $setupError; DurationMs = 0 }) }
                }
                else { Invoke-MiniPesterBlock $child $here $each $eachAfter }
                continue
            }
            $name = Join-MiniPesterPath $here $child.Name
            if ($child.Skip) { $global:MiniPesterResults.Add([pscustomobject]@{ Path = $name; Result = 'Skipped'; Error = $null; DurationMs = 0 }); continue }
            if ($setupError) { $global:MiniPesterResults.Add([pscustomobject]@{ Path = $name; Result = 'Failed'; Error = $setupError; DurationMs = 0 }); continue }
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $failure = & {
                try {
                    foreach ($sb in $each) { $null = . $sb }
                    $null = . $child.Body
                }
                catch { Format-MiniPesterError $_ }
                finally {
                    foreach ($sb in $eachAfter) { try { $null = . $sb } catch { $global:MiniPesterWarnings.Add("AfterEach failed in '$name': $($_.Exception.Message)") } }
                }
            }
            $global:MiniPesterResults.Add([pscustomobject]@{ Path = $name; Result = $(if ($failure) { 'Failed' } else { 'Passed' }); Error = $failure; DurationMs = $watch.Elapsed.TotalMilliseconds })
        }
        foreach ($sb in $Block.AfterAll) { try { $null = . $sb } catch { $global:MiniPesterWarnings.Add("AfterAll failed in '$($Block.Name)': $($_.Exception.Message)") } }
    }
}

function Format-MiniPesterValue($Value) {
    if ($null -eq $Value) { return '$null' }
    if ($Value -is [string]) { return "'$Value'" }
    if ($Value -is [System.Collections.IEnumerable]) { return '@(' + (@($Value | ForEach-Object { Format-MiniPesterValue $_ }) -join ', ') + ')' }
    return "$Value"
}

function Should {
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline = $true)] $ActualValue,
        [Parameter(Position = 0)] $ExpectedValue,
        [switch] $Not,
        [switch] $Be, [switch] $BeExactly, [switch] $BeTrue, [switch] $BeFalse, [switch] $BeNullOrEmpty,
        [switch] $HaveCount, [switch] $BeGreaterThan, [switch] $BeLessThan, [switch] $Match, [switch] $Throw,
        [string] $ExpectedMessage, [string] $ErrorId, [string] $Because
    )
    begin { $items = [System.Collections.Generic.List[object]]::new(); $piped = $false }
    process { if ($MyInvocation.ExpectingInput) { $piped = $true; $items.Add($ActualValue) } }
    end {
        # Fail through the cmdlet so the error points at the Should line of the test, not at this function.
        function Fail([string] $Message) {
            $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([System.Exception]::new($Message), 'ShouldFailed', 'InvalidResult', $null))
        }
        $actual = if ($piped) { if ($items.Count -eq 1) { $items[0] } elseif ($items.Count -eq 0) { $null } else { , $items.ToArray() } } else { $ActualValue }
        $count = if ($piped) { $items.Count } elseif ($null -eq $ActualValue) { 0 } else { @($ActualValue).Count }
        $reason = if ($Because) { " because $Because" } else { '' }
        $ok = $false
        $expectation = ''
        if ($Be) { $ok = $actual -eq $ExpectedValue; if ($actual -is [array]) { $ok = $false }; $expectation = "to be $(Format-MiniPesterValue $ExpectedValue)" }
        elseif ($BeExactly) { $ok = $actual -ceq $ExpectedValue; if ($actual -is [array]) { $ok = $false }; $expectation = "to be exactly $(Format-MiniPesterValue $ExpectedValue)" }
        elseif ($BeTrue) { $ok = [bool]$actual; $expectation = 'to be $true' }
        elseif ($BeFalse) { $ok = -not [bool]$actual; $expectation = 'to be $false' }
        elseif ($BeNullOrEmpty) { $ok = $count -eq 0 -or $null -eq $actual -or ($actual -is [string] -and $actual -eq ''); $expectation = 'to be null or empty' }
        elseif ($HaveCount) { $ok = $count -eq $ExpectedValue; $actual = "$count item(s)"; $expectation = "to have $ExpectedValue item(s)" }
        elseif ($BeGreaterThan) { $ok = $actual -gt $ExpectedValue; $expectation = "to be greater than $(Format-MiniPesterValue $ExpectedValue)" }
        elseif ($BeLessThan) { $ok = $actual -lt $ExpectedValue; $expectation = "to be less than $(Format-MiniPesterValue $ExpectedValue)" }
        elseif ($Match) { $ok = "$actual" -match $ExpectedValue; $expectation = "to match '$ExpectedValue'" }
        elseif ($Throw) {
            $thrown = $null
            try { $null = & $actual } catch { $thrown = $_ }
            $ok = $null -ne $thrown
            $expectation = 'to throw'
            if ($ok -and $ExpectedMessage) { $ok = $thrown.Exception.Message -like $ExpectedMessage; $expectation += " a message like '$ExpectedMessage'" }
            if ($ok -and $ErrorId) { $ok = $thrown.FullyQualifiedErrorId -like "*$ErrorId*"; $expectation += " error id '$ErrorId'" }
            if ($Not) { if ($thrown) { Fail "Expected no exception$reason, but got: $($thrown.Exception.Message)" }; return }
            if (-not $ok) { Fail "Expected the script block $expectation$reason, but $(if ($thrown) { "it threw '$($thrown.Exception.Message)' ($($thrown.FullyQualifiedErrorId))" } else { 'nothing was thrown' })." }
            return
        }
        else { throw 'Should: give an operator such as -Be.' }
        if ($Not) { $ok = -not $ok; $expectation = "not $expectation" }
        if (-not $ok) { Fail "Expected $(Format-MiniPesterValue $actual) $expectation$reason." }
    }
}
