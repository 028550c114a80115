using System;
using System.Collections.Generic;
using System.Reflection;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Labels on every container this module creates. The key <see cref="Module"/> is on all of them, so
    /// <c>docker ps --filter label=org.neuraltrader.swarm</c> lists exactly ours; the others say who made it.
    /// </summary>
    internal static class SwarmLabels
    {
        /// <summary>Present on every container of the module; its value is the module version.</summary>
        public const string Module = "org.neuraltrader.swarm";
        /// <summary>Id of the coordinator (swarm run) that created the container.</summary>
        public const string Run = Module + ".run";
        /// <summary>Agent that owns the container (<c>warm-pool</c> while it waits in the warm pool).</summary>
        public const string Agent = Module + ".agent";
        /// <summary>Strategy the container was created for.</summary>
        public const string Strategy = Module + ".strategy";
        /// <summary>Owner process: <c>host:pid:starttime</c>; the orphan reaper removes containers whose owner is gone.</summary>
        public const string Owner = Module + ".owner";
        /// <summary>Module version that created the container.</summary>
        public const string Version = Module + ".version";
        /// <summary>
        /// The session that created the container: the value of the <c>NEURALTRADER_SESSION</c> environment variable
        /// when set (e.g. one CI run), so a run on a shared engine counts and removes only its own containers.
        /// </summary>
        public const string Session = Module + ".session";
        /// <summary>Image labels (not inherited meaningfully: a different key, so image labels never match <see cref="Module"/>).</summary>
        public const string ImageRole = Module + ".image";

        /// <summary>The module version, without build metadata (e.g. 0.1.0).</summary>
        public static string ModuleVersion { get; } = ReadVersion();

        private static string ReadVersion()
        {
            var asm = typeof(SwarmLabels).Assembly;
            var info = asm.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            if (string.IsNullOrEmpty(info))
                return asm.GetName().Version?.ToString(3) ?? "0.0.0";
            var plus = info!.IndexOf('+');
            return plus >= 0 ? info.Substring(0, plus) : info;
        }

        /// <summary>This process's session (<c>NEURALTRADER_SESSION</c>), or null when none is set.</summary>
        public static string? CurrentSession
        {
            get
            {
                var session = Environment.GetEnvironmentVariable("NEURALTRADER_SESSION");
                return string.IsNullOrWhiteSpace(session) ? null : session!.Trim();
            }
        }

        /// <summary>Labels for a new container.</summary>
        internal static Dictionary<string, string> For(string coordinatorId, string agentId, string strategy)
        {
            var labels = new Dictionary<string, string>
            {
                [Module] = ModuleVersion,
                [Run] = coordinatorId,
                [Agent] = agentId,
                [Strategy] = strategy,
                [Owner] = ProcessOwner.Current.ToString(),
                [Version] = ModuleVersion,
            };
            if (CurrentSession is string session)
                labels[Session] = session;
            return labels;
        }
    }
}
