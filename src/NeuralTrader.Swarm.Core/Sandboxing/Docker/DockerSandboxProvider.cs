using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Runs each sandbox in a hardened Docker container (no network, read-only root, memory/CPU/pids limits,
    /// no capabilities, no-new-privileges, non-root) labelled with <see cref="SwarmLabels"/>. Containers are
    /// removed in the background when a sandbox stops; <see cref="CleanupAsync"/> waits for every removal.
    /// </summary>
    public sealed class DockerSandboxProvider : ISandboxProvider, IContainerHost
    {
        private readonly DockerSandboxOptions _options;
        private readonly string _coordinatorId;
        private readonly ILogger _logger;
        private readonly SandboxImageBuilder _imageBuilder;
        private readonly ConcurrentDictionary<string, DockerSandbox> _live = new ConcurrentDictionary<string, DockerSandbox>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Task> _removals = new ConcurrentDictionary<string, Task>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<Task, byte> _inflight = new ConcurrentDictionary<Task, byte>();
        private readonly ConcurrentQueue<DockerSandbox> _pool = new ConcurrentQueue<DockerSandbox>();
        private readonly object _startLock = new object();
        private readonly CancellationTokenSource _disposing = new CancellationTokenSource();
        private Task? _started;
        private Task? _reaper;
        private Task? _events;
        private Task<string>? _builtInImage;
        private int _poolPending;
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
        public Task StartAsync(CancellationToken cancellationToken = default)
        {
            lock (_startLock)
            {
                if (_started == null || _started.IsFaulted || _started.IsCanceled)
                    _started = StartCoreAsync(cancellationToken);
                return _started;
            }
        }

        private async Task StartCoreAsync(CancellationToken cancellationToken)
        {
            await DockerEngine.PingAsync(Endpoint, _options.EngineProbeTimeout, cancellationToken).ConfigureAwait(false);
            if (_events == null)
                _events = Task.Run(() => Exits.WatchAsync(_disposing.Token));
            if (_options.ReapOrphansOnStart && _reaper == null)
                _reaper = Task.Run(() => SweepQuietlyAsync());
            if (_options.WarmPoolSize > 0)
                RefillPool();
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
            var watch = Stopwatch.StartNew();
            while (_pool.Count < _options.WarmPoolSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Volatile.Read(ref _poolPending) == 0)
                    RefillPool();
                if (watch.Elapsed > TimeSpan.FromMinutes(2))
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Timeout,
                        $"The warm pool did not fill to {_options.WarmPoolSize} within 2 minutes (readiness check: warm-pool).");
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Sandboxes waiting in the warm pool.</summary>
        public int WarmPoolCount => _pool.Count;

        /// <inheritdoc />
        public async Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            SwarmOptions.ValidateLimits(spec.MemoryLimitMb, spec.CpuLimit);
            await StartAsync(cancellationToken).ConfigureAwait(false);
            if (UsesPool(spec))
            {
                while (_pool.TryDequeue(out var warm))
                {
                    RefillPool();
                    if (!warm.IsAlive)
                        continue;
                    warm.AssignTo(spec);
                    return warm;
                }
                RefillPool();
            }
            return await CreateContainerAsync(spec, cancellationToken).ConfigureAwait(false);
        }

        private bool UsesPool(SandboxSpec spec) =>
            _options.WarmPoolSize > 0 && spec.Image == null && _options.DefaultImage == null &&
            spec.MemoryLimitMb == _options.WarmPoolMemoryLimitMb && Math.Abs(spec.CpuLimit - _options.WarmPoolCpuLimit) < 1e-9;

        private void RefillPool()
        {
            if (_options.WarmPoolSize <= 0 || Volatile.Read(ref _disposed) == 1)
                return;
            while (true)
            {
                var pending = Volatile.Read(ref _poolPending);
                if (_pool.Count + pending >= _options.WarmPoolSize)
                    return;
                if (Interlocked.CompareExchange(ref _poolPending, pending + 1, pending) != pending)
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
                        var sandbox = await CreateContainerAsync(spec, _disposing.Token).ConfigureAwait(false);
                        if (Volatile.Read(ref _disposed) == 1)
                            await sandbox.StopAsync().ConfigureAwait(false);
                        else
                            _pool.Enqueue(sandbox);
                    }
                    catch (Exception e)
                    {
                        DockerLog.WarmPoolFailed(_logger, e.Message);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref _poolPending);
                    }
                });
            }
        }

        private Task<string> EnsureBuiltInImageAsync(CancellationToken cancellationToken)
        {
            lock (_startLock)
            {
                if (_builtInImage == null || _builtInImage.IsFaulted || _builtInImage.IsCanceled)
                    _builtInImage = _imageBuilder.EnsureAsync(cancellationToken);
                return _builtInImage;
            }
        }

        /// <summary>The create parameters: every hardening setting and label in one place.</summary>
        internal CreateContainerParameters BuildParameters(SandboxSpec spec, string image)
        {
            var memory = (long)spec.MemoryLimitMb * 1024 * 1024;
            return new CreateContainerParameters
            {
                Image = image,
                Name = ContainerName(spec.AgentId),
                User = _options.User,
                Labels = SwarmLabels.For(_coordinatorId, spec.AgentId, spec.Strategy),
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
                        ["/tmp"] = "rw,noexec,nosuid,nodev,size=" + _options.TmpfsSizeMb.ToString(CultureInfo.InvariantCulture) + "m",
                    },
                    Memory = memory,
                    MemorySwap = memory,
                    NanoCPUs = (long)Math.Round(spec.CpuLimit * 1e9),
                    PidsLimit = _options.PidsLimit,
                    CapDrop = new List<string> { "ALL" },
                    SecurityOpt = new List<string> { "no-new-privileges" },
                    AutoRemove = true,
                    Privileged = false,
                    IpcMode = "private",
                    Init = false,
                },
            };
        }

        private static string ContainerName(string agentId)
        {
            var sb = new StringBuilder("neuraltrader-");
            foreach (var c in agentId)
                sb.Append(char.IsLetterOrDigit(c) && c < 128 || c == '-' || c == '_' || c == '.' ? c : '-');
            if (sb.Length > 48)
                sb.Length = 48;
            sb.Append('-').Append(Guid.NewGuid().ToString("N").Substring(0, 8));
            return sb.ToString();
        }

        private async Task<DockerSandbox> CreateContainerAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            // Tracked so CleanupAsync waits for creations in flight and removes what they made.
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inflight.TryAdd(done.Task, 0);
            try
            {
                return await CreateContainerCoreAsync(spec, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _inflight.TryRemove(done.Task, out _);
                done.TrySetResult(true);
            }
        }

        private async Task<DockerSandbox> CreateContainerCoreAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var builtIn = spec.Image == null && _options.DefaultImage == null;
            string image = spec.Image ?? _options.DefaultImage ?? await Engine(EnsureBuiltInImageAsync(cancellationToken), cancellationToken).ConfigureAwait(false);

            // Create, attach and start run to completion even when cancelled: a create cancelled mid-call can leave
            // a container whose id we never learn. Cancellation is checked between steps and during the ping.
            cancellationToken.ThrowIfCancellationRequested();
            CreateContainerResponse created;
            try
            {
                created = await Engine(Client.Containers.CreateContainerAsync(BuildParameters(spec, image), CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound && builtIn)
            {
                // The image was removed since it was checked (e.g. between runs): rebuild once and retry.
                DockerLog.ImageMissing(_logger, image);
                lock (_startLock) _builtInImage = null;
                await Engine(EnsureBuiltInImageAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
                created = await Engine(Client.Containers.CreateContainerAsync(BuildParameters(spec, image), CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.NotFound,
                    $"The sandbox image '{image}' is not present on the engine, and images are never pulled. Build or load it first (e.g. `docker build -t {image} .`).", spec.Strategy, e);
            }
            catch (DockerApiException e)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                    $"The engine refused to create a sandbox container from '{image}': {Trim(e.ResponseBody ?? e.Message)}", spec.Strategy, e);
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
                        $"The engine could not start sandbox container {sandbox.ShortId} from '{image}': {Trim(e.ResponseBody ?? e.Message)}", spec.Strategy, e);
                }

                await sandbox.WaitReadyAsync(spec, cancellationToken).ConfigureAwait(false);
                DockerLog.ContainerReady(_logger, sandbox.ShortId, spec.AgentId, watch.ElapsedMilliseconds);
                return sandbox;
            }
            catch
            {
                if (sandbox != null)
                    await sandbox.StopAsync().ConfigureAwait(false);
                else
                    QueueRemoval(id);
                throw;
            }
        }

        DockerClient IContainerHost.Client => Client;

        ContainerExits? IContainerHost.Exits => Exits;

        /// <summary>Called by a sandbox when it stops: forget it and remove its container in the background.</summary>
        void IContainerHost.OnStopped(DockerSandbox sandbox)
        {
            _live.TryRemove(sandbox.Id, out _);
            QueueRemoval(sandbox.Id);
        }

        private void QueueRemoval(string id)
        {
            var task = Task.Run(() => RemoveContainerAsync(id));
            _removals[id] = task;
            _ = task.ContinueWith(t => _removals.TryRemove(id, out _), TaskScheduler.Default);
        }

        /// <summary>Kills and removes a container; not-found and removal-in-progress count as success.</summary>
        internal async Task RemoveContainerAsync(string id)
        {
            for (int attempt = 0; attempt < 3; attempt++)
            {
                try
                {
                    await Client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None).ConfigureAwait(false);
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
                    await Client.Containers.InspectContainerAsync(id, CancellationToken.None).ConfigureAwait(false);
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

        /// <inheritdoc />
        public IReadOnlyList<SandboxInfo> ListSandboxes()
        {
            // Warm-pool sandboxes belong to no agent yet; they are not listed (CleanupAsync still removes them).
            var pooled = new HashSet<DockerSandbox>(_pool);
            var all = _live.Values.Where(s => !pooled.Contains(s)).ToList();
            var stats = all.Select(s => RefreshMemoryAsync(s)).ToArray();
            try
            {
                Task.WaitAll(stats, TimeSpan.FromSeconds(3));
            }
            catch (AggregateException)
            {
                // Memory stays unknown for those.
            }
            return all.Select(s => s.Info).ToList();
        }

        private async Task RefreshMemoryAsync(DockerSandbox sandbox)
        {
            var fromCgroup = ReadCgroupMemory(sandbox.Id);
            if (fromCgroup != null)
            {
                sandbox.Info.MemoryBytes = fromCgroup;
                return;
            }
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2.5)))
            {
                try
                {
                    var last = new LastValue<ContainerStatsResponse>();
                    await Client.Containers.GetContainerStatsAsync(sandbox.Id, new ContainerStatsParameters { Stream = false, OneShot = true }, last, cts.Token).ConfigureAwait(false);
                    if (last.Value?.MemoryStats != null)
                        sandbox.Info.MemoryBytes = (long)last.Value.MemoryStats.Usage;
                }
                catch (Exception)
                {
                    // Listing is best effort.
                }
            }
        }

        /// <summary>Memory in use from the cgroup files when the engine is local (cgroup v1 or v2, cgroupfs or systemd).</summary>
        private long? ReadCgroupMemory(string id)
        {
            if (Endpoint.Scheme != "unix")
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

        /// <inheritdoc />
        public async Task<int> CleanupAsync()
        {
            var count = 0;
            // Let creations in flight finish (they fail fast once cancelled) so what they made is stopped below.
            var inflight = _inflight.Keys.ToList();
            if (inflight.Count > 0)
                await Task.WhenAny(Task.WhenAll(inflight), Task.Delay(TimeSpan.FromSeconds(90))).ConfigureAwait(false);
            while (_pool.TryDequeue(out var warm))
            {
                await warm.StopAsync().ConfigureAwait(false);
            }
            // Wait for warm-pool creations in flight, so none is left behind.
            var wait = Stopwatch.StartNew();
            while (Volatile.Read(ref _poolPending) > 0 && wait.Elapsed < TimeSpan.FromSeconds(90))
                await Task.Delay(20).ConfigureAwait(false);
            while (_pool.TryDequeue(out var late))
                await late.StopAsync().ConfigureAwait(false);
            foreach (var sandbox in _live.Values.ToList())
            {
                if (sandbox.Info.AgentId != "warm-pool")
                    count++;
                await sandbox.StopAsync().ConfigureAwait(false);
            }
            var reaper = _reaper;
            if (reaper != null)
                await reaper.ConfigureAwait(false);
            while (!_removals.IsEmpty)
            {
                await Task.WhenAll(_removals.Values.ToList()).ConfigureAwait(false);
                await Task.Yield();
            }
            await SweepOwnRunAsync().ConfigureAwait(false);
            return count;
        }

        /// <summary>
        /// Safety net after cleanup: removes any container still labelled with this run and this process as owner
        /// (e.g. one whose creation was interrupted). Best effort: an unreachable engine is left to the reaper.
        /// </summary>
        private async Task SweepOwnRunAsync()
        {
            if (_started == null)
                return;
            try
            {
                var left = await Client.Containers.ListContainersAsync(new ContainersListParameters
                {
                    All = true,
                    Filters = new Dictionary<string, IDictionary<string, bool>>
                    {
                        ["label"] = new Dictionary<string, bool>
                        {
                            [SwarmLabels.Run + "=" + _coordinatorId] = true,
                            [SwarmLabels.Owner + "=" + ProcessOwner.Current] = true,
                        },
                    },
                }, CancellationToken.None).ConfigureAwait(false);
                await Task.WhenAll(left.Where(c => !_live.ContainsKey(c.ID)).Select(c => RemoveContainerAsync(c.ID))).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                DockerLog.RemoveFailed(_logger, "run " + _coordinatorId, e.Message);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            _disposing.Cancel();
            Task.Run(CleanupAsync).GetAwaiter().GetResult();
            _disposing.Dispose();
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

        /// <summary>An IProgress that keeps the last value synchronously (Progress&lt;T&gt; posts later).</summary>
        private sealed class LastValue<T> : IProgress<T>
        {
            public T? Value { get; private set; }
            public void Report(T value) => Value = value;
        }

        private static string Trim(string text) => text.Length > 500 ? text.Substring(0, 500) + "..." : text.Trim();
    }
}
