using System;
using System.Linq;
using System.Text.RegularExpressions;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>
    /// Core's advice is neutral: it names what to change as <c>{setting}</c> or <c>{setting=value}</c> (the CLI's
    /// kebab-case option names, e.g. <c>{retry-count=3}</c>) and what to run as <c>{op:deploy}</c> (with an argument: <c>{op:strategies=momentum}</c>), and each front end
    /// renders that in its own syntax (<c>-RetryCount 3 on Start-Swarm</c>, <c>--retry-count 3 on deploy-swarm deploy</c>).
    /// Operations: deploy, configure, register, strategies, patterns, sandboxes, clear.
    /// </summary>
    public static class Advice
    {
        private static readonly Regex Token = new Regex(@"\{(?:op:(?<op>[a-z]+)(?:=(?<arg>[^}]*))?|(?<setting>[a-z][a-z-]*)(?:=(?<value>[^}]*))?)\}", RegexOptions.Compiled);

        /// <summary>A setting to change, as Core writes it into a message.</summary>
        /// <param name="name">Kebab-case setting name (the CLI option without dashes).</param>
        /// <param name="value">The value to set, or null to name the setting only.</param>
        /// <returns>The neutral token.</returns>
        public static string Setting(string name, object? value = null) =>
            "{" + name + (value is null ? string.Empty : "=" + Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)) + "}";

        /// <summary>In the module's syntax: <c>-RetryCount 3</c>, <c>Start-Swarm</c>.</summary>
        /// <param name="text">A message or recommendation from Core.</param>
        /// <returns>The rendered text.</returns>
        public static string ForPowerShell(string text) => Render(
            text,
            (name, value) => "-" + PowerShellName(name) + (value is null ? string.Empty : " " + value),
            (op, argument) => op switch
            {
                "strategies" when argument != null => "Get-Strategy -Name " + argument,
                "deploy" => "Start-Swarm",
                "configure" => "Set-SwarmConfiguration",
                "register" => "Register-Strategy",
                "strategies" => "Get-Strategy",
                "patterns" => "Get-SwarmPattern",
                "sandboxes" => "Get-SwarmSandbox",
                "clear" => "Clear-Swarm (-Orphaned for sandboxes of ended sessions)",
                _ => op,
            });

        /// <summary>In deploy-swarm's syntax: <c>--retry-count 3</c>, <c>deploy-swarm deploy</c>.</summary>
        /// <param name="text">A message or recommendation from Core.</param>
        /// <returns>The rendered text.</returns>
        public static string ForCli(string text) => Render(
            text,
            (name, value) => "--" + name + (value is null ? string.Empty : " " + value),
            (op, argument) => op switch
            {
                "deploy" or "configure" => "deploy-swarm deploy",
                "register" => "deploy-swarm register",
                "strategies" => "deploy-swarm status",
                "patterns" => "deploy-swarm patterns",
                "sandboxes" => "docker ps --filter label=" + Sandboxing.Docker.SwarmLabels.Run,
                "clear" => "docker rm -f (containers whose owner process is gone)",
                _ => op,
            });

        /// <summary>The cmdlet parameter of a CLI option name where they differ in more than case.</summary>
        private static string PowerShellName(string name) => name switch
        {
            "timeout" => "SandboxTimeout",
            "circuit-breaker" => "CircuitBreakerThreshold",
            "params" => "Parameters",
            "min-success" => "MinSuccessRate",
            "retry-delay-ms" => "RetryDelay",
            "encryption-key" => "EncryptionKey",
            _ => string.Concat(name.Split('-').Select(part => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part.Substring(1))),
        };

        /// <summary>Renders every token of <paramref name="text"/>.</summary>
        /// <param name="text">A message or recommendation from Core.</param>
        /// <param name="setting">Renders a setting and its value (null when none is given).</param>
        /// <param name="operation">Renders an operation and its argument (the strategy of <c>{op:strategies=momentum}</c>), null when none.</param>
        /// <returns>The text in the front end's syntax.</returns>
        public static string Render(string text, Func<string, string?, string> setting, Func<string, string?, string> operation)
        {
            if (string.IsNullOrEmpty(text) || text.IndexOf('{') < 0)
            {
                return text;
            }

            return Token.Replace(text, m => m.Groups["op"].Success
                ? operation(m.Groups["op"].Value, m.Groups["arg"].Success ? m.Groups["arg"].Value : null)
                : setting(m.Groups["setting"].Value, m.Groups["value"].Success ? m.Groups["value"].Value : null));
        }
    }
}
