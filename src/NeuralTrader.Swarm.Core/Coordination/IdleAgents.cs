using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// Agents kept between swarms with their sandbox up and their data loaded (<see cref="SwarmOptions.SandboxIdleTimeout"/>),
    /// so the next swarm skips the container starts. An agent idle longer than the timeout is stopped.
    /// </summary>
    internal sealed class IdleAgents : IDisposable
    {
        private readonly TimeSpan _timeout;
        private readonly object _lock = new object();
        private readonly List<(Agent Agent, long Since)> _agents = new List<(Agent, long)>();
        private Timer? _timer;
        private bool _closed;

        public IdleAgents(TimeSpan timeout)
        {
            _timeout = timeout;
        }

        /// <summary>The most recently used idle agent, or null.</summary>
        public Agent? Take()
        {
            lock (_lock)
            {
                if (_agents.Count == 0)
                    return null;
                var agent = _agents[_agents.Count - 1].Agent;
                _agents.RemoveAt(_agents.Count - 1);
                return agent;
            }
        }

        /// <summary>Keeps the agent for the next swarm; false when it should be stopped now (off, closed or no live sandbox).</summary>
        public bool TryKeep(Agent agent)
        {
            if (_timeout <= TimeSpan.Zero || !agent.HasLiveSandbox)
                return false;
            lock (_lock)
            {
                if (_closed)
                    return false;
                _agents.Add((agent, Stopwatch.GetTimestamp()));
                if (_timer == null)
                {
                    var period = TimeSpan.FromMilliseconds(Math.Min(Math.Max(_timeout.TotalMilliseconds / 4, 50), 5000));
                    _timer = new Timer(_ => Expire(), null, period, period);
                }
            }
            return true;
        }

        /// <summary>Stops every idle agent's sandbox.</summary>
        public Task StopAllAsync()
        {
            List<Agent> stopping;
            lock (_lock)
            {
                stopping = _agents.Select(a => a.Agent).ToList();
                _agents.Clear();
            }
            return Task.WhenAll(stopping.Select(a => a.StopAsync()));
        }

        private void Expire()
        {
            long oldest = Stopwatch.GetTimestamp() - (long)(_timeout.TotalSeconds * Stopwatch.Frequency);
            List<Agent> expired;
            lock (_lock)
            {
                expired = _agents.Where(a => a.Since <= oldest).Select(a => a.Agent).ToList();
                _agents.RemoveAll(a => a.Since <= oldest);
            }
            foreach (var agent in expired)
                _ = agent.StopAsync(); // Stopping never throws; removal continues in the provider's background.
        }

        /// <summary>No agent is kept from now on; the idle ones are stopped.</summary>
        public void Dispose()
        {
            lock (_lock)
            {
                _closed = true;
                _timer?.Dispose();
            }
            StopAllAsync().GetAwaiter().GetResult();
        }
    }
}
