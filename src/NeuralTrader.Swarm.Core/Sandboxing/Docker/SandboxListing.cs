using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>What Get-SwarmSandbox shows of live containers: their info with memory in use, best effort within 3 s.</summary>
    internal static class SandboxListing
    {
        internal static IReadOnlyList<SandboxInfo> List(IReadOnlyList<DockerSandbox> sandboxes, DockerClient client, Uri endpoint)
        {
            var stats = sandboxes.Select(s => RefreshMemoryAsync(s, client, endpoint)).ToArray();
            try
            {
                Task.WaitAll(stats, TimeSpan.FromSeconds(3));
            }
            catch (AggregateException)
            {
                // Memory stays unknown for those.
            }

            return sandboxes.Select(s => s.Info).ToList();
        }

        private static async Task RefreshMemoryAsync(DockerSandbox sandbox, DockerClient client, Uri endpoint)
        {
            var fromCgroup = ReadCgroupMemory(sandbox.Id, endpoint);
            if (fromCgroup != null)
            {
                sandbox.Info.MemoryBytes = fromCgroup;
                return;
            }
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2.5)))
            {
                try
                {
                    ContainerStatsResponse? last = null;
                    await client.Containers.GetContainerStatsAsync(sandbox.Id, new ContainerStatsParameters { Stream = false, OneShot = true }, new SynchronousProgress<ContainerStatsResponse>(v => last = v), cts.Token).ConfigureAwait(false);
                    if (last?.MemoryStats != null)
                        sandbox.Info.MemoryBytes = (long)last.MemoryStats.Usage;
                }
                catch (Exception)
                {
                    // Listing is best effort.
                }
            }
        }

        /// <summary>Memory in use from the cgroup files when the engine is local (cgroup v1 or v2, cgroupfs or systemd).</summary>
        private static long? ReadCgroupMemory(string id, Uri endpoint)
        {
            if (endpoint.Scheme != "unix")
                return null;
            var candidates = new[]
            {
                "/sys/fs/cgroup/memory/docker/" + id + "/memory.usage_in_bytes",
                "/sys/fs/cgroup/memory/system.slice/docker-" + id + ".scope/memory.usage_in_bytes",
                "/sys/fs/cgroup/system.slice/docker-" + id + ".scope/memory.current",
                "/sys/fs/cgroup/docker/" + id + "/memory.current",
            };
            foreach (var path in candidates)
            {
                try
                {
                    if (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
                        return bytes;
                }
                catch (IOException)
                {
                }
                catch (UnauthorizedAccessException)
                {
                }
            }
            return null;
        }
    }
}
