using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Docker.DotNet.Models;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// What a sandbox container is: no network, read-only root, memory/CPU/pids limits, no capabilities,
    /// no-new-privileges, non-root, an allow-listed environment, labelled with <see cref="SwarmLabels"/>.
    /// </summary>
    internal static class HardenedContainer
    {
        /// <summary>The create parameters: every hardening setting and label in one place.</summary>
        internal static CreateContainerParameters Parameters(SandboxSpec spec, string image, DockerSandboxOptions options, string coordinatorId)
        {
            var memory = (long)spec.MemoryLimitMb * 1024 * 1024;
            return new CreateContainerParameters
            {
                Image = image,
                Name = Name(spec.AgentId),
                User = options.User,
                Labels = SwarmLabels.For(coordinatorId, spec.AgentId, spec.Strategy),
                // Explicit and minimal: nothing of the host's environment, only what the image sets plus these.
                Env = RunnerEnvironment.ForContainer(),
                AttachStdin = true,
                AttachStdout = true,
                AttachStderr = true,
                OpenStdin = true,
                // Leak-proof by construction: when the owner's attach stream ends, even by kill -9 of the owner, the
                // engine closes the runner's stdin, the runner exits at end of input, and AutoRemove deletes the container.
                StdinOnce = true,
                Tty = false,
                NetworkDisabled = true,
                HostConfig = new HostConfig
                {
                    NetworkMode = "none",
                    ReadonlyRootfs = true,
                    Tmpfs = new Dictionary<string, string>
                    {
                        ["/tmp"] = "rw,noexec,nosuid,nodev,size=" + options.TmpfsSizeMb.ToString(CultureInfo.InvariantCulture) + "m",
                    },
                    Memory = memory,
                    MemorySwap = memory,
                    NanoCPUs = (long)Math.Round(spec.CpuLimit * 1e9),
                    PidsLimit = options.PidsLimit,
                    CapDrop = new List<string> { "ALL" },
                    SecurityOpt = new List<string> { "no-new-privileges" },
                    AutoRemove = true,
                    Privileged = false,
                    IpcMode = "private",
                    Init = false,
                    // No log driver: everything the runner writes already comes back over the attach stream (stderr to the
                    // logger), and the engine's default json-file driver copied every response line again to a log file
                    // on the host: CPU and disk for each backtest, a file per container to create at start, and the
                    // results of every run left on the host's disk in clear.
                    LogConfig = new LogConfig { Type = "none" },
                },
            };
        }

        /// <summary>A readable, unique container name: the agent id made safe, and a random suffix.</summary>
        internal static string Name(string agentId)
        {
            var sb = new StringBuilder("neuraltrader-");
            foreach (var c in agentId)
                sb.Append(char.IsLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' ? c : '-');
            if (sb.Length > 48)
                sb.Length = 48;
            sb.Append('-').Append(Guid.NewGuid().ToString("N").Substring(0, 8));
            return sb.ToString();
        }
    }
}
