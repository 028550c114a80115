using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Runner.Hosting;

namespace NeuralTrader.Swarm.Tests.Runner
{
    /// <summary>The line splitter in-process, with a small line limit.</summary>
    public class RunnerHostTests
    {
        private static (RunnerResponse[] Responses, bool Shutdown) Serve(string input, int maxLineBytes = 256, int chunk = 7)
        {
            var output = new MemoryStream();
            bool shutdown = RunnerHost.Serve(new TrickleStream(Encoding.UTF8.GetBytes(input), chunk), output, new RunnerRequestHandler("t/1"), maxLineBytes);
            string text = Encoding.UTF8.GetString(output.ToArray());
            Assert.True(text.Length == 0 || text.EndsWith("\n", StringComparison.Ordinal));
            RunnerResponse[] responses = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonSerializer.Deserialize(l, ProtocolJsonContext.Default.RunnerResponse)!)
                .ToArray();
            return (responses, shutdown);
        }

        [Theory]
        [InlineData(1)]
        [InlineData(7)]
        [InlineData(4096)]
        public void OneResponsePerLineInOrderWhateverTheReadSize(int chunk)
        {
            (RunnerResponse[] r, bool shutdown) = Serve("{\"id\":\"1\",\"op\":\"ping\"}\r\n{broken\n\n{\"id\":\"3\",\"op\":\"ping\"}\n{\"id\":\"4\",\"op\":\"ping\"}", chunk: chunk);
            Assert.False(shutdown);
            Assert.Equal(5, r.Length);
            Assert.Equal("1", r[0].Id);
            Assert.Equal(RunnerErrorCodes.MalformedJson, r[1].Error!.Code);
            Assert.Equal(RunnerErrorCodes.InvalidRequest, r[2].Error!.Code);   // the empty line
            Assert.Equal("3", r[3].Id);
            Assert.True(r[3].Ok);
            Assert.Equal("4", r[4].Id);
        }

        [Fact]
        public void LastLineWithoutNewlineIsServed()
        {
            (RunnerResponse[] r, _) = Serve("{\"id\":\"1\",\"op\":\"ping\"}\n{\"id\":\"2\",\"op\":\"ping\"}");
            Assert.Equal(new[] { "1", "2" }, r.Select(x => x.Id));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(100)]
        [InlineData(100000)]
        public void OversizedLinesAreAnsweredDiscardedAndServingContinues(int chunk)
        {
            string big = "{\"id\":\"big\",\"op\":\"ping\",\"pad\":\"" + new string('x', 5000) + "\"}";
            (RunnerResponse[] r, _) = Serve("{\"id\":\"1\",\"op\":\"ping\"}\n" + big + "\n{\"id\":\"2\",\"op\":\"ping\"}\n" + big + "\n" + big, chunk: chunk);
            Assert.Equal(5, r.Length);
            Assert.True(r[0].Ok);
            Assert.Equal(RunnerErrorCodes.OversizedInput, r[1].Error!.Code);
            Assert.Equal("big", r[1].Id);                           // read from the start of the line
            Assert.Contains("256 bytes", r[1].Error!.Message);
            Assert.True(r[2].Ok);
            Assert.Equal("2", r[2].Id);
            Assert.Equal(RunnerErrorCodes.OversizedInput, r[3].Error!.Code);
            Assert.Equal(RunnerErrorCodes.OversizedInput, r[4].Error!.Code);
        }

        [Fact]
        public void ALineAtTheLimitIsAccepted()
        {
            string prefix = "{\"id\":\"edge\",\"op\":\"ping\",\"pad\":\"";
            string line = prefix + new string('y', 256 - prefix.Length - 2) + "\"}";
            Assert.Equal(256, line.Length);
            (RunnerResponse[] r, _) = Serve(line + "\n" + line + "x\n");
            Assert.True(r[0].Ok);
            Assert.Equal(RunnerErrorCodes.OversizedInput, r[1].Error!.Code);
        }

        [Fact]
        public void ShutdownStopsReading()
        {
            (RunnerResponse[] r, bool shutdown) = Serve("{\"id\":\"1\",\"op\":\"shutdown\"}\n{\"id\":\"2\",\"op\":\"ping\"}\n");
            Assert.True(shutdown);
            Assert.Single(r);
        }

        /// <summary>Returns at most <c>chunk</c> bytes per read, like a pipe under load.</summary>
        private sealed class TrickleStream : MemoryStream
        {
            private readonly int _chunk;

            public TrickleStream(byte[] data, int chunk)
                : base(data)
            {
                _chunk = chunk;
            }

            public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _chunk));

            public override int Read(Span<byte> buffer) => base.Read(buffer.Slice(0, Math.Min(buffer.Length, _chunk)));
        }
    }
}
