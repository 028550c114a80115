using System;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>
    /// An <see cref="IProgress{T}"/> that calls its handler on the reporting thread, at once. <see cref="Progress{T}"/>
    /// posts to a synchronization context instead, which a console, a cmdlet's pipeline thread or a stats call that
    /// reads the last value right after cannot wait for.
    /// </summary>
    /// <typeparam name="T">The progress value.</typeparam>
    public sealed class SynchronousProgress<T> : IProgress<T>
    {
        private readonly Action<T> _handler;

        /// <summary>Reports go to <paramref name="handler"/>.</summary>
        /// <param name="handler">Called with each value, on the reporting thread.</param>
        public SynchronousProgress(Action<T> handler) => _handler = handler ?? throw new ArgumentNullException(nameof(handler));

        /// <inheritdoc />
        public void Report(T value) => _handler(value);
    }
}
