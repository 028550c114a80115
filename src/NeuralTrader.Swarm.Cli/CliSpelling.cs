using System.Text.RegularExpressions;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>
    /// Core's advice names the module's cmdlets and parameters; CLI users get the same advice in deploy-swarm's
    /// spelling (cmdlets before their parameters, longest first).
    /// </summary>
    internal static class CliSpelling
    {
        private static readonly (Regex Pattern, string Cli)[] Rules =
        {
            (new Regex(@"\s*\((?:with |on )?Set-SwarmConfiguration\)"), ""),
            (new Regex(@"(?:with|on) Set-SwarmConfiguration"), "on deploy"),
            (new Regex(@"(?:on )?Start-Swarm"), "deploy"),
            (new Regex(@"Get-SwarmPattern -MinSuccessRate"), "deploy-swarm patterns --min-success"),
            (new Regex(@"Get-SwarmPattern"), "deploy-swarm patterns"),
            (new Regex(@"Get-Strategy(?: -Name \S+)?"), "deploy-swarm status"),
            (new Regex(@"Get-SwarmSandbox"), "docker ps --filter label=org.neuraltrader.swarm"),
            (new Regex(@"Clear-Swarm(?: \(-Orphaned[^)]*\))?"), "docker rm -f (containers whose owner process is gone)"),
            (new Regex(@"-CircuitBreakerThreshold\b"), "--circuit-breaker"),
            (new Regex(@"-SandboxTimeout\b"), "--timeout"),
            (new Regex(@"-Isolation Process\b"), "--isolation process"),
            (new Regex(@"-Parameters\b"), "--params"),
            (new Regex(@"-(MaxAgents|CpuLimit|MemoryLimit|RetryCount|RetryDelay|AutoOptimize|Learning)\b"), "--$1"),
        };

        public static string Of(string advice)
        {
            foreach (var (pattern, cli) in Rules)
                advice = pattern.Replace(advice, cli);
            // --MaxAgents -> --max-agents
            return Regex.Replace(advice, @"--([A-Z][A-Za-z]+)", m => "--" + Regex.Replace(m.Groups[1].Value, "(?<=[a-z])([A-Z])", "-$1").ToLowerInvariant());
        }
    }
}
