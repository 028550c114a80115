using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Removes sandbox containers: in the background when a sandbox stops, with retries, treating "not found" and an
    /// auto-removal in progress as done, and a final sweep of anything still labelled with the run and this process.
    /// What it cannot remove is left to the orphan reaper of the next start.
    /// </summary>
    internal sealed class ContainerRemover
    {
        private readonly DockerClient _client;
        private readonly ILogger _logger;
        private readonly ConcurrentDictionary<string, Task> _removals = new ConcurrentDictionary<string, Task>(StringComparer.Ordinal);

        internal ContainerRemover(DockerClient client, ILogger logger)
        {
            _client = client;
            _logger = logger;
        }

        /// <summary>Waits until every queued removal has finished.</summary>
        internal async Task WaitAllAsync()
        {
            while (!_removals.IsEmpty)
            {
                await Task.WhenAll(_removals.Values.ToList()).ConfigureAwait(false);
                await Task.Yield();
            }
        }

        /// <summary>Removes a container in the background; <see cref="WaitAllAsync"/> waits for it.</summary>
        internal void Queue(string id)
        {
            var task = Task.Run(() => RemoveAsync(id));
            _removals[id] = task;
            _ = task.ContinueWith(t => _removals.TryRemove(id, out _), TaskScheduler.Default);
        }

        /// <summary>Kills and removes a container; not-found and removal-in-progress count as success.</summary>
        internal async Task RemoveAsync(string id)
        {
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
                catch (DockerContainerNotFoundException)
                {
                    return;
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return;
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict && (e.ResponseBody ?? "").IndexOf("already in progress", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    // Usually AutoRemove after the runner exited: wait for it, so cleanup returns with the container gone.
                    await WaitUntilGoneAsync(id).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (attempt < 2 && !DockerEngine.IsUnreachable(e, CancellationToken.None))
                {
                    await Task.Delay(100 * (attempt + 1)).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Left for the orphan reaper of the next start.
                    DockerLog.RemoveFailed(_logger, id, e.Message);
                    return;
                }
            }
        }

        private async Task WaitUntilGoneAsync(string id)
        {
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    await _client.Containers.InspectContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
                }
                catch (DockerContainerNotFoundException)
                {
                    return;
                }
                catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    return;
                }
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Safety net after cleanup: removes any container still labelled with this run and this process as owner
        /// (e.g. one whose creation was interrupted). Best effort: an unreachable engine is left to the reaper.
        /// </summary>
        internal async Task SweepRunAsync(string coordinatorId, Func<string, bool> keep)
        {
            try
            {
                var left = await _client.Containers.ListContainersAsync(new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool>
                        {
                            [SwarmLabels.Run + "=" + coordinatorId] = true,
                            [SwarmLabels.Owner + "=" + ProcessOwner.Current] = true,
                        },
                    },
                }, CancellationToken.None).ConfigureAwait(false);
                await Task.WhenAll(left.Where(c => !keep(c.ID)).Select(c => RemoveAsync(c.ID))).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                DockerLog.RemoveFailed(_logger, "run " + coordinatorId, e.Message);
            }
        }
    }
}
