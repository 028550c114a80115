using System;
using Microsoft.Extensions.Logging;

namespace NeuralTrader.Swarm.Cli
{
    /// <summary>
    /// Core's warnings (a fallback to weaker isolation, an opened circuit, a store recovered) on stderr, where a CLI
    /// user sees them without --json output being disturbed; Information and below stay silent.
    /// </summary>
    internal sealed class WarningLog : ILoggerFactory, ILogger
    {
        public static readonly WarningLog Instance = new WarningLog();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                Console.Error.WriteLine("warning: " + formatter(state, exception));
        }
    }
}
