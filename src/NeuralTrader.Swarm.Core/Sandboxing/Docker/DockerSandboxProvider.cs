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
using Microsoft.Extensions.Logging.Abstractions;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Runs each sandbox in a hardened Docker container (no network, read-only root, memory/CPU/pids limits,
    /// no capabilities, no-new-privileges, non-root) labelled with <see cref="SwarmLabels"/>. Containers are
    /// removed in the background when a sandbox stops; <see cref="CleanupAsync"/> waits for every removal.
    /// </summary>
    internal sealed class DockerSandboxProvider : ISandboxProvider, IContainerHost
    {
        private readonly DockerSandboxOptions _options;
        private readonly string _coordinatorId;
        private readonly ILogger _logger;
        private readonly SandboxImageBuilder _imageBuilder;
        private readonly ConcurrentDictionary<string, DockerSandbox> _live = new ConcurrentDictionary<string, DockerSandbox>(StringComparer.Ordinal);
        private readonly ContainerRemover _remover;
        private readonly InFlightCreations _inflight = new InFlightCreations();
        private readonly WarmPool _pool;
        private readonly RetriedOnce<Uri> _start = new RetriedOnce<Uri>();
        private readonly CancellationTokenSource _disposing = new CancellationTokenSource();
        private readonly SemaphoreSlim _starts;
        private Task? _reaper;
        private Task? _events;
        private readonly RetriedOnce<string> _builtInImage = new RetriedOnce<string>();
        private int _disposed;

        /// <summary>Creates a provider; nothing is contacted until the first sandbox is created or <see cref="StartAsync"/> runs.</summary>
        public DockerSandboxProvider(DockerSandboxOptions? options, string coordinatorId, ILogger? logger = null)
        {
            _options = options ?? new DockerSandboxOptions();
            _coordinatorId = coordinatorId;
            _logger = logger ?? NullLogger.Instance;
            Endpoint = DockerEngine.ResolveEndpoint(_options.Endpoint);
            Client = DockerEngine.GetClient(Endpoint);
            _imageBuilder = new SandboxImageBuilder(Client, _options.RunnerDirectory, _options.BuiltInImageTag, _logger);
            Exits = new ContainerExits(Client, coordinatorId, _logger);
            _remover = new ContainerRemover(Client, _logger);
            _starts = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentStarts));
            _pool = new WarmPool(_options, CreateContainerAsync, () => Volatile.Read(ref _disposed) == 1, _disposing.Token, _logger);
        }

        /// <summary>How this run's containers ended (they auto-remove, so inspect may come too late).</summary>
        internal ContainerExits Exits { get; }

        /// <inheritdoc />
        public string Kind => "docker";

        /// <summary>The engine endpoint in use.</summary>
        public Uri Endpoint { get; }

        /// <summary>The coordinator id written into <see cref="SwarmLabels.Run"/>.</summary>
        public string CoordinatorId => _coordinatorId;

        /// <summary>The shared client of <see cref="Endpoint"/>.</summary>
        internal DockerClient Client { get; }

        /// <summary>Tag of the built-in image.</summary>
        public string BuiltInImage => _imageBuilder.Tag;

        /// <summary>
        /// Checks the engine answers (DockerUnavailable otherwise), starts the orphan sweep in the background and
        /// fills the warm pool. Runs once; <see cref="CreateAsync"/> calls it.
        /// </summary>
        public Task StartAsync(CancellationToken cancellationToken = default) => _start.Run(() => StartCoreAsync(cancellationToken));

        /// <summary>Returns the engine that answered.</summary>
        private async Task<Uri> StartCoreAsync(CancellationToken cancellationToken)
        {
            await DockerEngine.PingAsync(Endpoint, _options.EngineProbeTimeout, cancellationToken).ConfigureAwait(false);
            if (_events == null)
                _events = Task.Run(() => Exits.WatchAsync(_disposing.Token));
            if (_options.ReapOrphansOnStart && _reaper == null)
                _reaper = Task.Run(() => SweepQuietlyAsync());
            if (_options.WarmPoolSize > 0)
                _pool.Refill();
            return Endpoint;
        }

        private async Task SweepQuietlyAsync()
        {
            try
            {
                await ReapOrphansAsync(_disposing.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                DockerLog.ReapFailed(_logger, e.Message);
            }
        }

        /// <summary>
        /// Removes containers labelled by this module whose owner process on this host is gone (pid not
        /// running, or running with another start time); containers of live owners and other hosts are never
        /// touched. Returns how many were removed.
        /// </summary>
        public Task<int> ReapOrphansAsync(CancellationToken cancellationToken = default) =>
            DockerOrphanReaper.ReapAsync(Client, Endpoint, _logger, cancellationToken);

        /// <summary>Waits until the warm pool holds <see cref="DockerSandboxOptions.WarmPoolSize"/> ready sandboxes.</summary>
        public async Task WarmUpAsync(CancellationToken cancellationToken = default)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
            await _pool.FillAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Sandboxes waiting in the warm pool.</summary>
        public int WarmPoolCount => _pool.Count;

        /// <inheritdoc />
        public async Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            SwarmOptions.ValidateLimits(spec.MemoryLimitMb, spec.CpuLimit);
            await StartAsync(cancellationToken).ConfigureAwait(false);
            var warm = _pool.Take(spec);
            if (warm != null)
                return warm;
            return await CreateContainerAsync(spec, cancellationToken).ConfigureAwait(false);
        }

        private Task<string> EnsureBuiltInImageAsync(CancellationToken cancellationToken) => _builtInImage.Run(() => _imageBuilder.EnsureAsync(cancellationToken));

        // Tracked so CleanupAsync waits for creations in flight and removes what they made.
        private Task<DockerSandbox> CreateContainerAsync(SandboxSpec spec, CancellationToken cancellationToken) =>
            _inflight.Track(() => CreateContainerCoreAsync(spec, cancellationToken));

        private async Task<DockerSandbox> CreateContainerCoreAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var builtIn = spec.Image == null && _options.DefaultImage == null;
            string image = spec.Image ?? _options.DefaultImage ?? await Engine(EnsureBuiltInImageAsync(cancellationToken), cancellationToken).ConfigureAwait(false);

            // At most MaxConcurrentStarts creations talk to the engine at once: past a few, the engine only gets
            // slower for all of them (docs/performance.md, bursts). The wait is the one cancellable step here.
            await _starts.WaitAsync(cancellationToken).ConfigureAwait(false);
            bool holding = true;
            void Release()
            {
                if (holding)
                {
                    holding = false;
                    _starts.Release();
                }
            }
            try
            {
                return await CreateStartedContainerAsync(spec, image, builtIn, watch, Release, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Release();
            }
        }

        private async Task<DockerSandbox> CreateStartedContainerAsync(SandboxSpec spec, string image, bool builtIn, Stopwatch watch, Action engineDone, CancellationToken cancellationToken)
        {
            // Create, attach and start run to completion even when cancelled: a create cancelled mid-call can leave
            // a container whose id we never learn. Cancellation is checked between steps and during the ping.
            cancellationToken.ThrowIfCancellationRequested();
            CreateContainerResponse created;
            try
            {
                created = await Engine(Client.Containers.CreateContainerAsync(HardenedContainer.Parameters(spec, image, _options, _coordinatorId), CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound && builtIn)
            {
                // The image was removed since it was checked (e.g. between runs): rebuild once and retry.
                DockerLog.ImageMissing(_logger, image);
                _builtInImage.Reset();
                await Engine(EnsureBuiltInImageAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                created = await Engine(Client.Containers.CreateContainerAsync(HardenedContainer.Parameters(spec, image, _options, _coordinatorId), CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.NotFound,
                    $"The sandbox image '{image}' is not present on the engine, and images are never pulled. Build or load it first (e.g. `docker build -t {image} .`).", spec.Strategy, e);
            }
            catch (DockerApiException e)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                    $"The engine refused to create a sandbox container from '{image}': {DockerEngine.Refusal(e)}", spec.Strategy, e);
            }

            var id = created.ID;
            // From here on the container exists: any failure removes it.
            DockerSandbox? sandbox = null;
            try
            {
                var mux = await Engine(Client.Containers.AttachContainerAsync(id, false, new ContainerAttachParameters
                {
                    Stream = true,
                    Stdin = true,
                    Stdout = true,
                    Stderr = true,
                }, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
                var streams = new AttachStreams(mux, line => DockerLog.RunnerStderr(_logger, id.Substring(0, Math.Min(12, id.Length)), line));
                sandbox = new DockerSandbox(this, id, streams, spec, image, _coordinatorId);
                _live[id] = sandbox;

                try
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await Engine(Client.Containers.StartContainerAsync(id, new ContainerStartParameters(), CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
                }
                catch (DockerApiException e)
                {
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                        $"The engine could not start sandbox container {sandbox.ShortId} from '{image}': {DockerEngine.Refusal(e)}", spec.Strategy, e);
                }

                engineDone(); // the runner's start and first ping need no engine call
                await sandbox.WaitReadyAsync(spec, cancellationToken).ConfigureAwait(false);
                DockerLog.ContainerReady(_logger, sandbox.ShortId, spec.AgentId, watch.ElapsedMilliseconds);
                return sandbox;
            }
            catch
            {
                if (sandbox != null)
                    await sandbox.StopAsync().ConfigureAwait(false);
                else
                    _remover.Queue(id);
                throw;
            }
        }

        DockerClient IContainerHost.Client => Client;

        ContainerExits? IContainerHost.Exits => Exits;

        /// <summary>Called by a sandbox when it stops: forget it and remove its container in the background.</summary>
        void IContainerHost.OnStopped(DockerSandbox sandbox)
        {
            _live.TryRemove(sandbox.Id, out _);
            _remover.Queue(sandbox.Id);
        }

        /// <inheritdoc />
        public IReadOnlyList<SandboxInfo> ListSandboxes()
        {
            // Warm-pool sandboxes belong to no agent yet; they are not listed (CleanupAsync still removes them).
            return SandboxListing.List(_live.Values.Where(s => !_pool.Holds(s)).ToList(), Client, Endpoint);
        }

        /// <inheritdoc />
        public async Task<int> CleanupAsync()
        {
            var count = 0;
            // Let creations in flight finish (they fail fast once cancelled) so what they made is stopped below.
            await _inflight.WaitAsync(TimeSpan.FromSeconds(90)).ConfigureAwait(false);
            await _pool.DrainAsync().ConfigureAwait(false);
            foreach (var sandbox in _live.Values.ToList())
            {
                if (sandbox.Info.AgentId != "warm-pool")
                    count++;
                await sandbox.StopAsync().ConfigureAwait(false);
            }
            var reaper = _reaper;
            if (reaper != null)
                await reaper.ConfigureAwait(false);
            await _remover.WaitAllAsync().ConfigureAwait(false);
            if (_start.Started)
                await _remover.SweepRunAsync(_coordinatorId, _live.ContainsKey).ConfigureAwait(false);
            return count;
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            _disposing.Cancel();
            Task.Run(CleanupAsync).GetAwaiter().GetResult();
            _disposing.Dispose();
            _starts.Dispose();
        }

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref _disposed) == 1)
                throw new ObjectDisposedException(nameof(DockerSandboxProvider));
        }

        /// <summary>Awaits an engine call, turning an unreachable engine into DockerUnavailable.</summary>
        private async Task<T> Engine<T>(Task<T> call, CancellationToken cancellationToken)
        {
            try
            {
                return await call.ConfigureAwait(false);
            }
            catch (Exception e) when (DockerEngine.IsUnreachable(e, cancellationToken))
            {
                throw DockerEngine.Unavailable(Endpoint, e);
            }
        }

    }
}
