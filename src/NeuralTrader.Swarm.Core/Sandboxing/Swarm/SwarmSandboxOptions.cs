using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Core.Sandboxing.Docker;

namespace NeuralTrader.Swarm.Core.Sandboxing.Swarm
{
    /// <summary>Settings of a <see cref="SwarmSandboxProvider"/>.</summary>
    internal sealed class SwarmSandboxOptions
    {
        /// <summary>
        /// A Swarm manager's engine endpoint (unix://, tcp:// with the DOCKER_CERT_PATH files for TLS); null for
        /// DOCKER_HOST or the platform default.
        /// </summary>
        public string? ManagerEndpoint { get; set; }

        /// <summary>
        /// Engine endpoint of each node, keyed by node address (as <c>docker node inspect</c> shows it), node id or
        /// host name. A node not listed is reached at <c>tcp://&lt;address&gt;:&lt;port&gt;</c> when the manager is a tcp://
        /// endpoint (same port and TLS files), and the manager's own node through the manager endpoint.
        /// </summary>
        public IDictionary<string, string> NodeEndpoints { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Placement constraints every sandbox service gets, e.g. <c>node.labels.tier==batch</c>.</summary>
        public IList<string> Constraints { get; set; } = new List<string>();

        /// <summary>
        /// Registry (<c>host:port</c>) the images are pushed to through the manager and pulled from by the nodes,
        /// pinned by digest; null to require the image on every node already (checked, naming the nodes that lack it).
        /// </summary>
        public string? Registry { get; set; }

        /// <summary>
        /// The container settings shared with the single-engine sandbox (image, built-in image, user, pids limit,
        /// tmpfs size, orphan sweep, probe timeout); its <see cref="DockerSandboxOptions.Endpoint"/> and warm pool are not used.
        /// </summary>
        public DockerSandboxOptions Container { get; set; } = new DockerSandboxOptions();

        /// <summary>How long a task may take to be placed and running before the sandbox fails with the scheduler's reason.</summary>
        public TimeSpan PlacementTimeout { get; set; } = TimeSpan.FromSeconds(60);
    }
}
