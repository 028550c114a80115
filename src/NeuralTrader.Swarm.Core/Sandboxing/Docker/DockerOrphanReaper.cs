using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Finds containers labelled <see cref="SwarmLabels.Module"/> whose owner process (same host) is gone and
    /// removes them: what a killed PowerShell session or scheduled task left behind. Containers of live owners,
    /// of other hosts, or without an owner label are never touched.
    /// </summary>
    public static class DockerOrphanReaper
    {
        /// <summary>Sweeps the engine at <paramref name="endpoint"/> (null: DOCKER_HOST or the default); returns how many containers were removed.</summary>
        public static async Task<int> ReapAsync(string? endpoint = null, ILogger? logger = null, CancellationToken cancellationToken = default)
        {
            var uri = DockerEngine.ResolveEndpoint(endpoint);
            await DockerEngine.PingAsync(uri, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
            return await ReapAsync(DockerEngine.GetClient(uri), uri, logger ?? NullLogger.Instance, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The containers labelled by this module whose owner is dead (what <see cref="ReapAsync(string, ILogger, CancellationToken)"/> removes).</summary>
        public static async Task<IReadOnlyList<string>> FindOrphansAsync(DockerClient client, CancellationToken cancellationToken = default)
        {
            var containers = await client.Containers.ListContainersAsync(new ContainersListParameters
            {
                All = true,
                Filters = new Dictionary<string, IDictionary<string, bool>>
                {
                    ["label"] = new Dictionary<string, bool> { [SwarmLabels.Module] = true },
                },
            }, cancellationToken).ConfigureAwait(false);
            var orphans = new List<string>();
            foreach (var c in containers)
            {
                if (c.Labels == null || !c.Labels.TryGetValue(SwarmLabels.Owner, out var ownerText))
                    continue;
                if (!ProcessOwner.TryParse(ownerText, out var owner) || !owner.IsThisHost)
                    continue;
                if (!owner.IsAlive())
                    orphans.Add(c.ID);
            }
            return orphans;
        }

        internal static async Task<int> ReapAsync(DockerClient client, Uri endpoint, ILogger logger, CancellationToken cancellationToken)
        {
            IReadOnlyList<string> orphans;
            try
            {
                orphans = await FindOrphansAsync(client, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DockerEngine.IsUnreachable(e, cancellationToken))
            {
                throw DockerEngine.Unavailable(endpoint, e);
            }
            var removed = 0;
            await Task.WhenAll(orphans.Select(async id =>
            {
                try
                {
                    await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref removed);
                    DockerLog.ReapedOrphan(logger, id.Substring(0, Math.Min(12, id.Length)), "gone");
                }
                catch (DockerContainerNotFoundException)
                {
                    // Someone else removed it first.
                }
                catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound || e.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    // Gone or being removed already.
                }
            })).ConfigureAwait(false);
            return removed;
        }
    }
}
