using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.Extensions.Logging;
using NeuralTrader.Swarm.Core.Learning;
using NeuralTrader.Swarm.Core.Security;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Tests.Learning
{
    public sealed class RobustnessTests
    {
        [Fact]
        public void AFileThatIsNotAStoreIsACorruptStoreError()
        {
            using var dir = new TempDir();
            File.WriteAllText(dir.Db, new string('x', 8192));
            var ex = Assert.Throws<StoreException>(() => dir.Open());
            Assert.Equal(StoreErrorIds.CorruptStore, ex.ErrorId);
        }

        [Fact]
        public void LogsNeverCarryKeysOrDecryptedData()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            var factory = new CapturingLoggerFactory();
            var path = dir.File("export.json");
            using (var store = TrajectoryStore.Open(new StoreOptions { Path = dir.Db, Key = key, LoggerFactory = factory }))
            {
                store.AppendMany(Samples.Many(30));
                store.Verify();
                store.Model().GetSuggestion("momentum", "SPY", new ParameterSpace(new[] { new ParameterDimension("lookback", ParameterKind.Integer, 5, 100, 20) }));
                store.ExportState(path);
                store.Reset();
                store.ImportState(path);
            }

            Assert.Throws<WrongKeyException>(() => TrajectoryStore.Open(new StoreOptions { Path = dir.Db, Key = SymmetricKey.Generate(), LoggerFactory = factory }));
            Assert.NotEmpty(factory.Messages);
            Assert.Contains(factory.Messages, m => m.Contains("Opened trajectory store", StringComparison.Ordinal));
            Assert.All(factory.Messages, m =>
            {
                Assert.DoesNotContain(key.ExportBase64(), m);
                Assert.DoesNotContain("secret critique", m);
            });
        }

        [Fact]
        public void AKeylessInstanceExplainsWhyItCannotSuggest()
        {
            using var dir = new TempDir();
            var key = SymmetricKey.Generate();
            using (var store = dir.Open(key))
            {
                store.AppendMany(Samples.Many(12));
            }

            using var keyless = dir.Open();
            var s = keyless.Model().GetSuggestion("momentum", "SPY", new ParameterSpace(new[] { new ParameterDimension("lookback", ParameterKind.Integer, 5, 100, 20) }));
            Assert.Equal("defaults", s.Method);
            Assert.Contains("cannot be read", s.Reasoning);
        }

        private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
        {
            public ConcurrentQueue<string> Messages { get; } = new ConcurrentQueue<string>();

            public void AddProvider(ILoggerProvider provider)
            {
            }

            public ILogger CreateLogger(string categoryName) => this;

            public void Dispose()
            {
            }

            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = formatter(state, exception);
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    text += " " + string.Join(",", values.Select(v => v.Key + "=" + v.Value));
                }

                Messages.Enqueue(text);
            }
        }
    }
}
