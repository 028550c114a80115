using System;
using System.Linq;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm
{
    /// <summary>The settings of a coordinator as Get-SwarmConfiguration writes them. The encryption key is never shown.</summary>
    public sealed class SwarmConfiguration
    {
        internal SwarmConfiguration(SwarmOptions options, StoreKey? key, string? coordinatorId)
        {
            MaxAgents = options.MaxAgents;
            SandboxTimeout = options.SandboxTimeout;
            SandboxIdleTimeout = options.SandboxIdleTimeout;
            MemoryLimit = options.MemoryLimitMb;
            CpuLimit = options.CpuLimit;
            Isolation = options.Isolation.ToString();
            Learning = options.LearningEnabled;
            AutoOptimize = options.AutoOptimize;
            StorePath = options.StorePath;
            StoreUser = options.StoreCredential?.UserName;
            DataPath = options.DataPath;
            RunnerPath = options.RunnerPath;
            AutoOptimizeMinConfidence = options.AutoOptimizeMinConfidence;
            Seed = options.Seed;
            EncryptionKeySet = key != null;
            EncryptionKeyKind = KindOf(key);
            EncryptionKeyId = key?.KeyId;
            CoordinatorId = coordinatorId;
            RetryCount = options.Resilience.RetryCount;
            RetryDelay = options.Resilience.RetryDelay;
            CircuitBreakerThreshold = options.Resilience.CircuitBreakerThreshold;
            CircuitBreakerWindow = options.Resilience.CircuitBreakerWindow;
            CircuitBreakerDuration = options.Resilience.CircuitBreakerDuration;
            DockerEndpoint = options.DockerEndpoint;
            SandboxImage = options.SandboxImage;
            WarmPoolSize = options.WarmPoolSize;
            Constraint = options.Constraints.ToArray();
            NodeEndpoint = new System.Collections.Hashtable(options.NodeEndpoints.ToDictionary(p => p.Key, p => p.Value), System.StringComparer.OrdinalIgnoreCase);
            Registry = options.Registry;
        }

        /// <summary>Most agents running at once.</summary>
        public int MaxAgents { get; }
        /// <summary>Time limit of one execution.</summary>
        public TimeSpan SandboxTimeout { get; }
        /// <summary>How long an agent's sandbox stays up after its swarm for the next one (zero: stopped at once).</summary>
        public TimeSpan SandboxIdleTimeout { get; }
        /// <summary>Memory limit per sandbox in MB.</summary>
        public int MemoryLimit { get; }
        /// <summary>CPU limit per sandbox in cores.</summary>
        public double CpuLimit { get; }
        /// <summary>Auto, Docker or Process.</summary>
        public string Isolation { get; }
        /// <summary>Whether deployments are recorded and learned from.</summary>
        public bool Learning { get; }
        /// <summary>Whether learned suggestions are used automatically.</summary>
        public bool AutoOptimize { get; }
        /// <summary>Trajectory store file; empty for the per-user default.</summary>
        public string? StorePath { get; }
        /// <summary>The user name of -StoreCredential for a PostgreSQL store (its password is never shown); null when none was given.</summary>
        public string? StoreUser { get; }
        /// <summary>User market data (CSV file or folder); empty for the bundled data only.</summary>
        public string? DataPath { get; }
        /// <summary>Runner override; empty for the runner shipped with the module.</summary>
        public string? RunnerPath { get; }
        /// <summary>Confidence a suggestion needs before AutoOptimize uses it.</summary>
        public double AutoOptimizeMinConfidence { get; }
        /// <summary>Seed of the optimiser's random choices.</summary>
        public int Seed { get; }
        /// <summary>True when an encryption key is set. The key itself is never shown.</summary>
        public bool EncryptionKeySet { get; }
        /// <summary>None, Symmetric, Hqc128KeyPair (reads and writes) or Hqc128PublicKey (writes only).</summary>
        public string EncryptionKeyKind { get; }
        /// <summary>Check value of the key (not the key): the store refuses a key whose id differs from its own.</summary>
        public string? EncryptionKeyId { get; }

        internal static string KindOf(StoreKey? key) =>
            key == null ? "None" : key.Kind == StoreKeyKind.Symmetric ? "Symmetric" : key.CanDecrypt ? "Hqc128KeyPair" : "Hqc128PublicKey";
        /// <summary>The session coordinator's id, or empty until it is first used.</summary>
        public string? CoordinatorId { get; }
        /// <summary>Retries after a transient sandbox failure (0 = none).</summary>
        public int RetryCount { get; }
        /// <summary>Base delay before the first retry (doubling, with jitter).</summary>
        public TimeSpan RetryDelay { get; }
        /// <summary>Failures of a strategy that open its circuit (0 = breaker off).</summary>
        public int CircuitBreakerThreshold { get; }
        /// <summary>Window in which the breaker counts failures.</summary>
        public TimeSpan CircuitBreakerWindow { get; }
        /// <summary>How long an open circuit rejects deployments.</summary>
        public TimeSpan CircuitBreakerDuration { get; }
        /// <summary>Docker engine endpoint; empty for DOCKER_HOST or the platform default.</summary>
        public string? DockerEndpoint { get; }
        /// <summary>Image every Docker sandbox runs; empty for the built-in runner image.</summary>
        public string? SandboxImage { get; }
        /// <summary>Idle Docker sandboxes kept started ahead of time.</summary>
        public int WarmPoolSize { get; }
        /// <summary>Swarm placement constraints of every sandbox.</summary>
        public string[] Constraint { get; }
        /// <summary>Swarm node → engine endpoint map used to attach to sandboxes.</summary>
        public System.Collections.Hashtable NodeEndpoint { get; }
        /// <summary>Registry the sandbox image is pushed to for a Swarm, or null.</summary>
        public string? Registry { get; }
    }
}
