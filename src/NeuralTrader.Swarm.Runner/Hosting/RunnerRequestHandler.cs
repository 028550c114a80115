using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Strategies;

namespace NeuralTrader.Swarm.Runner.Hosting
{
    /// <summary>
    /// Serves runner protocol requests (see docs/runner-protocol.md): one JSON request line in, one JSON
    /// response line out. Never throws on input: every problem becomes an <c>ok:false</c> response with a
    /// <see cref="RunnerErrorCodes"/> code. Not thread-safe; one handler serves one connection.
    /// </summary>
    public sealed class RunnerRequestHandler
    {
        /// <summary>Largest <see cref="RunOptions.DelayMs"/> accepted (one hour).</summary>
        public const int MaxDelayMs = 3600000;

        /// <summary>Largest <see cref="RunOptions.AllocateMb"/> accepted.</summary>
        public const int MaxAllocateMb = 1 << 20;

        private static readonly string KnownOps = string.Join(", ", new[] { RunnerOps.Ping, RunnerOps.Load, RunnerOps.Run, RunnerOps.Batch, RunnerOps.Describe, RunnerOps.Shutdown });
        private readonly Dictionary<string, PriceSeries> _datasets = new Dictionary<string, PriceSeries>(StringComparer.OrdinalIgnoreCase);
        private readonly ByteBuffer _buffer = new ByteBuffer(16 * 1024);
        private readonly Utf8JsonWriter _writer;
        private readonly Action<string, string>? _log;
        private List<StrategyInfo>? _strategies;

        /// <summary>Creates a handler.</summary>
        /// <param name="runnerName">Reported by ping, e.g. <c>NeuralTrader.Swarm.Runner/0.1.0</c>.</param>
        /// <param name="log">Optional log sink (level, message); never stdout.</param>
        public RunnerRequestHandler(string runnerName, Action<string, string>? log = null)
        {
            RunnerName = runnerName ?? throw new ArgumentNullException(nameof(runnerName));
            _log = log;
            _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }

        /// <summary>Name and version reported by ping.</summary>
        public string RunnerName { get; }

        /// <summary>
        /// Longest response line (newline excluded) the handler emits; a larger response is replaced by an
        /// <see cref="RunnerErrorCodes.OversizedInput"/> error. Defaults to <see cref="RunnerProtocol.MaxLineBytes"/>.
        /// </summary>
        public int MaxResponseBytes { get; set; } = RunnerProtocol.MaxLineBytes;

        /// <summary>Names of the loaded datasets.</summary>
        public IReadOnlyCollection<string> Datasets => _datasets.Keys;

        /// <summary>Stores a dataset as a <c>load</c> request would (used to preload files).</summary>
        public void AddDataset(string name, PriceSeries series)
        {
            _datasets[name ?? throw new ArgumentNullException(nameof(name))] = series ?? throw new ArgumentNullException(nameof(series));
        }

        /// <summary>
        /// Handles one request line (without its newline) and returns the response line as UTF-8 bytes,
        /// newline included. The span is valid until the next call.
        /// </summary>
        /// <param name="line">The request's UTF-8 JSON.</param>
        /// <param name="shutdown">True when the request asked the runner to exit.</param>
        public ReadOnlySpan<byte> Handle(ReadOnlySpan<byte> line, out bool shutdown)
        {
            RunnerResponse response = HandleToResponse(line, out shutdown);
            return Serialize(response);
        }

        /// <summary>Handles one request line and returns the response object.</summary>
        public RunnerResponse HandleToResponse(ReadOnlySpan<byte> line, out bool shutdown)
        {
            shutdown = false;
            if (RequestLines.IsBlank(line))
            {
                return Error(null, RunnerErrorCodes.InvalidRequest, "Empty request line; send one JSON object per line.");
            }

            RunnerRequest? request;
            try
            {
                request = JsonSerializer.Deserialize(line, ProtocolJsonContext.Default.RunnerRequest);
            }
            catch (JsonException ex)
            {
                return RequestLines.Unreadable(line, ex);
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is NotSupportedException || ex is ArgumentException)
            {
                return Error(RequestLines.TryReadId(line, true), RunnerErrorCodes.InvalidRequest, "The request could not be read: " + ex.Message);
            }

            if (request is null)
            {
                return Error(null, RunnerErrorCodes.InvalidRequest, "The request must be a JSON object, got null.");
            }

            return Handle(request, out shutdown);
        }

        /// <summary>Handles a request object.</summary>
        public RunnerResponse Handle(RunnerRequest request, out bool shutdown)
        {
            shutdown = false;
            if (request is null)
            {
                throw new ArgumentNullException(nameof(request));
            }

            string? id = request.Id;
            try
            {
                string? op = request.Op;
                if (string.IsNullOrEmpty(op))
                {
                    return Error(id, RunnerErrorCodes.InvalidRequest, "Missing field 'op'; expected one of " + KnownOps + ".");
                }

                switch (op!.ToLowerInvariant())
                {
                    case RunnerOps.Ping:
                        return new RunnerResponse { Id = id, Ok = true, Runner = RunnerName, Protocol = RunnerProtocol.Version };
                    case RunnerOps.Describe:
                        _strategies ??= new List<StrategyInfo>(StrategyCatalog.All);
                        return new RunnerResponse { Id = id, Ok = true, Strategies = _strategies, Runner = RunnerName, Protocol = RunnerProtocol.Version };
                    case RunnerOps.Load:
                        return Load(request);
                    case RunnerOps.Run:
                        return Run(request);
                    case RunnerOps.Batch:
                        return Batch(request);
                    case RunnerOps.Shutdown:
                        shutdown = true;
                        return new RunnerResponse { Id = id, Ok = true };
                    default:
                        return Error(id, RunnerErrorCodes.UnknownOp, "Unknown op '" + Clip(op) + "'; expected one of " + KnownOps + ".");
                }
            }
            catch (StrategyException ex)
            {
                return Error(id, ex.Code, ex.Message);
            }
            catch (MarketDataException ex)
            {
                return Error(id, RunnerErrorCodes.InvalidData, ex.Message);
            }
            catch (OutOfMemoryException)
            {
                GC.Collect();
                _log?.Invoke("warning", "out of memory while serving request " + id);
                return Error(id, RunnerErrorCodes.OutOfMemory, "The runner ran out of memory serving this request.");
            }
            catch (Exception ex)
            {
                _log?.Invoke("error", "request " + id + " failed: " + ex);
                return Error(id, RunnerErrorCodes.Internal, "Internal error: " + ex.GetType().Name + ": " + ex.Message);
            }
        }

        /// <summary>Serialises a response as one UTF-8 line (newline included). The span is valid until the next call.</summary>
        public ReadOnlySpan<byte> Serialize(RunnerResponse response)
        {
            _buffer.Clear();
            try
            {
                _writer.Reset(_buffer);
                JsonSerializer.Serialize(_writer, response, ProtocolJsonContext.Default.RunnerResponse);
                _writer.Flush();
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is NotSupportedException || ex is JsonException)
            {
                // A value JSON cannot carry (NaN, say) must not kill the runner: answer with an error instead.
                _log?.Invoke("error", "could not serialise the response: " + ex.Message);
                _buffer.Clear();
                _writer.Reset(_buffer);
                JsonSerializer.Serialize(_writer, Error(response?.Id, RunnerErrorCodes.Internal, "Internal error: the response could not be serialised: " + ex.Message), ProtocolJsonContext.Default.RunnerResponse);
                _writer.Flush();
            }

            if (_buffer.Count > MaxResponseBytes)
            {
                // The coordinator would reject a line this long: say what to ask for instead.
                string message = "The response would be " + _buffer.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    + " bytes, above the line limit of " + MaxResponseBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    + " bytes; request options.includeTrades false or fewer options.equityPoints.";
                _buffer.Clear();
                _writer.Reset(_buffer);
                JsonSerializer.Serialize(_writer, Error(response?.Id, RunnerErrorCodes.OversizedInput, message), ProtocolJsonContext.Default.RunnerResponse);
                _writer.Flush();
            }

            _buffer.Write((byte)'\n');
            return _buffer.WrittenSpan;
        }

        /// <summary>The response for a line longer than the limit; the id is echoed when the line's start holds it.</summary>
        public RunnerResponse Oversized(ReadOnlySpan<byte> linePrefix, int maxLineBytes) =>
            Error(
                RequestLines.TryReadId(linePrefix, false),
                RunnerErrorCodes.OversizedInput,
                "The request line exceeds the limit of " + maxLineBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes and was discarded.");

        internal static RunnerResponse Error(string? id, string code, string message) =>
            new RunnerResponse { Id = id, Ok = false, Error = new RunnerError { Code = code, Message = message } };

        private RunnerResponse Load(RunnerRequest request)
        {
            if (request.Data is null)
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "load needs a 'data' object with symbol, dates, open, high, low, close and volume.");
            }

            string? name = string.IsNullOrEmpty(request.Dataset) ? request.Data.Symbol : request.Dataset;
            if (string.IsNullOrEmpty(name))
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "load needs a 'dataset' name (or data.symbol).");
            }

            PriceSeries series = PriceSeries.FromPriceData(request.Data);
            _datasets[name!] = series;
            return new RunnerResponse { Id = request.Id, Ok = true, Bars = series.Count };
        }

        private RunnerResponse Run(RunnerRequest request)
        {
            if (string.IsNullOrEmpty(request.Strategy))
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "run needs a 'strategy' (one of " + string.Join(", ", StrategyCatalog.Names) + ").");
            }

            RunOptions options = request.Options ?? new RunOptions();
            if (options.EquityPoints < 0)
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "options.equityPoints must be 0 or more, got " + options.EquityPoints.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
            }

            if (options.DelayMs is int delay && (delay < 0 || delay > MaxDelayMs))
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "options.delayMs must be between 0 and " + MaxDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", got " + delay.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
            }

            if (options.AllocateMb is int mb && (mb < 0 || mb > MaxAllocateMb))
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "options.allocateMb must be between 0 and " + MaxAllocateMb.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", got " + mb.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
            }

            PriceSeries series;
            if (request.Data != null)
            {
                if (string.IsNullOrEmpty(request.Data.Symbol) && !string.IsNullOrEmpty(request.Dataset))
                {
                    request.Data.Symbol = request.Dataset;
                }

                series = PriceSeries.FromPriceData(request.Data);
            }
            else if (!string.IsNullOrEmpty(request.Dataset))
            {
                if (!_datasets.TryGetValue(request.Dataset!, out PriceSeries? loaded))
                {
                    var names = new List<string>(_datasets.Keys);
                    names.Sort(StringComparer.Ordinal);
                    return Error(
                        request.Id,
                        RunnerErrorCodes.UnknownDataset,
                        "No dataset '" + Clip(request.Dataset!) + "' is loaded (loaded: " + (names.Count == 0 ? "none" : string.Join(", ", names)) + "); send a load request or inline 'data'.");
                }

                series = loaded;
            }
            else
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "run needs a 'dataset' name or inline 'data'.");
            }

            byte[][]? ballast = null;
            if (options.AllocateMb is int allocate && allocate > 0)
            {
                ballast = Allocate(allocate);
            }

            if (options.DelayMs is int wait && wait > 0)
            {
                BusyWait(wait);
            }

            BacktestResult result = StrategyCatalog.Run(request.Strategy!, series, Parameters(request.Parameters), options);
            GC.KeepAlive(ballast);
            return new RunnerResponse { Id = request.Id, Ok = true, Result = result };
        }

        /// <summary>Runs each request of a batch on its own: one failing says why in its own response and the others still run.</summary>
        private RunnerResponse Batch(RunnerRequest request)
        {
            var requests = request.Requests;
            if (requests is null || requests.Count == 0)
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "batch needs a non-empty 'requests' array of run requests.");
            }

            if (requests.Count > RunnerProtocol.MaxBatch)
            {
                return Error(request.Id, RunnerErrorCodes.InvalidRequest, "batch carries " + requests.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    + " requests; at most " + RunnerProtocol.MaxBatch.ToString(System.Globalization.CultureInfo.InvariantCulture) + " are allowed.");
            }

            var responses = new List<RunnerResponse>(requests.Count);
            foreach (RunnerRequest? item in requests)
            {
                if (item is null || !string.Equals(item.Op, RunnerOps.Run, StringComparison.OrdinalIgnoreCase))
                {
                    responses.Add(Error(item?.Id, RunnerErrorCodes.InvalidRequest, "A batch carries only run requests, got '" + Clip(item?.Op ?? "null") + "'."));
                    continue;
                }

                responses.Add(Handle(item, out _));
            }

            return new RunnerResponse { Id = request.Id, Ok = true, Responses = responses };
        }

        private static IEnumerable<KeyValuePair<string, object?>>? Parameters(Dictionary<string, JsonElement>? parameters)
        {
            if (parameters is null || parameters.Count == 0)
            {
                return null;
            }

            var list = new List<KeyValuePair<string, object?>>(parameters.Count);
            foreach (KeyValuePair<string, JsonElement> pair in parameters)
            {
                list.Add(new KeyValuePair<string, object?>(pair.Key, pair.Value.ValueKind == JsonValueKind.Null ? null : (object)pair.Value));
            }

            return list;
        }

        private static byte[][] Allocate(int megabytes)
        {
            // Touch every page so the memory is really committed (a cgroup or GC heap limit then bites).
            var blocks = new byte[megabytes][];
            for (int i = 0; i < megabytes; i++)
            {
                var block = new byte[1024 * 1024];
                for (int p = 0; p < block.Length; p += 4096)
                {
                    block[p] = 1;
                }

                blocks[i] = block;
            }

            return blocks;
        }

        private static void BusyWait(int milliseconds)
        {
            // A busy loop rather than a sleep: it also exercises CPU limits.
            long end = Stopwatch.GetTimestamp() + (milliseconds * Stopwatch.Frequency / 1000);
            while (Stopwatch.GetTimestamp() < end)
            {
                for (int i = 0; i < 1000; i++)
                {
                    System.Threading.Thread.SpinWait(1);
                }
            }
        }

        /// <summary>At most 200 characters of a value echoed back in an error.</summary>
        internal static string Clip(string s) => s.Length <= 200 ? s : s.Substring(0, 197) + "...";
    }
}
