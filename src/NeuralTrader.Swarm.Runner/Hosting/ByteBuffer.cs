using System;
using System.Buffers;

namespace NeuralTrader.Swarm.Runner.Hosting
{
    /// <summary>A growable byte buffer reused across responses (the BCL's ArrayBufferWriter is not in netstandard2.0).</summary>
    internal sealed class ByteBuffer : IBufferWriter<byte>
    {
        private byte[] _buffer;
        private int _count;

        public ByteBuffer(int capacity)
        {
            _buffer = new byte[capacity];
        }

        public int Count => _count;

        public byte[] Array => _buffer;

        public ReadOnlySpan<byte> WrittenSpan => new ReadOnlySpan<byte>(_buffer, 0, _count);

        public void Clear() => _count = 0;

        public void Advance(int count)
        {
            if (count < 0 || _count + count > _buffer.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(count));
            }

            _count += count;
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return new Memory<byte>(_buffer, _count, _buffer.Length - _count);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return new Span<byte>(_buffer, _count, _buffer.Length - _count);
        }

        public void Write(byte value)
        {
            Ensure(1);
            _buffer[_count++] = value;
        }

        private void Ensure(int sizeHint)
        {
            int need = Math.Max(sizeHint, 1);
            if (_buffer.Length - _count >= need)
            {
                return;
            }

            int size = Math.Max(_buffer.Length * 2, _count + need);
            var next = new byte[size];
            Buffer.BlockCopy(_buffer, 0, next, 0, _count);
            _buffer = next;
        }
    }
}
