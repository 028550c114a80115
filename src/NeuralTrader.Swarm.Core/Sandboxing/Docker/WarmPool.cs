using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Ready sandboxes of the built-in image, started before they are asked for and refilled in the background as
    /// they are taken, so an agent's first execution costs a round trip instead of a container start.
    /// </summary>
    internal sealed class WarmPool
    {
        private readonly DockerSandboxOptions _options;
        private readonly Func<SandboxSpec, CancellationToken, Task<DockerSandbox>> _create;
        private readonly Func<bool> _closed;
        private readonly CancellationToken _disposing;
        private readonly ILogger _logger;
        private readonly ConcurrentQueue<DockerSandbox> _queue = new ConcurrentQueue<DockerSandbox>();
        private int _pending;

        internal WarmPool(DockerSandboxOptions options, Func<SandboxSpec, CancellationToken, Task<DockerSandbox>> create, Func<bool> closed, CancellationToken disposing, ILogger logger)
        {
            _options = options;
            _create = create;
            _closed = closed;
            _disposing = disposing;
            _logger = logger;
        }

        /// <summary>Sandboxes waiting.</summary>
        internal int Count => _queue.Count;

        /// <summary>True when <paramref name="sandbox"/> is waiting in the pool (it belongs to no agent yet).</summary>
        internal bool Holds(DockerSandbox sandbox) => _queue.Contains(sandbox);

        /// <summary>A live pooled sandbox assigned to <paramref name="spec"/>, or null when the spec needs its own container or none is ready.</summary>
        internal DockerSandbox? Take(SandboxSpec spec)
        {
            if (!Serves(spec))
                return null;
            while (_queue.TryDequeue(out var warm))
            {
                Refill();
                if (!warm.IsAlive)
                    continue;
                warm.AssignTo(spec);
                return warm;
            }
            Refill();
            return null;
        }

        /// <summary>Waits until the pool holds its size of ready sandboxes (at most 2 minutes).</summary>
        internal async Task FillAsync(CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            while (_queue.Count < _options.WarmPoolSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Volatile.Read(ref _pending) == 0)
                    Refill();
                if (watch.Elapsed > TimeSpan.FromMinutes(2))
                {
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Timeout,
                        $"The warm pool did not fill to {_options.WarmPoolSize} within 2 minutes (readiness check: warm-pool).");
                }

                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Stops every pooled sandbox, including those whose creation was in flight.</summary>
        internal async Task DrainAsync()
        {
            while (_queue.TryDequeue(out var warm))
                await warm.StopAsync().ConfigureAwait(false);
            var wait = Stopwatch.StartNew();
            while (Volatile.Read(ref _pending) > 0 && wait.Elapsed < TimeSpan.FromSeconds(90))
                await Task.Delay(20).ConfigureAwait(false);
            while (_queue.TryDequeue(out var late))
                await late.StopAsync().ConfigureAwait(false);
        }

        /// <summary>True when a request can take a pooled sandbox: the built-in image with the pool's limits.</summary>
        private bool Serves(SandboxSpec spec) =>
            _options.WarmPoolSize > 0 && spec.Image == null && _options.DefaultImage == null &&
            spec.MemoryLimitMb == _options.WarmPoolMemoryLimitMb && Math.Abs(spec.CpuLimit - _options.WarmPoolCpuLimit) < 1e-9;

        /// <summary>Starts creations in the background until queued plus pending reach the pool size.</summary>
        internal void Refill()
        {
            if (_options.WarmPoolSize <= 0 || _closed())
                return;
            while (true)
            {
                var pending = Volatile.Read(ref _pending);
                if (_queue.Count + pending >= _options.WarmPoolSize)
                    return;
                if (Interlocked.CompareExchange(ref _pending, pending + 1, pending) != pending)
                    continue;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        var spec = new SandboxSpec
                        {
                            AgentId = "warm-pool",
                            Strategy = "",
                            MemoryLimitMb = _options.WarmPoolMemoryLimitMb,
                            CpuLimit = _options.WarmPoolCpuLimit,
                        };
                        var sandbox = await _create(spec, _disposing).ConfigureAwait(false);
                        if (_closed())
                            await sandbox.StopAsync().ConfigureAwait(false);
                        else
                            _queue.Enqueue(sandbox);
                    }
                    catch (Exception e)
                    {
                        DockerLog.WarmPoolFailed(_logger, e.Message);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _pending);
                    }
                });
            }
        }
    }
}
