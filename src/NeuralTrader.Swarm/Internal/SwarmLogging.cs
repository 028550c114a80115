using System;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Internal
{
    /// <summary>Where the log entries of the current cmdlet invocation go; set per invocation, flows into Core's tasks.</summary>
    internal interface ILogSink
    {
        void Log(LogLevel level, string message);
    }

    /// <summary>
    /// The ILoggerFactory handed to Core. Entries are routed to the sink of the cmdlet invocation whose work logged
    /// them (an AsyncLocal flows from the pipeline thread into Core's worker tasks), which queues them for the
    /// pipeline thread: Write* may only run there.
    /// </summary>
    internal sealed class CmdletLoggerFactory : ILoggerFactory
    {
        private static readonly AsyncLocal<ILogSink?> s_current = new AsyncLocal<ILogSink?>();

        public static CmdletLoggerFactory Instance { get; } = new CmdletLoggerFactory();

        /// <summary>The sink of the invocation running on this logical call context.</summary>
        public static ILogSink? Current
        {
            get => s_current.Value;
            set => s_current.Value = value;
        }

        public ILogger CreateLogger(string categoryName) => new CmdletLogger(categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class CmdletLogger : ILogger
        {
            private readonly string _category;

            public CmdletLogger(string category)
            {
                var dot = category.LastIndexOf('.');
                _category = dot >= 0 ? category.Substring(dot + 1) : category;
            }

            public IDisposable BeginScope<TState>(TState state) where TState : notnull => NullScope.Instance;

            public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && Current != null;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var sink = Current;
                if (sink == null || logLevel == LogLevel.None)
                    return;
                var message = formatter(state, exception);
                if (exception != null)
                    message += " (" + exception.Message + ")";
                sink.Log(logLevel, "[" + _category + "] " + message);
            }
        }

        private sealed class NullScope : IDisposable
        {
            public static readonly NullScope Instance = new NullScope();

            public void Dispose()
            {
            }
        }
    }
}
