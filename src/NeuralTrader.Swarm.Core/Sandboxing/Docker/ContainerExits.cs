using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>How a container ended, from the engine's event stream.</summary>
    internal sealed class ContainerExit
    {
        private readonly TaskCompletionSource<long?> _died = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The kernel's OOM killer hit the container.</summary>
        public bool OutOfMemory { get; set; }

        /// <summary>Completes with the exit code when the container dies.</summary>
        public Task<long?> Died => _died.Task;

        public void SetDied(long? exitCode) => _died.TrySetResult(exitCode);
    }

    /// <summary>
    /// Watches the oom, die and destroy events of one run's containers. Containers are created with AutoRemove (so
    /// none outlives its owner), which means one may be gone before it can be inspected; its events still say
    /// whether it ran out of memory and how it exited.
    /// </summary>
    internal sealed class ContainerExits
    {
        private readonly ConcurrentDictionary<string, ContainerExit> _exits = new ConcurrentDictionary<string, ContainerExit>(StringComparer.Ordinal);
        private readonly DockerClient _client;
        private readonly string _runId;
        private readonly ILogger _logger;

        public ContainerExits(DockerClient client, string runId, ILogger logger)
        {
            _client = client;
            _runId = runId;
            _logger = logger;
        }

        /// <summary>Follows the events until cancelled; a broken stream is logged, and diagnosis then falls back to inspect only.</summary>
        public async Task WatchAsync(CancellationToken cancellationToken)
        {
            try
            {
                await _client.System.MonitorEventsAsync(new ContainerEventsParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["type"] = new Dictionary<string, bool> { ["container"] = true },
                        ["label"] = new Dictionary<string, bool> { [SwarmLabels.Run + "=" + _runId] = true },
                        ["event"] = new Dictionary<string, bool> { ["oom"] = true, ["die"] = true, ["destroy"] = true },
                    },
                }, new Callback(OnEvent), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                DockerLog.EventsFailed(_logger, e.Message);
            }
        }

        /// <summary>The record of a container (created on first use, so a waiter can come before the event).</summary>
        public ContainerExit Of(string id) => _exits.GetOrAdd(id, _ => new ContainerExit());

        private void OnEvent(Message message)
        {
            var id = message.Actor?.ID ?? message.ID;
            if (string.IsNullOrEmpty(id))
                return;
            switch (message.Action)
            {
                case "oom":
                    Of(id).OutOfMemory = true;
                    break;
                case "die":
                    long? code = message.Actor?.Attributes != null && message.Actor.Attributes.TryGetValue("exitCode", out var text) &&
                                 long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : (long?)null;
                    Of(id).SetDied(code);
                    break;
                case "destroy":
                    // Kept a while for a diagnosis still on its way, then forgotten so a long session does not grow.
                    _ = Task.Delay(TimeSpan.FromSeconds(30)).ContinueWith(_ => _exits.TryRemove(id, out ContainerExit? _), TaskScheduler.Default);
                    break;
            }
        }

        private sealed class Callback : IProgress<Message>
        {
            private readonly Action<Message> _action;
            public Callback(Action<Message> action) => _action = action;
            public void Report(Message value) => _action(value);
        }
    }
}
