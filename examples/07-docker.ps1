# Docker isolation: every agent runs in its own hardened container (no network, read-only, memory and CPU
# limits, non-root), built locally from the module on first use. -Isolation Auto picks Docker whenever an
# engine answers and says so in the verbose stream; Docker forces it (and fails clearly without an engine).
Import-Module NeuralTrader.Swarm -ErrorAction Stop

# The image the sandboxes run: built from the runner inside the module, kept when it exists.
$image = Build-SwarmSandboxImage
'Sandbox image {0} ({1:N1} MB)' -f $image.Tag, ($image.Size / 1MB)

Set-SwarmConfiguration -Isolation Docker -MaxAgents 2 -MemoryLimit 256 -CpuLimit 0.5
try {
    $results = Start-Swarm -Strategy momentum, mean-reversion -Symbol SPY, QQQ -Verbose
    foreach ($r in $results) {
        '{0,-15} {1,-4} {2,-9} annual {3,7:P1} (buy-and-hold {4,7:P1})  sandbox {5}' -f
            $r.Strategy, $r.Symbol, $r.Status, $r.AnnualizedReturn, $r.BuyAndHoldAnnualizedReturn, $r.SandboxId.Substring(0, 12)
    }
    'Isolation: {0}; sandboxes left: {1}' -f (Get-SwarmStatus).Isolation, @(Get-SwarmSandbox).Count
}
finally {
    Set-SwarmConfiguration -Isolation Auto
}
