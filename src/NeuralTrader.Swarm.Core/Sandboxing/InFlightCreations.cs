using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// Sandbox creations in progress, so a provider's cleanup can wait for them (they fail fast once cancelled) and
    /// then stop what they made instead of leaving it behind.
    /// </summary>
    internal sealed class InFlightCreations
    {
        private readonly ConcurrentDictionary<Task, byte> _running = new ConcurrentDictionary<Task, byte>();

        /// <summary>Runs <paramref name="create"/>, tracked until it ends either way.</summary>
        internal async Task<T> Track<T>(Func<Task<T>> create)
        {
            var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _running.TryAdd(done.Task, 0);
            try
            {
                return await create().ConfigureAwait(false);
            }
            finally
            {
                _running.TryRemove(done.Task, out _);
                done.TrySetResult(true);
            }
        }

        /// <summary>Waits until the creations running now have ended, at most <paramref name="limit"/>.</summary>
        internal Task WaitAsync(TimeSpan limit)
        {
            var running = _running.Keys.ToList();
            return running.Count == 0 ? Task.CompletedTask : Task.WhenAny(Task.WhenAll(running), Task.Delay(limit));
        }
    }
}
