using System;
using System.IO;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Runner.Hosting
{
    /// <summary>
    /// The runner's serve loop: splits raw input bytes into lines (bounded: a line longer than the limit
    /// is answered with <see cref="RunnerErrorCodes.OversizedInput"/> and the rest of it discarded), hands
    /// each line to a <see cref="RunnerRequestHandler"/> and writes each response line with one write and a flush.
    /// </summary>
    public static class RunnerHost
    {
        private const int ReadChunk = 64 * 1024;

        /// <summary>Serves requests until end of input or a shutdown request.</summary>
        /// <param name="input">Request bytes (stdin).</param>
        /// <param name="output">Response bytes (stdout).</param>
        /// <param name="handler">Request handler.</param>
        /// <param name="maxLineBytes">Longest accepted line, newline excluded.</param>
        /// <returns>True when a shutdown request ended the loop, false on end of input.</returns>
        public static bool Serve(Stream input, Stream output, RunnerRequestHandler handler, int maxLineBytes = RunnerProtocol.MaxLineBytes)
        {
            if (input is null)
            {
                throw new ArgumentNullException(nameof(input));
            }

            if (output is null)
            {
                throw new ArgumentNullException(nameof(output));
            }

            if (handler is null)
            {
                throw new ArgumentNullException(nameof(handler));
            }

            if (maxLineBytes < 16)
            {
                throw new ArgumentOutOfRangeException(nameof(maxLineBytes));
            }

            byte[] buffer = new byte[Math.Min(ReadChunk * 2, maxLineBytes + 1)];
            int start = 0;     // first byte of the current line
            int end = 0;       // end of valid data
            int scanned = 0;   // bytes of the current line already searched for '\n'
            bool discarding = false;
            while (true)
            {
                int newline = scanned < end ? Array.IndexOf(buffer, (byte)'\n', scanned, end - scanned) : -1;
                if (newline >= 0)
                {
                    if (discarding)
                    {
                        discarding = false;
                    }
                    else
                    {
                        int length = newline - start;
                        if (length > 0 && buffer[newline - 1] == (byte)'\r')
                        {
                            length--;
                        }

                        if (length > maxLineBytes)
                        {
                            Write(output, handler.Serialize(handler.Oversized(new ReadOnlySpan<byte>(buffer, start, Math.Min(length, 4096)), maxLineBytes)));
                        }
                        else if (Respond(output, handler, new ReadOnlySpan<byte>(buffer, start, length)))
                        {
                            return true;
                        }
                    }

                    start = newline + 1;
                    scanned = start;
                    continue;
                }

                scanned = end;
                if (!discarding && end - start > maxLineBytes)
                {
                    // Too long already: answer now, then drop bytes until the next newline.
                    Write(output, handler.Serialize(handler.Oversized(new ReadOnlySpan<byte>(buffer, start, Math.Min(end - start, 4096)), maxLineBytes)));
                    discarding = true;
                }

                if (discarding)
                {
                    start = end = scanned = 0;
                }
                else if (start > 0)
                {
                    // Move the partial line to the front.
                    Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                    end -= start;
                    scanned -= start;
                    start = 0;
                }

                if (end == buffer.Length)
                {
                    int size = (int)Math.Min((long)maxLineBytes + 2, (long)buffer.Length * 2);
                    Array.Resize(ref buffer, size);
                }

                int read = input.Read(buffer, end, buffer.Length - end);
                if (read <= 0)
                {
                    // End of input: a last line without newline still counts.
                    if (!discarding && end > start)
                    {
                        int length = end - start;
                        if (buffer[end - 1] == (byte)'\r')
                        {
                            length--;
                        }

                        if (!RequestLines.IsBlank(new ReadOnlySpan<byte>(buffer, start, length)))
                        {
                            return Respond(output, handler, new ReadOnlySpan<byte>(buffer, start, length));
                        }
                    }

                    return false;
                }

                end += read;
            }
        }

        private static bool Respond(Stream output, RunnerRequestHandler handler, ReadOnlySpan<byte> line)
        {
            ReadOnlySpan<byte> response = handler.Handle(line, out bool shutdown);
            Write(output, response);
            return shutdown;
        }

        private static void Write(Stream output, ReadOnlySpan<byte> bytes)
        {
#if NET
            output.Write(bytes);
#else
            byte[] copy = bytes.ToArray();
            output.Write(copy, 0, copy.Length);
#endif
            output.Flush();
        }
    }
}
