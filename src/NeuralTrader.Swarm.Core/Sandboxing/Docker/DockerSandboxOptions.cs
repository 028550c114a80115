using System;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>Settings of a <see cref="DockerSandboxProvider"/>; the defaults are the hardened ones.</summary>
    internal sealed class DockerSandboxOptions
    {
        /// <summary>Engine endpoint (unix://, npipe://, tcp://); null for DOCKER_HOST or the platform default.</summary>
        public string? Endpoint { get; set; }

        /// <summary>Image for sandboxes whose spec names none; null for the built-in runner image (built on first use).</summary>
        public string? DefaultImage { get; set; }

        /// <summary>Folder of the linux runner used to build the built-in image; null to search beside Core.</summary>
        public string? RunnerDirectory { get; set; }

        /// <summary>Tag of the built-in image; null for <see cref="SandboxImageBuilder.VersionTag"/> plus the digest of the linux runner this module ships.</summary>
        public string? BuiltInImageTag { get; set; }

        /// <summary>Pre-started idle sandboxes of the built-in image kept ready (0 = off).</summary>
        public int WarmPoolSize { get; set; }

        /// <summary>Memory limit (MB) of warm-pool sandboxes; a spec with another limit does not use the pool.</summary>
        public int WarmPoolMemoryLimitMb { get; set; } = 512;

        /// <summary>CPU limit (cores) of warm-pool sandboxes; a spec with another limit does not use the pool.</summary>
        public double WarmPoolCpuLimit { get; set; } = 1.0;

        /// <summary>
        /// Most sandbox creations that call the engine (create, attach, start) at once; the others wait their turn.
        /// Readiness (the runner's start and first ping) is not limited. Measured on Docker 20.10 with 2 cores, a lower
        /// bound made bursts slower (100 at once: P95 9.1 s at 32 or unbounded, 13.4 s at 8), so the bound only keeps a
        /// very large burst from opening hundreds of engine connections at once; a warm pool is what makes a burst start
        /// fast (docs/performance.md).
        /// </summary>
        public int MaxConcurrentStarts { get; set; } = 32;

        /// <summary>Most processes/threads in one sandbox.</summary>
        public long PidsLimit { get; set; } = 64;

        /// <summary>Size of the writable tmpfs at /tmp, in MB.</summary>
        public int TmpfsSizeMb { get; set; } = 16;

        /// <summary>User (uid:gid) the sandbox runs as; never root.</summary>
        public string User { get; set; } = SandboxImageBuilder.SandboxUser;

        /// <summary>Sweep orphaned containers of dead owner processes when the provider starts.</summary>
        public bool ReapOrphansOnStart { get; set; } = true;

        /// <summary>How long the engine may take to answer the first ping.</summary>
        public TimeSpan EngineProbeTimeout { get; set; } = TimeSpan.FromSeconds(5);
    }
}
