using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Coordination;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>Where agents run.</summary>
    public enum IsolationMode
    {
        /// <summary>Docker when the engine answers, otherwise the process sandbox with a warning.</summary>
        Auto,
        /// <summary>Hardened Docker containers; fails when the engine is unreachable.</summary>
        Docker,
        /// <summary>
        /// Child processes, for machines without Docker: an allow-listed environment, the process group killed on
        /// timeout or stop, rlimits on memory and processes (Unix); no network, filesystem or CPU confinement
        /// (docs/isolation.md). Cannot run custom images.
        /// </summary>
        Process,
        /// <summary>Hardened Docker Swarm services placed by the Swarm scheduler across the cluster of <see cref="SwarmOptions.DockerEndpoint"/> (a manager).</summary>
        Swarm,
    }

    /// <summary>Settings of a <see cref="SwarmCoordinator"/>; the defaults follow the original design.</summary>
    public sealed class SwarmOptions
    {
        /// <summary>Most agents (sandboxes) running at once; further deployments queue.</summary>
        public int MaxAgents { get; set; } = 10;

        /// <summary>
        /// How much of each backtest the results carry: <see cref="ResultDetail.Auto"/> (default) returns trades and the
        /// equity curve for swarms of up to <see cref="ResultDetails.CompactAbove"/> deployments and metrics only for
        /// larger sweeps; <see cref="ResultDetail.Full"/> always returns them. A request's own
        /// <see cref="DeploymentRequest.Options"/> win over this.
        /// </summary>
        public ResultDetail ResultDetail { get; set; } = ResultDetail.Auto;

        /// <summary>Time limit of one execution inside a sandbox.</summary>
        public TimeSpan SandboxTimeout { get; set; } = TimeSpan.FromMilliseconds(300000);

        /// <summary>
        /// How long an agent keeps its sandbox (with its market data loaded) after a swarm ends, for the next swarm
        /// to reuse; idle sandboxes are stopped after this, by CleanupAsync and by Dispose. Default
        /// <see cref="DefaultSandboxIdleTimeout"/>; zero stops every sandbox when its swarm ends.
        /// </summary>
        public TimeSpan SandboxIdleTimeout { get; set; } = DefaultSandboxIdleTimeout;

        /// <summary>
        /// Five minutes: the next swarm of an interactive session or of a script's loop usually comes within that and
        /// then starts at warm speed (a cold second swarm of 10 agents ran 27 times slower), while a session that is
        /// done gives the memory back soon. An idle sandbox costs memory only (it waits on its input), and cannot
        /// outlive its owner: a runner exits when its owner's stream ends, and a container then removes itself.
        /// </summary>
        public static readonly TimeSpan DefaultSandboxIdleTimeout = TimeSpan.FromMinutes(5);

        /// <summary>Memory limit per sandbox in MB, between <see cref="MinMemoryLimitMb"/> and <see cref="MaxMemoryLimitMb"/>.</summary>
        public int MemoryLimitMb { get; set; } = 512;

        /// <summary>Smallest memory limit: a runner needs about this much to start.</summary>
        public const int MinMemoryLimitMb = 16;

        /// <summary>Largest memory limit (1 TiB): anything above is a typo, not a limit.</summary>
        public const int MaxMemoryLimitMb = 1048576;

        /// <summary>Smallest CPU limit in cores, the smallest Docker accepts.</summary>
        public const double MinCpuLimit = 0.01;

        /// <summary>Largest CPU limit in cores.</summary>
        public const double MaxCpuLimit = 1024;

        /// <summary>CPU limit per sandbox in cores, between <see cref="MinCpuLimit"/> and <see cref="MaxCpuLimit"/>.</summary>
        public double CpuLimit { get; set; } = 1.0;

        /// <summary>Where agents run.</summary>
        public IsolationMode Isolation { get; set; } = IsolationMode.Auto;

        /// <summary>Record every deployment as a trajectory and learn from it.</summary>
        public bool LearningEnabled { get; set; } = true;

        /// <summary>Deploy with the learned suggestion when none are given and its confidence is high enough.</summary>
        public bool AutoOptimize { get; set; }

        /// <summary>Trajectory store file; null for the per-user default; or a <c>postgresql://</c> URI (without a password).</summary>
        public string? StorePath { get; set; }

        /// <summary>User name and password for a PostgreSQL store; null to use the URI's user and PGPASSWORD or a pgpass file. Never shown or logged.</summary>
        public System.Net.NetworkCredential? StoreCredential { get; set; }

        /// <summary>Key that encrypts trajectory payloads (symmetric, HQC key pair, or HQC public key for write-only use).</summary>
        public NeuralTrader.Swarm.Core.Security.StoreKey? EncryptionKey { get; set; }

        /// <summary>Smallest suggestion confidence autoOptimize acts on.</summary>
        public double AutoOptimizeMinConfidence { get; set; } = 0.3;

        /// <summary>Seed of the optimiser's random choices: the same seed and the same records give the same suggestions.</summary>
        public int Seed { get; set; } = 1;

        /// <summary>CSV file or folder of SYMBOL.csv files; searched before the bundled data.</summary>
        public string? DataPath { get; set; }

        /// <summary>Runner to start in process sandboxes; null to find the one shipped beside Core.</summary>
        public string? RunnerPath { get; set; }

        /// <summary>Logger factory for Core's logs; null for none.</summary>
        public ILoggerFactory? LoggerFactory { get; set; }

        /// <summary>Retries of transient sandbox failures and the per-strategy circuit breaker (both off by default).</summary>
        public NeuralTrader.Swarm.Core.Resilience.ResilienceOptions Resilience { get; set; } = new NeuralTrader.Swarm.Core.Resilience.ResilienceOptions();

        /// <summary>Copies these options.</summary>
        public SwarmOptions Clone()
        {
            var copy = (SwarmOptions)MemberwiseClone();
            copy.Resilience = Resilience.Clone();
            copy.Constraints = new List<string>(Constraints);
            copy.NodeEndpoints = new Dictionary<string, string>(NodeEndpoints, StringComparer.OrdinalIgnoreCase);
            return copy;
        }

        /// <summary>An image needs containers: with process isolation it is refused (the built-in runner runs as a child process).</summary>
        internal static void CheckImage(IsolationMode isolation, string image)
        {
            if (isolation == IsolationMode.Process)
            {
                throw new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                    $"SandboxImage '{image}' needs Docker, but Isolation is Process, which runs the built-in runner as a child process and cannot run images. Use Isolation Docker or drop the image.", nameof(SandboxImage));
            }
        }

        /// <summary>Throws a <see cref="SwarmException"/> naming the first invalid setting.</summary>
        public void Validate()
        {
            if (MaxAgents < 1 || MaxAgents > 1000)
                throw Invalid(nameof(MaxAgents), MaxAgents, "between 1 and 1000");
            if (SandboxTimeout <= TimeSpan.Zero)
                throw Invalid(nameof(SandboxTimeout), SandboxTimeout, "positive");
            if (SandboxIdleTimeout < TimeSpan.Zero)
                throw Invalid(nameof(SandboxIdleTimeout), SandboxIdleTimeout, "zero or positive");
            ValidateLimits(MemoryLimitMb, CpuLimit);
            if (SandboxImage != null)
                CheckImage(Isolation, SandboxImage);
            Resilience.Validate();
            if (!(AutoOptimizeMinConfidence >= 0 && AutoOptimizeMinConfidence <= 1))
                throw Invalid(nameof(AutoOptimizeMinConfidence), AutoOptimizeMinConfidence, "between 0 and 1");
        }

        /// <summary>
        /// The one check of a sandbox's memory and CPU limits, used by <see cref="Validate"/> (so by every front end)
        /// and by both sandbox providers; throws InvalidConfiguration naming the value.
        /// </summary>
        public static void ValidateLimits(int memoryLimitMb, double cpuLimit)
        {
            if (memoryLimitMb < MinMemoryLimitMb || memoryLimitMb > MaxMemoryLimitMb)
                throw Invalid(nameof(MemoryLimitMb), memoryLimitMb, $"between {MinMemoryLimitMb} and {MaxMemoryLimitMb} MB");
            // Written as !(in range) so NaN, which fails every comparison, is rejected too; so is Infinity.
            if (!(cpuLimit >= MinCpuLimit && cpuLimit <= MaxCpuLimit))
            {
                throw Invalid(nameof(CpuLimit), cpuLimit.ToString("R", CultureInfo.InvariantCulture),
                    $"between {MinCpuLimit.ToString(CultureInfo.InvariantCulture)} and {MaxCpuLimit.ToString(CultureInfo.InvariantCulture)} cores (Docker counts in billionths of a core, and a smaller value rounds to 0, which means no limit at all)");
            }
        }

        private static SwarmException Invalid(string name, object value, string expected) =>
            new SwarmException(SwarmErrorIds.InvalidConfiguration, SwarmErrorKind.InvalidArgument,
                $"{name} {value} is invalid: it must be {expected}.", name);

        // Docker sandbox settings (issue [3/6]).

        /// <summary>Docker engine endpoint (unix://, npipe://, tcp://); null for DOCKER_HOST or the platform default.</summary>
        public string? DockerEndpoint { get; set; }

        /// <summary>Image for Docker sandboxes of strategies that name none; null for the built-in runner image.</summary>
        public string? SandboxImage { get; set; }

        /// <summary>Pre-started idle Docker sandboxes kept ready so a deployment skips the container start (0 = off).</summary>
        public int WarmPoolSize { get; set; }
    
        // Swarm isolation settings (issue [4/7]).

        /// <summary>Placement constraints of every Swarm sandbox, e.g. <c>node.labels.tier==batch</c> (Swarm isolation).</summary>
        public IList<string> Constraints { get; set; } = new List<string>();

        /// <summary>Engine endpoint of each Swarm node, keyed by node address, id or host name, for attaching to its tasks (Swarm isolation).</summary>
        public IDictionary<string, string> NodeEndpoints { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Registry (<c>host:port</c>) the sandbox image is pushed to and pinned from by digest; null to require it on every node (Swarm isolation).</summary>
        public string? Registry { get; set; }
    }
}
