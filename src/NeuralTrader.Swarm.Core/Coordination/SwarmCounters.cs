using System.Threading;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>A coordinator's counters: settled deployments by outcome, and agents running now and at the peak.</summary>
    internal sealed class SwarmCounters
    {
        private readonly object _lock = new object();
        private long _total;
        private long _succeeded;
        private long _cancelled;
        private double _totalDurationMs;
        private int _active;
        private int _peakActive;

        /// <summary>An agent starts running deployments.</summary>
        public void Enter()
        {
            int active = Interlocked.Increment(ref _active);
            int peak;
            while (active > (peak = Volatile.Read(ref _peakActive)) && Interlocked.CompareExchange(ref _peakActive, active, peak) != peak)
            {
            }
        }

        /// <summary>An agent is done with what it was running.</summary>
        public void Leave() => Interlocked.Decrement(ref _active);

        /// <summary>Counts a settled deployment.</summary>
        public void Record(DeploymentResult result)
        {
            lock (_lock)
            {
                _total++;
                if (result.Success)
                    _succeeded++;
                else if (result.Status == DeploymentStatus.Cancelled)
                    _cancelled++; // stopped by the user (Ctrl+C, -ErrorAction Stop, Stop-Swarm): not a failure
                _totalDurationMs += result.Duration.TotalMilliseconds;
            }
        }

        /// <summary>The counts as metrics; the coordinator adds what its provider and registry know.</summary>
        public SwarmMetrics Snapshot()
        {
            lock (_lock)
            {
                return new SwarmMetrics
                {
                    TotalExecutions = _total,
                    SuccessfulExecutions = _succeeded,
                    FailedExecutions = _total - _succeeded - _cancelled,
                    CancelledExecutions = _cancelled,
                    AverageDurationMs = _total == 0 ? 0 : _totalDurationMs / _total,
                    ActiveAgents = Volatile.Read(ref _active),
                    PeakActiveAgents = Volatile.Read(ref _peakActive),
                };
            }
        }
    }
}
