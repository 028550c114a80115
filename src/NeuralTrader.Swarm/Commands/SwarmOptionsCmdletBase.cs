using System.Management.Automation;
using System.Security;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Internal;

namespace NeuralTrader.Swarm.Commands
{
    /// <summary>The configuration parameters shared by Set-SwarmConfiguration and New-SwarmCoordinator.</summary>
    public abstract class SwarmOptionsCmdletBase : SwarmCmdletBase, IDynamicParameters
    {
        private readonly SwarmResilienceParameters _resilience = new SwarmResilienceParameters();

        /// <summary>The resilience parameters (-RetryCount, -CircuitBreakerThreshold, ...), declared once for every cmdlet that takes them.</summary>
        public object GetDynamicParameters() => _resilience;

        /// <summary>
        /// <para type="description">Most agents (sandboxes) running at once; further deployments queue. Default 10.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, 1000)]
        public int MaxAgents { get; set; }

        /// <summary>
        /// <para type="description">Time limit of one execution inside a sandbox, in milliseconds. Default 300000.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int SandboxTimeout { get; set; }

        /// <summary>
        /// <para type="description">How long, in milliseconds, an agent keeps its sandbox (with its market data loaded) after a swarm, so the next Start-Swarm skips the container starts. Idle sandboxes are stopped after this, by Clear-Swarm and when the session ends; none outlives its pwsh, even one killed. Default 300000 (5 minutes); 0 stops every sandbox when its swarm ends.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int SandboxIdleTimeout { get; set; }

        /// <summary>
        /// <para type="description">How much of each backtest the results carry in Backtest: Auto (default) includes the trades and a 100-point equity curve for swarms of up to 100 deployments and leaves them out of larger sweeps (metrics, parameters and signal only; they tripled a sweep's cost per backtest); Full always includes them; Metrics never does. The trajectory store keeps metrics and parameters either way.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("Auto", "Full", "Metrics")]
        public string? ResultDetail { get; set; }

        /// <summary>
        /// <para type="description">Memory limit per sandbox in MB. Default 512.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(SwarmOptions.MinMemoryLimitMb, SwarmOptions.MaxMemoryLimitMb)]
        public int MemoryLimit { get; set; }

        /// <summary>
        /// <para type="description">CPU limit per sandbox in cores. Default 1.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(SwarmOptions.MinCpuLimit, SwarmOptions.MaxCpuLimit)]
        public double CpuLimit { get; set; }

        /// <summary>
        /// <para type="description">Where agents run: Auto (Docker when available, else child processes, with a warning), Docker, Process, or Swarm
        /// (services on the Docker Swarm whose manager is -DockerEndpoint; see docs/cluster.md).
        /// Docker contains strategy code: no network, read-only files, memory/CPU/process limits, no secrets in its environment.
        /// Process contains only some of it: the runner gets no secrets from your environment, its whole process group is killed on timeout or stop,
        /// and on Linux, where the cgroup hierarchy is writable (root, or a delegated cgroup), it runs in a cgroup of its own with the memory, CPU and
        /// process limits (elsewhere rlimits cap its memory and, except for root, its process count, with no CPU limit; a warning says so once);
        /// but it runs as you, with your network and your files (including the trajectory store and the Docker socket). Use Process only for strategies you trust.
        /// A custom -Image needs Docker or Swarm. See docs/isolation.md.</para>
        /// </summary>
        [Parameter]
        [ValidateSet("Auto", "Docker", "Process", "Swarm", IgnoreCase = true)]
        public string? Isolation { get; set; }

        /// <summary>
        /// <para type="description">Record every deployment and learn from it. Use -Learning:$false to turn it off.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter Learning { get; set; }

        /// <summary>
        /// <para type="description">Deploy with the learned parameters when none are given and the suggestion is confident enough.</para>
        /// </summary>
        [Parameter]
        public SwitchParameter AutoOptimize { get; set; }

        /// <summary>
        /// <para type="description">File of the encrypted trajectory store (the per-user default when not set), or a postgresql://user@host:port/database URI for one store shared by several hosts (PowerShell 7; the password from -StoreCredential, PGPASSWORD or a pgpass file, never in the URI). See docs/cluster.md.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? StorePath { get; set; }

        /// <summary>
        /// <para type="description">User name and password for a PostgreSQL -StorePath (Get-Credential). The password is never shown, logged or passed to another process; PGPASSWORD and a pgpass file (PGPASSFILE, ~/.pgpass) work too.</para>
        /// </summary>
        [Parameter]
        [Alias("Credential")]
        [Credential]
        [ValidateNotNull]
        public PSCredential? StoreCredential { get; set; }

        /// <summary>
        /// <para type="description">A CSV file or a folder of SYMBOL.csv files searched before the bundled data.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DataPath { get; set; }

        /// <summary>
        /// <para type="description">The sandbox runner to start instead of the one shipped with the module.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? RunnerPath { get; set; }

        /// <summary>
        /// <para type="description">Key of the encrypted trajectory store: the base64 symmetric key, as a SecureString (Read-Host -AsSecureString). It is never shown.</para>
        /// </summary>
        [Parameter]
        public SecureString? EncryptionKey { get; set; }

        /// <summary>
        /// <para type="description">HQC-128 public key (base64, the PublicKey New-SwarmKeyPair writes) of an encrypted store: deployments are recorded encrypted, but nothing can be read back. For writers such as scheduled tasks. Not secret.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PublicKey { get; set; }

        /// <summary>
        /// <para type="description">Protected HQC-128 key pair file written by New-SwarmKeyPair: the store can be written and read. Needs -Passphrase.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? KeyPairPath { get; set; }

        /// <summary>
        /// <para type="description">Passphrase of the -KeyPairPath file, as a SecureString. It is never shown or stored.</para>
        /// </summary>
        [Parameter]
        public SecureString? Passphrase { get; set; }

        /// <summary>
        /// <para type="description">Confidence (0 to 1) a suggestion needs before -AutoOptimize uses it. Default 0.3.</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double AutoOptimizeMinConfidence { get; set; }

        /// <summary>
        /// <para type="description">Seed of the optimiser's random choices: the same seed and the same recorded runs give the same suggestions (Get-SwarmSuggestion, -AutoOptimize, Invoke-SwarmOptimization). Default 1.</para>
        /// </summary>
        [Parameter]
        public int Seed { get; set; }

        /// <summary>True when one of the key parameters was given.</summary>
        protected bool KeyGiven => IsBound(nameof(EncryptionKey)) || IsBound(nameof(PublicKey)) || IsBound(nameof(KeyPairPath));

        /// <summary>
        /// The store key from -EncryptionKey, -PublicKey or -KeyPairPath/-Passphrase (at most one), or null. Key material is
        /// never echoed: Core's errors name key ids only.
        /// </summary>
        internal StoreKey? ResolveKey()
        {
            var given = (IsBound(nameof(EncryptionKey)) ? 1 : 0) + (IsBound(nameof(PublicKey)) ? 1 : 0) + (IsBound(nameof(KeyPairPath)) ? 1 : 0);
            if (given > 1)
                throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "Give only one of -EncryptionKey, -PublicKey and -KeyPairPath.");
            if (IsBound(nameof(Passphrase)) != IsBound(nameof(KeyPairPath)))
                throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "-KeyPairPath and -Passphrase go together.");
            if (EncryptionKey != null)
                return SwarmSession.ToStoreKey(EncryptionKey);
            if (!string.IsNullOrEmpty(PublicKey))
                return HqcPublicKey.FromBase64(PublicKey!.Trim());
            if (!string.IsNullOrEmpty(KeyPairPath))
                return SwarmSession.ReadKeyPair(GetUnresolvedProviderPathFromPSPath(KeyPairPath), Passphrase!);
            return null;
        }

        /// <summary>
        /// <para type="description">Docker engine endpoint (unix:///var/run/docker.sock, npipe://./pipe/docker_engine, tcp://host:2376); DOCKER_HOST or the platform default when not set.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? DockerEndpoint { get; set; }

        /// <summary>
        /// <para type="description">Docker image every sandbox runs instead of the built-in runner image (it must speak the runner protocol). A strategy registered with Register-Strategy -Image uses its own image.</para>
        /// </summary>
        [Parameter]
        [Alias("Image")]
        [ValidateNotNullOrEmpty]
        public string? SandboxImage { get; set; }

        /// <summary>
        /// <para type="description">Idle Docker sandboxes kept started ahead of time, so a deployment does not wait for a container start. Default 0 (off).</para>
        /// </summary>
        [Parameter]
        [ValidateRange(0, 1000)]
        public int WarmPoolSize { get; set; }

        /// <summary>
        /// <para type="description">Swarm isolation: placement constraints every sandbox service gets, such as 'node.labels.tier==batch'.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? Constraint { get; set; }

        /// <summary>
        /// <para type="description">Swarm isolation: the engine endpoint of each node, keyed by node address, id or host name, e.g. @{ '10.0.0.12' = 'tcp://10.0.0.12:2376' }. Sandboxes are attached through the engine of the node they run on; TLS uses the DOCKER_CERT_PATH files.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public System.Collections.Hashtable? NodeEndpoint { get; set; }

        /// <summary>
        /// <para type="description">Swarm isolation: registry (host:port) the sandbox image is pushed to through the manager and pulled from by the nodes, pinned by digest. Without it the image must already be on every node.</para>
        /// </summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Registry { get; set; }

        /// <summary>Whether a parameter was given.</summary>
        protected bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        /// <summary>Copies the given parameters onto <paramref name="options"/>.</summary>
        protected SwarmOptions Apply(SwarmOptions options)
        {
            var o = options.Clone();
            if (IsBound(nameof(MaxAgents))) o.MaxAgents = MaxAgents;
            if (IsBound(nameof(SandboxTimeout))) o.SandboxTimeout = System.TimeSpan.FromMilliseconds(SandboxTimeout);
            if (IsBound(nameof(SandboxIdleTimeout))) o.SandboxIdleTimeout = System.TimeSpan.FromMilliseconds(SandboxIdleTimeout);
            if (IsBound(nameof(ResultDetail))) o.ResultDetail = (NeuralTrader.Swarm.Core.Coordination.ResultDetail)System.Enum.Parse(typeof(NeuralTrader.Swarm.Core.Coordination.ResultDetail), ResultDetail!, ignoreCase: true);
            if (IsBound(nameof(MemoryLimit))) o.MemoryLimitMb = MemoryLimit;
            if (IsBound(nameof(CpuLimit))) o.CpuLimit = CpuLimit;
            if (IsBound(nameof(Isolation))) o.Isolation = (IsolationMode)System.Enum.Parse(typeof(IsolationMode), Isolation!, ignoreCase: true);
            if (IsBound(nameof(Learning))) o.LearningEnabled = Learning.IsPresent;
            if (IsBound(nameof(AutoOptimize))) o.AutoOptimize = AutoOptimize.IsPresent;
            if (IsBound(nameof(AutoOptimizeMinConfidence))) o.AutoOptimizeMinConfidence = AutoOptimizeMinConfidence;
            if (IsBound(nameof(Seed))) o.Seed = Seed;
            if (IsBound(nameof(StorePath))) o.StorePath = NeuralTrader.Swarm.Core.Store.TrajectoryStore.IsServer(StorePath) ? StorePath : GetUnresolvedProviderPathFromPSPath(StorePath);
            // A credential belongs to the server store it was given for; a file store given later drops it.
            if (IsBound(nameof(StorePath)) && !NeuralTrader.Swarm.Core.Store.TrajectoryStore.IsServer(o.StorePath)) o.StoreCredential = null;
            if (IsBound(nameof(StoreCredential)))
            {
                if (!NeuralTrader.Swarm.Core.Store.TrajectoryStore.IsServer(o.StorePath))
                    throw new SwarmException(SwarmErrorIds.InvalidArgument, SwarmErrorKind.InvalidArgument, "-StoreCredential is for a PostgreSQL store: give -StorePath postgresql://user@host/database with it.");
                o.StoreCredential = StoreCredential!.GetNetworkCredential();
            }
            if (IsBound(nameof(DataPath))) o.DataPath = GetUnresolvedProviderPathFromPSPath(DataPath);
            if (IsBound(nameof(RunnerPath))) o.RunnerPath = GetUnresolvedProviderPathFromPSPath(RunnerPath);
            if (IsBound(nameof(DockerEndpoint))) o.DockerEndpoint = DockerEndpoint;
            if (IsBound(nameof(SandboxImage))) o.SandboxImage = SandboxImage;
            if (IsBound(nameof(WarmPoolSize))) o.WarmPoolSize = WarmPoolSize;
            if (IsBound(nameof(Constraint))) o.Constraints = new System.Collections.Generic.List<string>(Constraint!);
            if (IsBound(nameof(NodeEndpoint)))
            {
                o.NodeEndpoints = new System.Collections.Generic.Dictionary<string, string>(System.StringComparer.OrdinalIgnoreCase);
                foreach (System.Collections.DictionaryEntry entry in NodeEndpoint!)
                    o.NodeEndpoints[entry.Key.ToString()!] = entry.Value?.ToString() ?? "";
            }
            if (IsBound(nameof(Registry))) o.Registry = Registry;
            o.Resilience = _resilience.With(o.Resilience, MyInvocation.BoundParameters);
            return o;
        }
    }
}
