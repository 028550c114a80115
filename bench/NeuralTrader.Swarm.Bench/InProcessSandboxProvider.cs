using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Sandboxing;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Runner.Hosting;

namespace NeuralTrader.Swarm.Bench
{
    /// <summary>
    /// No sandbox at all: each "sandbox" is a <see cref="RunnerRequestHandler"/> called directly in the coordinator's
    /// process (no process, no container, no JSON). Bench only: the same sweep through it shows what isolation costs.
    /// </summary>
    internal sealed class InProcessSandboxProvider : ISandboxProvider
    {
        private int _next;

        public string Kind => "in-process";

        public Task<ISandbox> CreateAsync(SandboxSpec spec, CancellationToken cancellationToken) =>
            Task.FromResult<ISandbox>(new Sandbox("inproc-" + Interlocked.Increment(ref _next), spec));

        public IReadOnlyList<SandboxInfo> ListSandboxes() => Array.Empty<SandboxInfo>();

        public Task<int> CleanupAsync() => Task.FromResult(0);

        public void Dispose()
        {
        }

        private sealed class Sandbox : ISandbox
        {
            private readonly RunnerRequestHandler _handler = new RunnerRequestHandler("in-process");

            public Sandbox(string id, SandboxSpec spec)
            {
                Id = id;
                Info = new SandboxInfo { Id = id, Kind = "in-process", AgentId = spec.AgentId, Strategy = spec.Strategy, CreatedAt = DateTimeOffset.UtcNow };
            }

            public string Id { get; }

            public SandboxInfo Info { get; }

            public bool IsAlive { get; private set; } = true;

            public Task<RunnerResponse> SendAsync(RunnerRequest request, TimeSpan timeout, CancellationToken cancellationToken) =>
                Task.FromResult(_handler.Handle(request, out _));

            public Task StopAsync()
            {
                IsAlive = false;
                return Task.CompletedTask;
            }

            public void Dispose() => IsAlive = false;
        }
    }
}
