using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;
using NeuralTrader.Swarm.Runner.Hosting;
using NeuralTrader.Swarm.Strategies;
using NeuralTrader.Swarm.Tests.Strategies;

namespace NeuralTrader.Swarm.Tests.Runner
{
    /// <summary>The request handler in-process: every request gets exactly one well-formed response.</summary>
    public class RunnerRequestHandlerTests
    {
        private readonly RunnerRequestHandler _handler = new RunnerRequestHandler("NeuralTrader.Swarm.Runner/test");

        internal static string SmallDataJson()
        {
            PriceSeries s = TestSeries.Spy.Slice(new DateTime(2024, 1, 1), new DateTime(2024, 6, 30));
            return JsonSerializer.Serialize(s.ToPriceData(), ProtocolJsonContext.Default.PriceData);
        }

        private (RunnerResponse Response, string Line, bool Shutdown) Send(string line)
        {
            ReadOnlySpan<byte> bytes = _handler.Handle(Encoding.UTF8.GetBytes(line), out bool shutdown);
            string text = Encoding.UTF8.GetString(bytes.ToArray());
            Assert.EndsWith("\n", text);
            Assert.Equal(1, text.Count(c => c == '\n'));
            RunnerResponse response = JsonSerializer.Deserialize(text, ProtocolJsonContext.Default.RunnerResponse)!;
            return (response, text, shutdown);
        }

        private void AssertError(string line, string code, string? id, string messagePart)
        {
            RunnerResponse r = Send(line).Response;
            Assert.False(r.Ok);
            Assert.Equal(code, r.Error!.Code);
            Assert.Equal(id, r.Id);
            Assert.Contains(messagePart, r.Error.Message);
            Assert.Null(r.Result);
        }

        [Fact]
        public void PingDescribeAndShutdown()
        {
            RunnerResponse ping = Send("{\"id\":\"p1\",\"op\":\"ping\"}").Response;
            Assert.True(ping.Ok);
            Assert.Equal("p1", ping.Id);
            Assert.Equal("NeuralTrader.Swarm.Runner/test", ping.Runner);
            Assert.Equal(RunnerProtocol.Version, ping.Protocol);
            Assert.Equal(3, ping.Protocol);

            RunnerResponse describe = Send("{\"id\":\"d\",\"op\":\"describe\"}").Response;
            Assert.Equal(new[] { "momentum", "mean-reversion", "neural-forecast" }, describe.Strategies!.Select(s => s.Name));
            Assert.Contains(describe.Strategies![0].Parameters, p => p.Name == "lookback" && p.Default == 20 && p.Min == 1);

            (RunnerResponse bye, string _, bool shutdown) = Send("{\"id\":\"s\",\"op\":\"shutdown\"}");
            Assert.True(bye.Ok);
            Assert.True(shutdown);
        }

        [Fact]
        public void LoadThenRunByNameAndInline()
        {
            string data = SmallDataJson();
            RunnerResponse load = Send("{\"id\":\"l\",\"op\":\"load\",\"dataset\":\"SPY24\",\"data\":" + data + "}").Response;
            Assert.True(load.Ok, load.Error?.Message);
            Assert.Equal(124, load.Bars);

            RunnerResponse run = Send("{\"id\":\"r\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"spy24\",\"parameters\":{\"lookback\":10,\"threshold\":\"0.01\",\"allowShort\":true},\"options\":{\"includeTrades\":false,\"equityPoints\":5}}").Response;
            Assert.True(run.Ok, run.Error?.Message);
            Assert.Equal("r", run.Id);
            Assert.Equal(124, run.Result!.Metrics.Bars);
            Assert.Equal(10, run.Result.Parameters["lookback"]);
            Assert.Equal(0.01, run.Result.Parameters["threshold"]);
            Assert.Equal(1, run.Result.Parameters["allowShort"]);
            Assert.Empty(run.Result.Trades);
            Assert.Equal(5, run.Result.Equity.Count);

            // Same data inline gives the same answer as the loaded dataset.
            RunnerResponse inline = Send("{\"id\":\"i\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"parameters\":{\"lookback\":10,\"threshold\":0.01,\"allowShort\":1},\"options\":{\"includeTrades\":false,\"equityPoints\":5}}").Response;
            Assert.Equal(run.Result.Metrics.FinalEquity, inline.Result!.Metrics.FinalEquity);
            Assert.Equal("SPY", inline.Result.Symbol);
        }

        [Fact]
        public void MalformedJsonIsReportedAndTheIdEchoedWhenReadable()
        {
            AssertError("{\"id\":\"m1\",\"op\":\"ping\"", RunnerErrorCodes.MalformedJson, "m1", "not valid JSON");
            AssertError("{op: ping}", RunnerErrorCodes.MalformedJson, null, "not valid JSON");
            AssertError("not json at all", RunnerErrorCodes.MalformedJson, null, "not valid JSON");
            AssertError("{\"id\":\"m2\",\"op\":\"ping\"} trailing", RunnerErrorCodes.MalformedJson, "m2", "not valid JSON");
            AssertError("\u00ff\u00fe", RunnerErrorCodes.MalformedJson, null, "not valid JSON");

            // A valid request right after is still answered.
            Assert.True(Send("{\"id\":\"ok\",\"op\":\"ping\"}").Response.Ok);
        }

        [Fact]
        public void WrongTypesAndMissingFieldsAreInvalidRequests()
        {
            AssertError("{\"id\":\"w1\",\"op\":\"run\",\"strategy\":\"momentum\",\"options\":{\"equityPoints\":\"many\"}}", RunnerErrorCodes.InvalidRequest, "w1", "Field 'options.equityPoints' has the wrong type");
            AssertError("{\"id\":\"w2\",\"op\":42}", RunnerErrorCodes.InvalidRequest, "w2", "Field 'op' has the wrong type");
            AssertError("{\"id\":5,\"op\":\"ping\"}", RunnerErrorCodes.InvalidRequest, "5", "Field 'id' has the wrong type");
            AssertError("{\"id\":\"w3\",\"op\":\"run\",\"strategy\":\"momentum\",\"parameters\":[1,2]}", RunnerErrorCodes.InvalidRequest, "w3", "Field 'parameters'");
            AssertError("{\"id\":\"w4\",\"op\":\"load\",\"data\":{\"close\":\"high\"}}", RunnerErrorCodes.InvalidRequest, "w4", "Field 'data.close'");
            AssertError("[1,2,3]", RunnerErrorCodes.InvalidRequest, null, "must be a JSON object, got array");
            AssertError("null", RunnerErrorCodes.InvalidRequest, null, "must be a JSON object");
            AssertError("", RunnerErrorCodes.InvalidRequest, null, "Empty request line");
            AssertError("   ", RunnerErrorCodes.InvalidRequest, null, "Empty request line");
            AssertError("{\"id\":\"w5\"}", RunnerErrorCodes.InvalidRequest, "w5", "Missing field 'op'");
            AssertError("{\"id\":\"w6\",\"op\":\"run\",\"dataset\":\"X\"}", RunnerErrorCodes.InvalidRequest, "w6", "run needs a 'strategy'");
            AssertError("{\"id\":\"w7\",\"op\":\"run\",\"strategy\":\"momentum\"}", RunnerErrorCodes.InvalidRequest, "w7", "run needs a 'dataset' name or inline 'data'");
            AssertError("{\"id\":\"w8\",\"op\":\"load\"}", RunnerErrorCodes.InvalidRequest, "w8", "load needs a 'data' object");
            AssertError("{\"id\":\"w9\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"X\",\"options\":{\"delayMs\":-1}}", RunnerErrorCodes.InvalidRequest, "w9", "options.delayMs must be between 0 and");
            AssertError("{\"id\":\"w10\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"X\",\"options\":{\"equityPoints\":-3}}", RunnerErrorCodes.InvalidRequest, "w10", "options.equityPoints must be 0 or more");

            // Unknown fields are ignored.
            Assert.True(Send("{\"id\":\"u\",\"op\":\"ping\",\"extra\":{\"deep\":[1,2,{\"x\":null}]}}").Response.Ok);
        }

        [Fact]
        public void DomainErrorsCarryTheirCodes()
        {
            string data = SmallDataJson();
            AssertError("{\"id\":\"e1\",\"op\":\"fly\"}", RunnerErrorCodes.UnknownOp, "e1", "Unknown op 'fly'; expected one of ping, load, run, batch, describe, shutdown.");
            AssertError("{\"id\":\"e2\",\"op\":\"run\",\"strategy\":\"arbitrage\",\"data\":" + data + "}", RunnerErrorCodes.UnknownStrategy, "e2", "Known strategies: momentum, mean-reversion, neural-forecast");
            AssertError("{\"id\":\"e3\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"parameters\":{\"lookback\":-5}}", RunnerErrorCodes.InvalidParameter, "e3", "Parameter 'lookback' of momentum is out of range: must be between 1 and 1000, got -5.");
            AssertError("{\"id\":\"e4\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"parameters\":{\"threshold\":\"abc\"}}", RunnerErrorCodes.InvalidParameter, "e4", "got 'abc'");
            AssertError("{\"id\":\"e5\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"parameters\":{\"lookback\":500}}", RunnerErrorCodes.InvalidParameter, "e5", "less than the number of bars up to the window's end (124)");
            AssertError("{\"id\":\"e6\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"parameters\":{\"wat\":1}}", RunnerErrorCodes.InvalidParameter, "e6", "Unknown parameter 'wat'");
            AssertError("{\"id\":\"e7\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"NOPE\"}", RunnerErrorCodes.UnknownDataset, "e7", "No dataset 'NOPE' is loaded (loaded: none)");
            AssertError("{\"id\":\"e8\",\"op\":\"load\",\"dataset\":\"BAD\",\"data\":{\"dates\":[\"2020-01-02\"],\"open\":[1],\"high\":[1],\"low\":[2],\"close\":[1],\"volume\":[1]}}", RunnerErrorCodes.InvalidData, "e8", "high 1 is below low 2");
            AssertError("{\"id\":\"e9\",\"op\":\"load\",\"dataset\":\"BAD\",\"data\":{\"dates\":[\"2020-01-02\"],\"open\":[1],\"high\":[1],\"low\":[1],\"close\":[1]}}", RunnerErrorCodes.InvalidData, "e9", "data.volume is missing");
            AssertError("{\"id\":\"e10\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"parameters\":{\"threshold\":null}}", RunnerErrorCodes.InvalidParameter, "e10", "has no value");
        }

        [Fact]
        public void AllocateAndDelayOptionsAreHonoured()
        {
            string data = SmallDataJson();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            RunnerResponse r = Send("{\"id\":\"a\",\"op\":\"run\",\"strategy\":\"momentum\",\"data\":" + data + ",\"options\":{\"allocateMb\":8,\"delayMs\":50}}").Response;
            Assert.True(r.Ok, r.Error?.Message);
            Assert.True(watch.ElapsedMilliseconds >= 50);
        }

        [Fact]
        public void ResponsesAboveTheLineLimitBecomeErrors()
        {
            _handler.MaxResponseBytes = 20000;
            _handler.AddDataset("SPY", TestSeries.Spy);
            AssertError("{\"id\":\"big\",\"op\":\"run\",\"strategy\":\"mean-reversion\",\"dataset\":\"SPY\",\"options\":{\"equityPoints\":2600}}", RunnerErrorCodes.OversizedInput, "big", "above the line limit of 20000 bytes; request options.includeTrades false or fewer options.equityPoints");
            Assert.True(Send("{\"id\":\"lean\",\"op\":\"run\",\"strategy\":\"mean-reversion\",\"dataset\":\"SPY\",\"options\":{\"equityPoints\":10,\"includeTrades\":false}}").Response.Ok);
        }

        [Fact]
        public void ResponsesUseCamelCaseAndOmitNulls()
        {
            string line = Send("{\"id\":\"c\",\"op\":\"ping\"}").Line;
            Assert.Equal("{\"id\":\"c\",\"ok\":true,\"runner\":\"NeuralTrader.Swarm.Runner/test\",\"protocol\":3}\n", line);
        }

        [Fact]
        public void Batch_answers_each_run_in_order_as_it_would_alone_and_one_failure_stays_its_own()
        {
            var handler = new RunnerRequestHandler("NeuralTrader.Swarm.Runner/test");
            handler.AddDataset("SPY", CsvPriceReader.ReadFile(System.IO.Path.Combine(NeuralTrader.Swarm.Core.Coordination.BundledData.Directory, "SPY.csv"), "SPY"));
            string Run(string id, int lookback) => "{\"id\":\"" + id + "\",\"op\":\"run\",\"strategy\":\"momentum\",\"dataset\":\"SPY\",\"parameters\":{\"lookback\":" + lookback + "}}";
            string alone = System.Text.Encoding.UTF8.GetString(handler.Handle(System.Text.Encoding.UTF8.GetBytes(Run("a", 10)), out _));
            string line = "{\"id\":\"b\",\"op\":\"batch\",\"requests\":[" + Run("a", 10) + "," + Run("x", -1) + ",{\"id\":\"p\",\"op\":\"ping\"}," + Run("c", 30) + "]}";

            var batch = System.Text.Encoding.UTF8.GetString(handler.Handle(System.Text.Encoding.UTF8.GetBytes(line), out bool shutdown));

            Assert.False(shutdown);
            var response = System.Text.Json.JsonSerializer.Deserialize(batch, ProtocolJsonContext.Default.RunnerResponse)!;
            Assert.True(response.Ok);
            Assert.Equal("b", response.Id);
            Assert.Equal(new[] { "a", "x", "p", "c" }, response.Responses!.Select(r => r.Id));
            Assert.Equal(new[] { true, false, false, true }, response.Responses!.Select(r => r.Ok));
            Assert.Equal(RunnerErrorCodes.InvalidParameter, response.Responses![1].Error!.Code);
            Assert.Equal(RunnerErrorCodes.InvalidRequest, response.Responses![2].Error!.Code);
            // The first item is byte for byte what the request alone answered (computeMs aside).
            string Strip(string json) => System.Text.RegularExpressions.Regex.Replace(json, "\"computeMs\":[^,}]*", "");
            var first = System.Text.Json.JsonSerializer.Serialize(response.Responses![0], ProtocolJsonContext.Default.RunnerResponse);
            Assert.Equal(Strip(alone.TrimEnd('\n')), Strip(first));
        }

        [Theory]
        [InlineData("{\"id\":\"e\",\"op\":\"batch\"}", "non-empty 'requests'")]
        [InlineData("{\"id\":\"e\",\"op\":\"batch\",\"requests\":[]}", "non-empty 'requests'")]
        public void Batch_without_requests_is_refused(string line, string message)
        {
            AssertError(line, RunnerErrorCodes.InvalidRequest, "e", message);
        }
    }
}