using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>
    /// Runs Core work off the pipeline thread and executes what it posts (results, progress, log entries) on the
    /// pipeline thread, in order, as it arrives: Write* may only be called there.
    /// </summary>
    internal sealed class PipelinePump : ILogSink, IDisposable
    {
        private readonly BlockingCollection<Action> _queue = new BlockingCollection<Action>();
        private readonly Action<string> _debug;
        private readonly Action<string> _verbose;
        private readonly Action<string> _warning;

        public PipelinePump(Action<string> debug, Action<string> verbose, Action<string> warning)
        {
            _debug = debug;
            _verbose = verbose;
            _warning = warning;
        }

        /// <summary>Queues an action for the pipeline thread; dropped once the pump has finished.</summary>
        public void Post(Action action)
        {
            try
            {
                _queue.Add(action);
            }
            catch (InvalidOperationException)
            {
                // Completed: a late log line after the work ended has nowhere to go.
            }
        }

        public void Log(LogLevel level, string message)
        {
            switch (level)
            {
                case LogLevel.Trace:
                case LogLevel.Debug:
                    Post(() => _debug(message));
                    break;
                case LogLevel.Information:
                    Post(() => _verbose(message));
                    break;
                default:
                    Post(() => _warning(message));
                    break;
            }
        }

        /// <summary>
        /// Starts <paramref name="start"/> with this pump as the log sink, executes posted actions until the task
        /// completes, and returns its result. If an action throws (a stopped pipeline), <paramref name="onAbandon"/>
        /// runs (cancel) and the task is awaited briefly so its cleanup finishes before the cmdlet returns.
        /// </summary>
        public T Run<T>(Func<Task<T>> start, Action onAbandon)
        {
            var previous = CmdletLoggerFactory.Current;
            Task<T> task;
            CmdletLoggerFactory.Current = this;
            try
            {
                task = Task.Run(start);
            }
            finally
            {
                CmdletLoggerFactory.Current = previous;
            }
            task.ContinueWith(_ => _queue.CompleteAdding(), TaskScheduler.Default);
            var finished = false;
            try
            {
                foreach (var action in _queue.GetConsumingEnumerable())
                    action();
                finished = true;
            }
            finally
            {
                if (!finished && !task.IsCompleted)
                {
                    onAbandon();
                    try { task.Wait(TimeSpan.FromSeconds(30)); }
                    catch (AggregateException) { }
                }
            }
            return task.GetAwaiter().GetResult();
        }

        /// <summary>Runs synchronous Core work on the pipeline thread with this pump as sink, then writes what it logged.</summary>
        public T Invoke<T>(Func<T> work)
        {
            var previous = CmdletLoggerFactory.Current;
            CmdletLoggerFactory.Current = this;
            try
            {
                return work();
            }
            finally
            {
                CmdletLoggerFactory.Current = previous;
                Drain();
            }
        }

        /// <summary>Executes everything queued so far.</summary>
        public void Drain()
        {
            while (_queue.TryTake(out var action))
                action();
        }

        public void Dispose() => _queue.Dispose();
    }
}
