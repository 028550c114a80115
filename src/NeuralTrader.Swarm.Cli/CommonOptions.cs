using System;
using System.CommandLine;
using NeuralTrader.Swarm.Core;
using NeuralTrader.Swarm.Core.Resilience;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>Options every command shares: where the store and the data are, how agents run, and --json.</summary>
    internal sealed class CommonOptions
    {
        public Option<string?> Store { get; } = new Option<string?>("--store")
        { Description = "Trajectory store file (default: the per-user store, e.g. ~/.local/share/NeuralTrader.Swarm/swarm.db)." };

        public Option<string?> Data { get; } = new Option<string?>("--data")
        { Description = "CSV file or folder of SYMBOL.csv files; searched before the bundled data." };

        public Option<IsolationMode> Isolation { get; } = new Option<IsolationMode>("--isolation")
        { Description = "Where agents run: Auto, Docker, Process or Swarm (services on the Docker Swarm of --docker-endpoint).", DefaultValueFactory = _ => IsolationMode.Auto };

        public Option<string?> DockerEndpoint { get; } = new Option<string?>("--docker-endpoint")
        { Description = "Docker engine (or, with --isolation swarm, Swarm manager) endpoint; DOCKER_HOST or the platform default when not given." };

        public Option<string[]> Constraint { get; } = new Option<string[]>("--constraint")
        { Description = "Swarm placement constraint of every sandbox, e.g. node.labels.tier==batch; repeat for several." };

        public Option<string[]> NodeEndpoint { get; } = new Option<string[]>("--node-endpoint")
        { Description = "Engine endpoint of a Swarm node as <node address, id or host name>=<endpoint>, e.g. 10.0.0.12=tcp://10.0.0.12:2376; repeat per node." };

        public Option<string?> Registry { get; } = new Option<string?>("--registry")
        { Description = "Registry (host:port) the sandbox image is pushed to and pinned from by digest for a Swarm; without it the image must be on every node." };

        public Option<bool> Json { get; } = new Option<bool>("--json")
        { Description = "Write machine-readable JSON to standard output." };

        public void AddTo(Command command)
        {
            command.Options.Add(Store);
            command.Options.Add(Data);
            command.Options.Add(Isolation);
            command.Options.Add(DockerEndpoint);
            command.Options.Add(Constraint);
            command.Options.Add(NodeEndpoint);
            command.Options.Add(Registry);
            command.Options.Add(Json);
        }

        /// <summary>Options for a coordinator that only reads the store (learning on, no key yet).</summary>
        public SwarmOptions ToSwarmOptions(ParseResult parse)
        {
            var options = new SwarmOptions
            {
                StorePath = parse.GetValue(Store),
                DataPath = parse.GetValue(Data),
                Isolation = parse.GetValue(Isolation),
                DockerEndpoint = parse.GetValue(DockerEndpoint),
                Registry = parse.GetValue(Registry),
                LoggerFactory = WarningLog.Instance,
            };
            foreach (var constraint in parse.GetValue(Constraint) ?? Array.Empty<string>())
                options.Constraints.Add(constraint);
            foreach (var pair in parse.GetValue(NodeEndpoint) ?? Array.Empty<string>())
            {
                var equals = pair.IndexOf('=');
                if (equals <= 0 || equals == pair.Length - 1)
                    throw new ArgumentException($"--node-endpoint '{pair}' is invalid: it must be <node address, id or host name>=<endpoint>, e.g. 10.0.0.12=tcp://10.0.0.12:2376.");
                options.NodeEndpoints[pair.Substring(0, equals)] = pair.Substring(equals + 1);
            }
            return options;
        }
    }

    /// <summary>Options of the commands that run swarms (deploy, benchmark): limits, learning, encryption, resilience.</summary>
    internal sealed class RunOptions
    {
        public CommonOptions Common { get; } = new CommonOptions();

        public Option<int> MaxAgents { get; } = new Option<int>("--max-agents")
        { Description = "Most agents running at once; the rest queue.", DefaultValueFactory = _ => 10 };

        public Option<int> TimeoutMs { get; } = new Option<int>("--timeout")
        { Description = "Sandbox timeout per execution, in milliseconds.", DefaultValueFactory = _ => 300000 };

        public Option<int> MemoryLimitMb { get; } = new Option<int>("--memory-limit")
        { Description = "Memory limit per sandbox in MB.", DefaultValueFactory = _ => 512 };

        public Option<double> CpuLimit { get; } = new Option<double>("--cpu-limit")
        { Description = "CPU limit per sandbox in cores.", DefaultValueFactory = _ => 1.0 };

        public Option<bool> AutoOptimize { get; } = new Option<bool>("--auto-optimize")
        { Description = "Deploy with the learned suggestion when no --params are given and its confidence is high enough." };

        public Option<bool> Learning { get; } = new Option<bool>("--learning")
        { Description = "Record every deployment in the trajectory store and learn from it (on by default; --learning false turns it off).", DefaultValueFactory = _ => true };

        public Option<bool> EncryptionKey { get; } = new Option<bool>(KeySource.OptionName)
        {
            Description = "Encrypt trajectories. The key comes from " + KeySource.EnvironmentVariable + " (base64, 32 bytes), " + KeySource.KeyFileVariable +
                " (HQC key file) or " + KeySource.PublicKeyVariable + ", or a prompt; it is never accepted on the command line.",
            Arity = ArgumentArity.Zero,
        };

        public Option<int> Seed { get; } = new Option<int>("--seed")
        { Description = "Seed of the optimiser's random choices; the same seed and records give the same suggestions (default 1).", DefaultValueFactory = _ => 1 };

        public Option<int> RetryCount { get; } = new Option<int>("--retry-count")
        { Description = "Retries of transient sandbox failures (0-10; default 0).", DefaultValueFactory = _ => 0 };

        public Option<int> RetryDelayMs { get; } = new Option<int>("--retry-delay")
        { Description = "Base delay before the first retry in milliseconds; doubles per retry, with jitter (default 500).", DefaultValueFactory = _ => 500 };

        public Option<int> CircuitBreaker { get; } = new Option<int>("--circuit-breaker")
        { Description = "Consecutive failures of a strategy within a minute that stop deploying it for 30 s (0 = off, else at least 2).", DefaultValueFactory = _ => 0 };

        public void AddTo(Command command)
        {
            Common.AddTo(command);
            command.Options.Add(MaxAgents);
            command.Options.Add(TimeoutMs);
            command.Options.Add(MemoryLimitMb);
            command.Options.Add(CpuLimit);
            command.Options.Add(Learning);
            command.Options.Add(AutoOptimize);
            command.Options.Add(EncryptionKey);
            command.Options.Add(Seed);
            command.Options.Add(RetryCount);
            command.Options.Add(RetryDelayMs);
            command.Options.Add(CircuitBreaker);
        }

        /// <summary>
        /// Builds the swarm options, resolving the key: asked for with --encryption-key, or needed because the
        /// store is already encrypted (otherwise its new trajectories could not be appended).
        /// </summary>
        public SwarmOptions ToSwarmOptions(ParseResult parse)
        {
            var options = Common.ToSwarmOptions(parse);
            options.MaxAgents = parse.GetValue(MaxAgents);
            options.SandboxTimeout = TimeSpan.FromMilliseconds(parse.GetValue(TimeoutMs));
            options.MemoryLimitMb = parse.GetValue(MemoryLimitMb);
            options.CpuLimit = parse.GetValue(CpuLimit);
            options.LearningEnabled = parse.GetValue(Learning);
            options.AutoOptimize = parse.GetValue(AutoOptimize);
            options.Seed = parse.GetValue(Seed);
            if (options.AutoOptimize && !options.LearningEnabled)
                throw new ArgumentException("--auto-optimize deploys with learned parameters; it needs learning on (drop --learning false).");
            bool encrypt = parse.GetValue(EncryptionKey);
            if (encrypt && !options.LearningEnabled)
                throw new ArgumentException(KeySource.OptionName + " encrypts the trajectory store; it needs learning on (drop --learning false).");
            if (options.LearningEnabled && (encrypt || StoreProbe.IsEncrypted(options.StorePath)))
                options.EncryptionKey = KeySource.Resolve(required: true, "the trajectory store");
            options.Resilience = new ResilienceOptions
            {
                RetryCount = parse.GetValue(RetryCount),
                RetryDelay = TimeSpan.FromMilliseconds(parse.GetValue(RetryDelayMs)),
                CircuitBreakerThreshold = parse.GetValue(CircuitBreaker),
            };
            options.Resilience.OnRetry = e => Console.Error.WriteLine($"retry: {e.Strategy} attempt {e.NextAttempt} in {e.Delay.TotalMilliseconds:0} ms after {e.ErrorId}");
            options.Resilience.OnCircuitChanged = e => Console.Error.WriteLine($"circuit: {e.Strategy} {e.State}");
            return options;
        }
    }
}
