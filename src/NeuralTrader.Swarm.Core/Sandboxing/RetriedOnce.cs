using System;
using System.Threading.Tasks;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// Work every caller shares that runs once, and runs again on the next call only when it failed, was cancelled
    /// or was reset: an engine that was down at first use, an image build stopped by Ctrl+C, an image removed since.
    /// </summary>
    internal sealed class RetriedOnce<T>
    {
        private readonly object _lock = new object();
        private Task<T>? _task;

        /// <summary>Whether the work has been started at least once.</summary>
        public bool Started
        {
            get { lock (_lock) return _task != null; }
        }

        /// <summary>The shared task, starting <paramref name="work"/> when there is none or the last one did not succeed.</summary>
        public Task<T> Run(Func<Task<T>> work)
        {
            lock (_lock)
            {
                if (_task == null || _task.IsFaulted || _task.IsCanceled)
                    _task = work();
                return _task;
            }
        }

        /// <summary>Forgets the result, so the next <see cref="Run"/> does the work again.</summary>
        public void Reset()
        {
            lock (_lock) _task = null;
        }
    }
}
