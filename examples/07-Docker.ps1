# Docker isolation: every agent runs in its own hardened container (no network, read-only root, capped memory and
# CPU). The sandbox image is built from the module's own runner on first use; -Isolation Auto picks Docker
# whenever an engine answers and says so on the verbose stream.
Import-Module NeuralTrader.Swarm -ErrorAction Stop

Set-SwarmConfiguration -Isolation Auto -MaxAgents 2
try {
    $image = Build-SwarmSandboxImage
    'Sandbox image {0} ({1:N1} MB)' -f $image.Tag, ($image.Size / 1MB)

    $results = Start-Swarm -Strategy momentum, mean-reversion -Symbol SPY, QQQ -Verbose 4>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.VerboseRecord]) {
            if ($_.Message -match 'Isolation Auto chose') { "Chose: $($_.Message)" }
        }
        else { $_ }
    }
    $results | Where-Object { $_ -is [string] }
    foreach ($r in $results | Where-Object { $_ -isnot [string] }) {
        '{0,-15} {1,-4} {2,-9} return {3,8:P2}  container {4}' -f $r.Strategy, $r.Symbol, $r.Status, $r.TotalReturn, $r.SandboxId.Substring(0, 12)
    }
    $status = Get-SwarmStatus
    "Isolation: $($status.Isolation); sandboxes left: $(@(Get-SwarmSandbox).Count)"
}
finally {
    Set-SwarmConfiguration -Reset
}
