using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Core.Sandboxing.Swarm
{
    /// <summary>
    /// The nodes of a Swarm as the provider needs them: the engine to attach through for each node (from the
    /// configured map, the manager itself, or tcp:// on the manager's port) and whether a node is up.
    /// </summary>
    internal sealed class SwarmNodes
    {
        private readonly Uri _manager;
        private readonly DockerClient _managerClient;
        private readonly IDictionary<string, string> _endpoints;
        private readonly Action<DockerSandbox> _onStopped;
        private readonly ConcurrentDictionary<string, NodeHost> _hosts = new ConcurrentDictionary<string, NodeHost>(StringComparer.Ordinal);

        public SwarmNodes(Uri manager, DockerClient managerClient, IDictionary<string, string> endpoints, Action<DockerSandbox> onStopped)
        {
            _manager = manager;
            _managerClient = managerClient;
            _endpoints = endpoints;
            _onStopped = onStopped;
        }

        /// <summary>Node id of the manager the provider talks to (reached through the manager endpoint when not mapped).</summary>
        public string ManagerNodeId { get; set; } = "";

        /// <summary>The engine of a node, resolved once per node.</summary>
        public async Task<NodeHost> HostAsync(string nodeId, CancellationToken cancellationToken)
        {
            if (_hosts.TryGetValue(nodeId, out var known))
                return known;
            var node = await DockerEngine.Call(_manager, _managerClient.Swarm.InspectNodeAsync(nodeId, cancellationToken), cancellationToken).ConfigureAwait(false);
            return _hosts.GetOrAdd(nodeId, _ => new NodeHost(this, node.ID, node.Status?.Addr ?? "", EndpointOf(node)));
        }

        /// <summary>The manager's view of a node: ready, down, unknown or disconnected.</summary>
        public async Task<string?> StateAsync(string nodeId, CancellationToken cancellationToken)
        {
            var node = await DockerEngine.Call(_manager, _managerClient.Swarm.InspectNodeAsync(nodeId, cancellationToken), cancellationToken).ConfigureAwait(false);
            return node.Status?.State;
        }

        /// <summary>Nodes that are ready and take tasks.</summary>
        public async Task<IEnumerable<NodeListResponse>> ActiveAsync(CancellationToken cancellationToken)
        {
            var nodes = await DockerEngine.Call(_manager, _managerClient.Swarm.ListNodesAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            var active = new List<NodeListResponse>();
            foreach (var node in nodes)
            {
                if (node.Status?.State == "ready" && node.Spec?.Availability == "active")
                    active.Add(node);
            }
            return active;
        }

        /// <summary>How a node is named in messages: host name, address and id.</summary>
        public static string Describe(NodeListResponse node) =>
            (node.Description?.Hostname ?? "") + " (" + (node.Status?.Addr ?? "") + ", id " + node.ID + ")";

        private Uri EndpointOf(NodeListResponse node)
        {
            var address = node.Status?.Addr ?? "";
            foreach (var key in new[] { node.ID, address, node.Description?.Hostname ?? "" })
            {
                if (key.Length > 0 && _endpoints.TryGetValue(key, out var configured))
                    return DockerEngine.ResolveEndpoint(configured);
            }
            if (string.Equals(node.ID, ManagerNodeId, StringComparison.Ordinal))
                return _manager;
            if (_manager.Scheme == "tcp" && address.Length > 0)
                return new Uri("tcp://" + address + ":" + _manager.Port.ToString(CultureInfo.InvariantCulture));
            throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                $"No engine endpoint is known for Swarm node {Describe(node)}: attaching to a sandbox goes through the engine of its node. " +
                $"Map it with -NodeEndpoint @{{ '{address}' = 'tcp://{address}:2376' }} (CLI: --node-endpoint {address}=tcp://{address}:2376).", node.ID);
        }

        /// <summary>The engine of one Swarm node, which runs (and is attached to for) the tasks placed there.</summary>
        internal sealed class NodeHost : IContainerHost
        {
            private readonly SwarmNodes _nodes;

            public NodeHost(SwarmNodes nodes, string nodeId, string address, Uri endpoint)
            {
                _nodes = nodes;
                NodeId = nodeId;
                Address = address;
                Endpoint = endpoint;
                Client = DockerEngine.GetClient(endpoint);
            }

            public string NodeId { get; }
            public string Address { get; }
            public Uri Endpoint { get; }
            public DockerClient Client { get; }
            public void OnStopped(DockerSandbox sandbox) => _nodes._onStopped(sandbox);

            // Task containers belong to their service, not auto-removed: their state is read from the node's engine.
            public ContainerExits? Exits => null;
        }
    }
}
