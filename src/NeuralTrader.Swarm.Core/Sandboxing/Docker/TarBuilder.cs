using System;
using System.IO;
using System.Text;

namespace NeuralTrader.Swarm.Core.Sandboxing.Docker
{
    /// <summary>A minimal in-memory ustar writer for image build contexts (regular files only).</summary>
    internal sealed class TarBuilder
    {
        private readonly MemoryStream _stream = new MemoryStream();

        /// <summary>Adds a file; <paramref name="name"/> uses forward slashes and is at most 100 bytes.</summary>
        public void AddFile(string name, byte[] content, int mode = 0x1A4 /* 0644 */)
        {
            var nameBytes = Encoding.ASCII.GetBytes(name);
            if (nameBytes.Length > 100)
                throw new ArgumentException("Tar entry names are limited to 100 bytes here: " + name, nameof(name));
            var header = new byte[512];
            Array.Copy(nameBytes, header, nameBytes.Length);
            WriteOctal(header, 100, 8, mode);
            WriteOctal(header, 108, 8, 0);
            WriteOctal(header, 116, 8, 0);
            WriteOctal(header, 124, 12, content.Length);
            WriteOctal(header, 136, 12, 1700000000); // fixed mtime: same context, same layer
            header[156] = (byte)'0';
            Encoding.ASCII.GetBytes("ustar\0").CopyTo(header, 257);
            header[263] = (byte)'0';
            header[264] = (byte)'0';
            for (int i = 148; i < 156; i++)
                header[i] = (byte)' ';
            long sum = 0;
            foreach (var b in header)
                sum += b;
            WriteOctal(header, 148, 7, sum);
            header[155] = (byte)' ';
            _stream.Write(header, 0, header.Length);
            _stream.Write(content, 0, content.Length);
            var pad = (512 - content.Length % 512) % 512;
            _stream.Write(new byte[pad], 0, pad);
        }

        /// <summary>Ends the archive and returns it positioned at the start.</summary>
        public MemoryStream Finish()
        {
            _stream.Write(new byte[1024], 0, 1024);
            _stream.Position = 0;
            return _stream;
        }

        private static void WriteOctal(byte[] header, int offset, int length, long value)
        {
            var text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
            Encoding.ASCII.GetBytes(text).CopyTo(header, offset);
            header[offset + length - 1] = 0;
        }
    }
}
