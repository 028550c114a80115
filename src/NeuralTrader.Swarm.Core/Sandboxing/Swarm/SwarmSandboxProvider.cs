using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Core.Sandboxing.Swarm
{
    /// <summary>
    /// Runs each sandbox as a Docker Swarm service, placed by the Swarm scheduler (spread, plus the user's
    /// constraints), and talks to its runner by attaching through the engine of the node the task landed on.
    /// </summary>
    /// <remarks>
    /// One service (one replica) per agent rather than one service per swarm with replicas: each sandbox needs its
    /// own internal network (no neighbour to talk to), its own lifetime (a timed-out sandbox is killed alone, and a
    /// scale-down would pick an arbitrary replica) and its own labels naming its agent. The restart condition is
    /// "none": a dead task is reported like a dead container (SandboxExited) and the coordinator's retry redeploys,
    /// which the scheduler places on a node that is still up. Engine 20.10 refuses NetworkMode none for services
    /// (https://github.com/moby/moby/issues/44403), so each sandbox gets an overlay network of its own created with
    /// <c>--internal</c>: no route out and nobody else on it.
    /// </remarks>
    internal sealed class SwarmSandboxProvider : ISandboxProvider
    {
        private readonly SwarmSandboxOptions _options;
        private readonly string _coordinatorId;
        private readonly ILogger _logger;
        private readonly ConcurrentDictionary<string, Deployment> _live = new ConcurrentDictionary<string, Deployment>(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Task> _removals = new ConcurrentDictionary<string, Task>(StringComparer.Ordinal);
        private readonly InFlightCreations _inflight = new InFlightCreations();
        private readonly SwarmNodes _nodes;
        private readonly SwarmImages _images;
        private readonly RetriedOnce<Uri> _start = new RetriedOnce<Uri>();
        private readonly CancellationTokenSource _disposing = new CancellationTokenSource();
        private Task? _reaper;
        private int _noNewPrivilegesChecked;
        private int _disposed;

        /// <summary>Creates a provider; nothing is contacted until the first sandbox is created or <see cref="StartAsync"/> runs.</summary>
        public SwarmSandboxProvider(SwarmSandboxOptions? options, string coordinatorId, ILogger? logger = null)
        {
            _options = options ?? new SwarmSandboxOptions();
            _coordinatorId = coordinatorId;
            _logger = logger ?? NullLogger.Instance;
            Manager = DockerEngine.ResolveEndpoint(_options.ManagerEndpoint);
            ManagerClient = DockerEngine.GetClient(Manager);
            _nodes = new SwarmNodes(Manager, ManagerClient, _options.NodeEndpoints, OnStopped);
            _images = new SwarmImages(_options, Manager, ManagerClient, _nodes, _logger, _disposing.Token);
            foreach (var constraint in _options.Constraints)
            {
                if (string.IsNullOrWhiteSpace(constraint) || (constraint.IndexOf("==", StringComparison.Ordinal) < 0 && constraint.IndexOf("!=", StringComparison.Ordinal) < 0))
                {
                    throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                        $"The placement constraint '{constraint}' is invalid: it must be '<attribute>==<value>' or '<attribute>!=<value>', e.g. 'node.labels.tier==batch'.", "Constraint");
                }
            }
        }

        /// <inheritdoc />
        public string Kind => "swarm";

        /// <summary>The Swarm manager's endpoint.</summary>
        public Uri Manager { get; }

        /// <summary>The coordinator id written into <see cref="SwarmLabels.Run"/>.</summary>
        public string CoordinatorId => _coordinatorId;

        internal DockerClient ManagerClient { get; }

        /// <summary>
        /// Whether the engines apply NoNewPrivileges to the tasks: null until the first sandbox was checked, false on
        /// engines that ignore it for services (20.10; swarmkit gained the setting in 2023), which is warned once.
        /// </summary>
        public bool? NoNewPrivilegesEnforced { get; private set; }

        /// <summary>
        /// Checks the manager answers and is a Swarm manager, and sweeps services and networks of dead owner
        /// processes in the background. Runs once; <see cref="CreateAsync"/> calls it.
        /// </summary>
        public Task StartAsync(CancellationToken cancellationToken = default) => _start.Run(() => StartCoreAsync(cancellationToken));

        /// <summary>Returns the engine that answered.</summary>
        private async Task<Uri> StartCoreAsync(CancellationToken cancellationToken)
        {
            await DockerEngine.PingAsync(Manager, _options.Container.EngineProbeTimeout, cancellationToken).ConfigureAwait(false);
            var info = await DockerEngine.Call(Manager, ManagerClient.System.GetSystemInfoAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            if (info.Swarm == null || !info.Swarm.ControlAvailable)
            {
                throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                    $"The Docker engine at {Manager} is not a Swarm manager (swarm state: {info.Swarm?.LocalNodeState ?? "unknown"}). " +
                    "Point {docker-endpoint} at a manager (`docker swarm init` makes one), or use {isolation=docker}.", Manager.ToString());
            }

            _nodes.ManagerNodeId = info.Swarm.NodeID ?? "";
            if (_options.Container.ReapOrphansOnStart && _reaper == null)
                _reaper = Task.Run(() => SweepAsync(owner => owner.IsThisHost && !owner.IsAlive(), _disposing.Token));
            return Manager;
        }

        /// <inheritdoc />
        public async Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            ThrowIfDisposed();
            await StartAsync(cancellationToken).ConfigureAwait(false);
            return await _inflight.Track(() => CreateCoreAsync(spec, cancellationToken)).ConfigureAwait(false);
        }

        private async Task<ISandbox> CreateCoreAsync(SandboxSpec spec, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var image = await _images.ResolveAsync(spec.Image ?? _options.Container.DefaultImage, spec.Strategy, cancellationToken).ConfigureAwait(false);
            var name = SandboxName(spec.AgentId);
            var labels = SwarmLabels.For(_coordinatorId, spec.AgentId, spec.Strategy);

            // Network and service are created without the caller's token (a cancelled create could leave one whose
            // id we never learn); cancellation is checked between steps and while waiting for placement.
            cancellationToken.ThrowIfCancellationRequested();
            NetworksCreateResponse network;
            try
            {
                network = await DockerEngine.Call(Manager, ManagerClient.Networks.CreateNetworkAsync(new NetworksCreateParameters
                {
                    Name = name,
                    Driver = "overlay",
                    Internal = true,
                    Attachable = false,
                    CheckDuplicate = true,
                    Labels = labels,
                }, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            }
            catch (DockerApiException e)
            {
                throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                    $"The Swarm manager refused to create the sandbox's internal overlay network: {DockerEngine.Refusal(e)}", spec.Strategy, e);
            }

            string? serviceId = null;
            DockerSandbox? sandbox = null;
            try
            {
                try
                {
                    serviceId = (await DockerEngine.Call(Manager, ManagerClient.Swarm.CreateServiceAsync(new ServiceCreateParameters
                    {
                        Service = BuildServiceSpec(spec, image, name, network.ID, labels),
                    }, CancellationToken.None), CancellationToken.None).ConfigureAwait(false)).ID;
                }
                catch (DockerApiException e)
                {
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                        $"The Swarm manager refused to create a sandbox service from '{image}': {DockerEngine.Refusal(e)}", spec.Strategy, e);
                }

                var task = await WaitForTaskAsync(serviceId, spec, image, cancellationToken).ConfigureAwait(false);
                var host = await _nodes.HostAsync(task.NodeID, cancellationToken).ConfigureAwait(false);
                var containerId = task.Status.ContainerStatus.ContainerID;
                var mux = await DockerEngine.Call(host.Endpoint, host.Client.Containers.AttachContainerAsync(containerId, false, new ContainerAttachParameters
                {
                    Stream = true,
                    Stdin = true,
                    Stdout = true,
                    Stderr = true,
                }, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
                var streams = new AttachStreams(mux, line => SwarmLog.RunnerStderr(_logger, name, line));
                sandbox = new DockerSandbox(host, containerId, streams, spec, image, _coordinatorId, Kind, host.Address);
                _live[containerId] = new Deployment(sandbox, serviceId, network.ID);

                await CheckNoNewPrivilegesAsync(host, containerId).ConfigureAwait(false);
                await sandbox.WaitReadyAsync(spec, cancellationToken).ConfigureAwait(false);
                SwarmLog.SandboxReady(_logger, name, host.Address, spec.AgentId, watch.ElapsedMilliseconds);
                return sandbox;
            }
            catch (Exception e)
            {
                if (sandbox != null)
                    await sandbox.StopAsync().ConfigureAwait(false);
                else
                    QueueRemoval(serviceId, network.ID);
                if (e is DockerApiException api)
                {
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Failed,
                        $"Attaching to the sandbox task of '{image}' failed: {DockerEngine.Refusal(api)}", spec.Strategy, e);
                }

                throw;
            }
        }

        /// <summary>The service spec: every hardening of the single-engine sandbox that a service can carry, and the labels.</summary>
        internal ServiceSpec BuildServiceSpec(SandboxSpec spec, string image, string name, string networkId, IDictionary<string, string> labels)
        {
            var container = _options.Container;
            var memory = (long)spec.MemoryLimitMb * 1024 * 1024;
            return new ServiceSpec
            {
                Name = name,
                Labels = labels,
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = 1 } },
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec
                    {
                        Image = image,
                        Labels = labels,
                        User = container.User,
                        ReadOnly = true,
                        OpenStdin = true,
                        TTY = false,
                        // The same explicit environment as every sandbox: nothing of the owner's, diagnostics off.
                        Env = RunnerEnvironment.ForContainer(),
                        CapabilityDrop = new List<string> { "ALL" },
                        // Removal kills at once, as the single-engine sandbox's forced remove does.
                        StopSignal = "SIGKILL",
                        StopGracePeriod = 0,
                        Mounts = new List<Mount>
                        {
                            new Mount
                            {
                                Type = "tmpfs",
                                Target = "/tmp",
                                TmpfsOptions = new TmpfsOptions { SizeBytes = (long)container.TmpfsSizeMb * 1024 * 1024, Mode = 0x3FF /* 01777 */ },
                            },
                        },
                        // NoNewPrivileges has no field in the 1.41 service API; see CheckNoNewPrivilegesAsync.
                    },
                    Resources = new ResourceRequirements
                    {
                        Limits = new SwarmLimit
                        {
                            MemoryBytes = memory,
                            NanoCPUs = (long)Math.Round(spec.CpuLimit * 1e9),
                            Pids = container.PidsLimit,
                        },
                    },
                    RestartPolicy = new SwarmRestartPolicy { Condition = "none" },
                    Placement = new Placement { Constraints = _options.Constraints.ToList() },
                    Networks = new List<NetworkAttachmentConfig> { new NetworkAttachmentConfig { Target = networkId } },
                },
            };
        }

        /// <summary>Waits until the service's task runs, and fails with the scheduler's reason when it cannot be placed or started.</summary>
        private async Task<TaskResponse> WaitForTaskAsync(string serviceId, SandboxSpec spec, string image, CancellationToken cancellationToken)
        {
            var watch = Stopwatch.StartNew();
            var why = "no task yet";
            while (true)
            {
                var tasks = await DockerEngine.Call(Manager, ManagerClient.Tasks.ListAsync(new TasksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } },
                }, cancellationToken), cancellationToken).ConfigureAwait(false);
                var task = tasks.OrderByDescending(t => t.CreatedAt).FirstOrDefault();
                if (task?.Status != null)
                {
                    var state = task.Status.State;
                    why = state.ToString().ToLowerInvariant() + (string.IsNullOrEmpty(task.Status.Err) ? "" : ": " + task.Status.Err);
                    if (state == TaskState.Running && !string.IsNullOrEmpty(task.Status.ContainerStatus?.ContainerID))
                        return task;
                    if (state == TaskState.Failed || state == TaskState.Rejected || state == TaskState.Complete || state == TaskState.Shutdown || state == TaskState.Orphaned)
                    {
                        throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                            $"The sandbox task of '{image}' did not start ({why}).", spec.Strategy);
                    }
                    // A task assigned to a node that has since gone down never starts (restart condition none):
                    // fail now, so a retry is placed on a node that is up instead of waiting out the timeout.
                    if (!string.IsNullOrEmpty(task.NodeID) && await _nodes.StateAsync(task.NodeID, cancellationToken).ConfigureAwait(false) is string nodeState && nodeState != "ready")
                    {
                        throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Unavailable,
                            $"The sandbox task of '{image}' was placed on node {task.NodeID}, which is {nodeState} ({why}).", spec.Strategy);
                    }
                }
                if (watch.Elapsed > _options.PlacementTimeout)
                {
                    throw new SwarmException(SwarmErrorIds.SandboxStartFailed, SwarmErrorKind.Timeout,
                        $"The sandbox task of '{image}' was not running within {_options.PlacementTimeout.TotalSeconds:0.#} s (readiness check: placement; task {why})" +
                        (_options.Constraints.Count > 0 ? $"; constraints: {string.Join(", ", _options.Constraints)}." : "."), spec.Strategy);
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Engine 20.10 drops NoNewPrivileges for services (swarmkit only gained the setting in 2023, after 20.10):
        /// read what the first task's container really got and warn once when it lacks it.
        /// </summary>
        private async Task CheckNoNewPrivilegesAsync(SwarmNodes.NodeHost host, string containerId)
        {
            if (Interlocked.Exchange(ref _noNewPrivilegesChecked, 1) == 1)
                return;
            var inspect = await DockerEngine.Call(host.Endpoint, host.Client.Containers.InspectContainerAsync(containerId, CancellationToken.None), CancellationToken.None).ConfigureAwait(false);
            var options = inspect.HostConfig?.SecurityOpt ?? new List<string>();
            NoNewPrivilegesEnforced = options.Any(o => o.StartsWith("no-new-privileges", StringComparison.OrdinalIgnoreCase) && !o.EndsWith(":false", StringComparison.OrdinalIgnoreCase));
            if (NoNewPrivilegesEnforced == false)
                SwarmLog.NoNewPrivilegesIgnored(_logger, host.Address, inspect.Config?.Labels != null && inspect.Config.Labels.TryGetValue("com.docker.swarm.node.id", out var id) ? id : "");
        }

        private static string SandboxName(string agentId)
        {
            // Service and network names: letters, digits and dashes, at most 63 characters.
            var sb = new StringBuilder("nts-");
            foreach (var c in agentId.ToLowerInvariant())
                sb.Append(c < 128 && char.IsLetterOrDigit(c) ? c : '-');
            if (sb.Length > 40)
                sb.Length = 40;
            sb.Append('-').Append(Guid.NewGuid().ToString("N").Substring(0, 10));
            return sb.ToString();
        }

        /// <inheritdoc />
        public IReadOnlyList<SandboxInfo> ListSandboxes() => _live.Values.Select(d => d.Sandbox.Info).ToList();

        private void OnStopped(DockerSandbox sandbox)
        {
            if (_live.TryRemove(sandbox.Id, out var deployment))
                QueueRemoval(deployment.ServiceId, deployment.NetworkId);
        }

        private void QueueRemoval(string? serviceId, string networkId)
        {
            var task = Task.Run(() => RemoveAsync(serviceId, networkId));
            _removals[networkId] = task;
            _ = task.ContinueWith(t => _removals.TryRemove(networkId, out _), TaskScheduler.Default);
        }

        /// <summary>Removes a service, then its network once the task's container has left it; not-found counts as success.</summary>
        private async Task RemoveAsync(string? serviceId, string networkId)
        {
            try
            {
                if (serviceId != null)
                {
                    try
                    {
                        await ManagerClient.Swarm.RemoveServiceAsync(serviceId, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                    {
                    }
                }
                // The network stays in use until the node has removed the task's container (a few hundred ms).
                var watch = Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        await ManagerClient.Networks.DeleteNetworkAsync(networkId, CancellationToken.None).ConfigureAwait(false);
                        return;
                    }
                    catch (DockerNetworkNotFoundException)
                    {
                        return;
                    }
                    catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
                    {
                        return;
                    }
                    catch (DockerApiException) when (watch.Elapsed < TimeSpan.FromSeconds(60))
                    {
                        await Task.Delay(200).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception e)
            {
                // Left for the sweep of the next start.
                SwarmLog.RemoveFailed(_logger, serviceId ?? networkId, e.Message);
            }
        }

        /// <summary>
        /// Removes services and networks labelled by this module whose owner matches <paramref name="remove"/>:
        /// at start those of dead owners on this host, at cleanup those of this run.
        /// </summary>
        private async Task<int> SweepAsync(Func<ProcessOwner, bool> remove, CancellationToken cancellationToken, string? run = null)
        {
            bool Matches(IDictionary<string, string>? labels) =>
                labels != null && labels.TryGetValue(SwarmLabels.Owner, out var text) && ProcessOwner.TryParse(text, out var owner) && remove(owner) &&
                (run == null || (labels.TryGetValue(SwarmLabels.Run, out var r) && r == run));
            try
            {
                var services = await ManagerClient.Swarm.ListServicesAsync(new ServicesListParameters
                {
                    Filters = new ServiceFilter { Label = new[] { SwarmLabels.Module } },
                }, cancellationToken).ConfigureAwait(false);
                var networks = await ManagerClient.Networks.ListNetworksAsync(new NetworksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [SwarmLabels.Module] = true } },
                }, cancellationToken).ConfigureAwait(false);
                var liveNetworks = new HashSet<string>(_live.Values.Select(d => d.NetworkId), StringComparer.Ordinal);
                var doomedServices = services.Where(s => Matches(s.Spec?.Labels) && !_live.Values.Any(d => d.ServiceId == s.ID)).ToList();
                var doomedNetworks = networks.Where(n => Matches(n.Labels) && !liveNetworks.Contains(n.ID)).ToList();
                foreach (var service in doomedServices)
                {
                    // Its network goes with it below; the service first, so the network frees.
                    await RemoveAsync(service.ID, service.Spec.TaskTemplate?.Networks?.FirstOrDefault()?.Target ?? "").ConfigureAwait(false);
                    SwarmLog.SweptService(_logger, service.Spec.Name);
                }
                foreach (var network in doomedNetworks)
                    await RemoveAsync(null, network.ID).ConfigureAwait(false);
                return doomedServices.Count;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                SwarmLog.SweepFailed(_logger, e.Message);
                return 0;
            }
        }

        /// <inheritdoc />
        public async Task<int> CleanupAsync()
        {
            await _inflight.WaitAsync(TimeSpan.FromSeconds(90)).ConfigureAwait(false);
            var count = 0;
            foreach (var deployment in _live.Values.ToList())
            {
                count++;
                await deployment.Sandbox.StopAsync().ConfigureAwait(false);
            }
            var reaper = _reaper;
            if (reaper != null)
                await reaper.ConfigureAwait(false);
            while (!_removals.IsEmpty)
            {
                await Task.WhenAll(_removals.Values.ToList()).ConfigureAwait(false);
                await Task.Yield();
            }
            if (_start.Started)
            {
                var me = ProcessOwner.Current.ToString();
                await SweepAsync(owner => owner.ToString() == me, CancellationToken.None, _coordinatorId).ConfigureAwait(false);
            }
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
        }

        private void ThrowIfDisposed()
        {
            if (Volatile.Read(ref _disposed) == 1)
                throw new ObjectDisposedException(nameof(SwarmSandboxProvider));
        }

        /// <summary>A running sandbox and the service and network behind it.</summary>
        private sealed class Deployment
        {
            public Deployment(DockerSandbox sandbox, string serviceId, string networkId)
            {
                Sandbox = sandbox;
                ServiceId = serviceId;
                NetworkId = networkId;
            }

            public DockerSandbox Sandbox { get; }
            public string ServiceId { get; }
            public string NetworkId { get; }
        }
    }
}
