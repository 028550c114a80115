using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>
    /// Adapts Docker's multiplexed attach stream (Tty false) to the two plain streams <see cref="RunnerChannel"/>
    /// wants: writes go to the container's stdin; reads return only stdout frames. Stderr frames are kept as a
    /// short tail for error messages and handed to <c>onStderr</c>.
    /// </summary>
    internal sealed class AttachStreams : IDisposable
    {
        private const int StderrTailChars = 4096;
        private readonly MultiplexedStream _mux;
        private readonly Action<string>? _onStderr;
        private readonly StringBuilder _stderrTail = new StringBuilder();
        private int _disposed;

        public AttachStreams(MultiplexedStream mux, Action<string>? onStderr)
        {
            _mux = mux;
            _onStderr = onStderr;
            Input = new WriteStream(this);
            Output = new ReadStream(this);
        }

        /// <summary>The container's stdin.</summary>
        public Stream Input { get; }

        /// <summary>The container's stdout.</summary>
        public Stream Output { get; }

        /// <summary>What the container last wrote to stderr.</summary>
        public string StderrTail
        {
            get { lock (_stderrTail) return _stderrTail.ToString(); }
        }

        public bool IsDisposed => Volatile.Read(ref _disposed) == 1;

        private async Task<int> ReadStdoutAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await _mux.ReadOutputAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false);
                if (result.EOF)
                    return 0;
                if (result.Target == MultiplexedStream.TargetStream.StandardOut)
                {
                    if (result.Count > 0)
                        return result.Count;
                    continue;
                }
                if (result.Count > 0)
                    OnStderr(Encoding.UTF8.GetString(buffer, offset, result.Count));
            }
        }

        private void OnStderr(string text)
        {
            lock (_stderrTail)
            {
                _stderrTail.Append(text);
                if (_stderrTail.Length > StderrTailChars)
                    _stderrTail.Remove(0, _stderrTail.Length - StderrTailChars);
            }
            _onStderr?.Invoke(text.TrimEnd('\r', '\n'));
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            try
            {
                _mux.Dispose();
            }
            catch (Exception e) when (e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                // The connection is already gone.
            }
        }

        private abstract class OneWayStream : Stream
        {
            public override bool CanSeek => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }

        private sealed class WriteStream : OneWayStream
        {
            private readonly AttachStreams _owner;
            public WriteStream(AttachStreams owner) => _owner = owner;
            public override bool CanRead => false;
            public override bool CanWrite => true;
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) =>
                WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                if (_owner.IsDisposed)
                    throw new ObjectDisposedException(nameof(AttachStreams));
                return _owner._mux.WriteAsync(buffer, offset, count, cancellationToken);
            }
        }

        private sealed class ReadStream : OneWayStream
        {
            private readonly AttachStreams _owner;
            public ReadStream(AttachStreams owner) => _owner = owner;
            public override bool CanRead => true;
            public override bool CanWrite => false;
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override int Read(byte[] buffer, int offset, int count) =>
                ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                if (_owner.IsDisposed)
                    return Task.FromResult(0);
                return _owner.ReadStdoutAsync(buffer, offset, count, cancellationToken);
            }
        }
    }
}
