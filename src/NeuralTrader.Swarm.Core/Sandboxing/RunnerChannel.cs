using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Core.Sandboxing
{
    /// <summary>
    /// Request/response over a runner's stdin and stdout, one JSON object per line. Buffers are reused, so
    /// a round trip allocates little beyond the response object. Not thread-safe: one request at a time.
    /// Cancellation is the caller's job: it kills the sandbox, which ends the stream and fails the read.
    /// </summary>
    internal sealed class RunnerChannel
    {
        private readonly Stream _toRunner;
        private readonly Stream _fromRunner;
        private readonly int _maxLineBytes;
        private readonly MemoryStream _request = new MemoryStream();
        private readonly Utf8JsonWriter _writer;
        private byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        /// <summary>Creates a channel over the runner's input and output streams.</summary>
        public RunnerChannel(Stream toRunner, Stream fromRunner, int maxLineBytes = RunnerProtocol.MaxLineBytes)
        {
            _toRunner = toRunner;
            _fromRunner = fromRunner;
            _maxLineBytes = maxLineBytes;
            _writer = new Utf8JsonWriter(_request);
        }

        /// <summary>
        /// <see cref="SendAsync"/> within <paramref name="timeout"/>: past it, or when cancelled, <paramref name="kill"/> stops
        /// the sandbox (which ends the pending read) and this throws <c>SandboxTimeout</c> (or the cancellation).
        /// The one timeout rule of every sandbox.
        /// </summary>
        internal async Task<RunnerResponse> SendWithinAsync(RunnerRequest request, TimeSpan timeout, Func<Task> kill, string sandbox, string? strategy, CancellationToken cancellationToken)
        {
            var send = SendAsync(request);
            using (var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var winner = await Task.WhenAny(send, Task.Delay(timeout, delayCancel.Token)).ConfigureAwait(false);
                if (winner != send)
                {
                    _ = send.ContinueWith(t => t.Exception, TaskScheduler.Default);
                    await kill().ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new SwarmException(SwarmErrorIds.SandboxTimeout, SwarmErrorKind.Timeout,
                        $"The execution ran longer than the sandbox timeout of {timeout.TotalMilliseconds:0} ms; {sandbox} was killed.", strategy);
                }

                delayCancel.Cancel();
            }

            return await send.ConfigureAwait(false);
        }

        /// <summary>Writes the request and reads lines until the response with the same id arrives.</summary>
        public async Task<RunnerResponse> SendAsync(RunnerRequest request, CancellationToken cancellationToken = default)
        {
            _request.SetLength(0);
            _writer.Reset(_request);
            JsonSerializer.Serialize(_writer, request, ProtocolJsonContext.Default.RunnerRequest);
            _writer.Flush();
            _request.WriteByte((byte)'\n');
            await _toRunner.WriteAsync(_request.GetBuffer(), 0, (int)_request.Length, cancellationToken).ConfigureAwait(false);
            await _toRunner.FlushAsync(cancellationToken).ConfigureAwait(false);

            while (true)
            {
                var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (line.Count == 0)
                    continue;
                RunnerResponse? response;
                try
                {
                    response = JsonSerializer.Deserialize(new ReadOnlySpan<byte>(line.Array, line.Offset, line.Count),
                        ProtocolJsonContext.Default.RunnerResponse);
                }
                catch (JsonException e)
                {
                    throw ProtocolViolation($"the runner wrote a line that is not a valid response ({e.Message}): {Preview(line)}");
                }
                if (response == null)
                    throw ProtocolViolation("the runner wrote 'null' instead of a response.");
                if (!string.Equals(response.Id, request.Id, StringComparison.Ordinal))
                    throw ProtocolViolation($"expected the response to request '{request.Id}' but got one for '{response.Id}'.");
                return response;
            }
        }

        /// <summary>Next line without its terminator; throws when the stream ends or the line is too long.</summary>
        private async Task<ArraySegment<byte>> ReadLineAsync(CancellationToken cancellationToken)
        {
            int scanFrom = _start;
            while (true)
            {
                int newline = Array.IndexOf(_buffer, (byte)'\n', scanFrom, _end - scanFrom);
                if (newline >= 0)
                {
                    var line = new ArraySegment<byte>(_buffer, _start, newline - _start);
                    _start = newline + 1;
                    return TrimCarriageReturn(line);
                }
                if (_end - _start > _maxLineBytes)
                    throw ProtocolViolation($"the runner wrote a line longer than {_maxLineBytes} bytes.");

                if (_start > 0)
                {
                    // Move the partial line to the front so the buffer only grows for long lines.
                    Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                    _end -= _start;
                    _start = 0;
                }
                if (_end == _buffer.Length)
                    Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, _maxLineBytes + 2));
                scanFrom = _end;
                int read = await _fromRunner.ReadAsync(_buffer, _end, _buffer.Length - _end, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new SwarmException(SwarmErrorIds.SandboxExited, SwarmErrorKind.Failed,
                        "The runner closed its output before answering.");
                }

                _end += read;
            }
        }

        private static ArraySegment<byte> TrimCarriageReturn(ArraySegment<byte> line) =>
            line.Count > 0 && line.Array![line.Offset + line.Count - 1] == (byte)'\r'
                ? new ArraySegment<byte>(line.Array, line.Offset, line.Count - 1)
                : line;

        private static string Preview(ArraySegment<byte> line)
        {
            var text = Encoding.UTF8.GetString(line.Array!, line.Offset, Math.Min(line.Count, 200));
            return line.Count > 200 ? text + "..." : text;
        }

        private static SwarmException ProtocolViolation(string detail) =>
            new SwarmException(SwarmErrorIds.ProtocolViolation, SwarmErrorKind.InvalidData, "Protocol violation: " + detail);
    }
}
