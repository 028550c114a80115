using System;
using System.IO;
using System.Text.Json;

namespace NeuralTrader.Swarm.Runner
{
    /// <summary>
    /// A tiny logger: one JSON line per entry, <c>{"log":{"level":"info","message":"..."}}</c>, on stderr
    /// (stdout carries only protocol responses). Levels below <see cref="MinimumLevel"/> are dropped.
    /// </summary>
    internal sealed class StderrLog
    {
        private static readonly string[] Levels = { "trace", "debug", "info", "warning", "error" };
        private readonly object _gate = new object();
        private readonly Stream _stream;
        private readonly MemoryStream _buffer = new MemoryStream(256);
        private readonly Utf8JsonWriter _writer;

        public StderrLog(Stream stream, string? minimumLevel)
        {
            _stream = stream;
            _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            MinimumLevel = Array.IndexOf(Levels, (minimumLevel ?? "info").Trim().ToLowerInvariant());
            if (MinimumLevel < 0)
            {
                MinimumLevel = 2;
            }
        }

        public int MinimumLevel { get; }

        public void Info(string message) => Log("info", message);

        public void Warning(string message) => Log("warning", message);

        public void Error(string message) => Log("error", message);

        public void Log(string level, string message)
        {
            int rank = Array.IndexOf(Levels, level);
            if (rank >= 0 && rank < MinimumLevel)
            {
                return;
            }

            lock (_gate)
            {
                try
                {
                    _buffer.SetLength(0);
                    _writer.Reset(_buffer);
                    _writer.WriteStartObject();
                    _writer.WriteStartObject("log");
                    _writer.WriteString("level", level);
                    _writer.WriteString("message", message);
                    _writer.WriteEndObject();
                    _writer.WriteEndObject();
                    _writer.Flush();
                    _buffer.WriteByte((byte)'\n');
                    _stream.Write(_buffer.GetBuffer(), 0, (int)_buffer.Length);
                    _stream.Flush();
                }
                catch (IOException)
                {
                    // A closed stderr must never stop the runner.
                }
            }
        }
    }
}
