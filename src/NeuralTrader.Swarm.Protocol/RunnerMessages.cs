using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralTrader.Swarm.Protocol
{
    /// <summary>Operations a runner understands. See docs/runner-protocol.md.</summary>
    public static class RunnerOps
    {
        /// <summary>Liveness and readiness check; answered with the runner's name and protocol version.</summary>
        public const string Ping = "ping";
        /// <summary>Stores a price series under a dataset name so later runs need not resend it.</summary>
        public const string Load = "load";
        /// <summary>Backtests a strategy over a loaded (or inline) dataset.</summary>
        public const string Run = "run";
        /// <summary>Lists the strategies and parameters the runner implements.</summary>
        public const string Describe = "describe";
        /// <summary>Asks the runner to exit after answering.</summary>
        public const string Shutdown = "shutdown";
        /// <summary>
        /// Several <c>run</c> requests in one line (<see cref="RunnerRequest.Requests"/>), answered in one line with one
        /// response each, in order (<see cref="RunnerResponse.Responses"/>). Protocol 3: a sweep pays one round trip per
        /// batch instead of one per backtest.
        /// </summary>
        public const string Batch = "batch";
    }

    /// <summary>One request line from the coordinator to a runner.</summary>
    public sealed class RunnerRequest
    {
        /// <summary>Correlates the response; echoed back unchanged.</summary>
        public string? Id { get; set; }
        /// <summary>One of <see cref="RunnerOps"/>.</summary>
        public string? Op { get; set; }
        /// <summary>Strategy type for <c>run</c> (momentum, mean-reversion, neural-forecast, or a custom image's own).</summary>
        public string? Strategy { get; set; }
        /// <summary>Dataset name (usually the symbol) for <c>load</c> and <c>run</c>.</summary>
        public string? Dataset { get; set; }
        /// <summary>Strategy parameters; numbers, booleans or ISO dates.</summary>
        public Dictionary<string, JsonElement>? Parameters { get; set; }
        /// <summary>Price data for <c>load</c>, or inline for a one-off <c>run</c>.</summary>
        public PriceData? Data { get; set; }
        /// <summary>How much detail a <c>run</c> returns.</summary>
        public RunOptions? Options { get; set; }
        /// <summary>The <c>run</c> requests of a <c>batch</c>, each with its own id.</summary>
        public List<RunnerRequest>? Requests { get; set; }
    }

    /// <summary>Detail a run returns; smaller responses are faster.</summary>
    public sealed class RunOptions
    {
        /// <summary>Include the trade list.</summary>
        public bool IncludeTrades { get; set; } = true;
        /// <summary>Points in the downsampled equity curve (0 for none).</summary>
        public int EquityPoints { get; set; } = 100;
        /// <summary>A busy loop of this many milliseconds before answering; used by tests for timeouts.</summary>
        public int? DelayMs { get; set; }
        /// <summary>Allocate this many megabytes before answering; used by tests for the memory limit.</summary>
        public int? AllocateMb { get; set; }
        /// <summary>
        /// Out-of-sample validation: the window is also scored in in-sample and out-of-sample segments
        /// (<see cref="BacktestResult.Segments"/>). Null for none. See docs/strategies.md.
        /// </summary>
        public ValidationOptions? Validation { get; set; }
    }

    /// <summary>
    /// A validation scheme over the run's window: either a hold-out <see cref="Split"/> or
    /// <see cref="WalkForward"/> folds, never both.
    /// </summary>
    public sealed class ValidationOptions
    {
        /// <summary>Hold-out share at the end of the window (0.3: the first 70 % of bars in sample, the last 30 % out of sample).</summary>
        public double? Split { get; set; }
        /// <summary>Number of walk-forward folds: the window is cut into folds + 1 equal blocks, fold k is tested on block k.</summary>
        public int? WalkForward { get; set; }
        /// <summary>Walk-forward mode: <c>anchored</c> (default; in sample = every block before the test block) or <c>rolling</c> (the one block before it).</summary>
        public string? Mode { get; set; }
    }

    /// <summary>
    /// Bars in columns. Dates are ISO: <c>yyyy-MM-dd</c> for daily bars, <c>yyyy-MM-ddTHH:mm[:ss]</c> with an
    /// optional offset (<c>Z</c>, <c>-05:00</c>) for intraday bars (protocol 2).
    /// </summary>
    public sealed class PriceData
    {
        /// <summary>Symbol the bars belong to.</summary>
        public string? Symbol { get; set; }
        /// <summary>Bar timestamps, ascending.</summary>
        public string[]? Dates { get; set; }
        /// <summary>Opening prices.</summary>
        public double[]? Open { get; set; }
        /// <summary>High prices.</summary>
        public double[]? High { get; set; }
        /// <summary>Low prices.</summary>
        public double[]? Low { get; set; }
        /// <summary>Closing prices.</summary>
        public double[]? Close { get; set; }
        /// <summary>Volumes.</summary>
        public double[]? Volume { get; set; }
    }

    /// <summary>One response line from a runner.</summary>
    public sealed class RunnerResponse
    {
        /// <summary>The request's id.</summary>
        public string? Id { get; set; }
        /// <summary>True when the operation succeeded.</summary>
        public bool Ok { get; set; }
        /// <summary>The backtest for <c>run</c>.</summary>
        public BacktestResult? Result { get; set; }
        /// <summary>Strategies for <c>describe</c>.</summary>
        public List<StrategyInfo>? Strategies { get; set; }
        /// <summary>Runner name and version for <c>ping</c>.</summary>
        public string? Runner { get; set; }
        /// <summary>Protocol version for <c>ping</c>.</summary>
        public int? Protocol { get; set; }
        /// <summary>Bars stored for <c>load</c>.</summary>
        public int? Bars { get; set; }
        /// <summary>What went wrong when <see cref="Ok"/> is false.</summary>
        public RunnerError? Error { get; set; }
        /// <summary>For <c>batch</c>: one response per request, in the requests' order (each ok or not on its own).</summary>
        public List<RunnerResponse>? Responses { get; set; }
    }

    /// <summary>A structured error: a stable code and a human message.</summary>
    public sealed class RunnerError
    {
        /// <summary>One of <see cref="RunnerErrorCodes"/>.</summary>
        public string Code { get; set; } = RunnerErrorCodes.Internal;
        /// <summary>What was wrong, naming the field or parameter.</summary>
        public string Message { get; set; } = "";
    }

    /// <summary>Stable error codes in runner responses.</summary>
    public static class RunnerErrorCodes
    {
        /// <summary>The line was not valid JSON.</summary>
        public const string MalformedJson = "malformed_json";
        /// <summary>The line exceeded the size limit.</summary>
        public const string OversizedInput = "oversized_input";
        /// <summary>A field had the wrong type or a required field was missing.</summary>
        public const string InvalidRequest = "invalid_request";
        /// <summary>The op is not one the runner knows.</summary>
        public const string UnknownOp = "unknown_op";
        /// <summary>No strategy of that type.</summary>
        public const string UnknownStrategy = "unknown_strategy";
        /// <summary>A parameter was unknown, of the wrong type or out of range.</summary>
        public const string InvalidParameter = "invalid_parameter";
        /// <summary>No dataset of that name has been loaded.</summary>
        public const string UnknownDataset = "unknown_dataset";
        /// <summary>The price data failed validation.</summary>
        public const string InvalidData = "invalid_data";
        /// <summary>The runner ran out of memory while serving the request (for example <see cref="RunOptions.AllocateMb"/> above its limit); it keeps serving.</summary>
        public const string OutOfMemory = "out_of_memory";
        /// <summary>A bug in the runner.</summary>
        public const string Internal = "internal";
    }

    /// <summary>A strategy a runner implements, with its parameters.</summary>
    public sealed class StrategyInfo
    {
        /// <summary>Strategy type name.</summary>
        public string Name { get; set; } = "";
        /// <summary>One-line description.</summary>
        public string Description { get; set; } = "";
        /// <summary>Parameters and their ranges.</summary>
        public List<ParameterInfo> Parameters { get; set; } = new List<ParameterInfo>();
    }

    /// <summary>A strategy parameter: kind, default and valid range.</summary>
    public sealed class ParameterInfo
    {
        /// <summary>Parameter name as passed in <see cref="RunnerRequest.Parameters"/>.</summary>
        public string Name { get; set; } = "";
        /// <summary>integer, number, boolean or date.</summary>
        public string Kind { get; set; } = "number";
        /// <summary>Default value (null when the parameter is optional without default).</summary>
        public double? Default { get; set; }
        /// <summary>Smallest valid value.</summary>
        public double? Min { get; set; }
        /// <summary>Largest valid value.</summary>
        public double? Max { get; set; }
        /// <summary>What the parameter does.</summary>
        public string Description { get; set; } = "";
    }

    /// <summary>The outcome of one backtest, with the live signal as of the last bar.</summary>
    public sealed class BacktestResult
    {
        /// <summary>Strategy type.</summary>
        public string Strategy { get; set; } = "";
        /// <summary>Symbol backtested.</summary>
        public string Symbol { get; set; } = "";
        /// <summary>Every parameter as used, defaults included.</summary>
        public Dictionary<string, double> Parameters { get; set; } = new Dictionary<string, double>();
        /// <summary>Buy, Sell or Hold: the decision on the last bar, not filled.</summary>
        public string Signal { get; set; } = "Hold";
        /// <summary>Position held after the last fill: 1 long, 0 flat, -1 short.</summary>
        public int Position { get; set; }
        /// <summary>Performance figures.</summary>
        public BacktestMetrics Metrics { get; set; } = new BacktestMetrics();
        /// <summary>Completed and open trades (empty unless requested).</summary>
        public List<TradeRecord> Trades { get; set; } = new List<TradeRecord>();
        /// <summary>Downsampled equity curve.</summary>
        public List<EquityPoint> Equity { get; set; } = new List<EquityPoint>();
        /// <summary>In- and out-of-sample segments when <see cref="RunOptions.Validation"/> asked for them; null otherwise.</summary>
        public List<BacktestSegment>? Segments { get; set; }
    }

    /// <summary>Sample kinds of a <see cref="BacktestSegment"/>.</summary>
    public static class SegmentSamples
    {
        /// <summary>Bars a search may tune on.</summary>
        public const string In = "in";
        /// <summary>Bars held out to judge what was tuned.</summary>
        public const string Out = "out";
    }

    /// <summary>One validation segment: a sub-window of the run scored on its own (fresh cash, indicators warmed up on earlier bars).</summary>
    public sealed class BacktestSegment
    {
        /// <summary>in-sample / out-of-sample for a split; fold-1-in, fold-1-out, ... for walk-forward.</summary>
        public string Name { get; set; } = "";
        /// <summary><see cref="SegmentSamples.In"/> or <see cref="SegmentSamples.Out"/>.</summary>
        public string Sample { get; set; } = SegmentSamples.In;
        /// <summary>Walk-forward fold (1-based); null for a split.</summary>
        public int? Fold { get; set; }
        /// <summary>Index of the segment's first bar in the run's window (0 = the window's first bar).</summary>
        public int FirstBar { get; set; }
        /// <summary>The segment's metrics (its own period, bars and buy-and-hold).</summary>
        public BacktestMetrics Metrics { get; set; } = new BacktestMetrics();
    }

    /// <summary>Backtest metrics over the chosen window. Exact definitions: docs/strategies.md.</summary>
    public sealed class BacktestMetrics
    {
        /// <summary>First bar's date (yyyy-MM-dd) or timestamp (intraday).</summary>
        public string StartDate { get; set; } = "";
        /// <summary>Last bar's date or timestamp.</summary>
        public string EndDate { get; set; } = "";
        /// <summary>Bars in the window.</summary>
        public int Bars { get; set; }
        /// <summary>Bar interval detected from the data: 1min, 5min, 15min, 30min, 1h or 1d (or the nearest description).</summary>
        public string Interval { get; set; } = "";
        /// <summary>Bars per year used to annualise volatility, Sharpe and Sortino (252 trading days times the bars of a session).</summary>
        public double BarsPerYear { get; set; }
        /// <summary>Equity after the last bar.</summary>
        public double FinalEquity { get; set; }
        /// <summary>Final equity / initial cash - 1.</summary>
        public double TotalReturn { get; set; }
        /// <summary>(1 + total)^(365.25 / calendar days from the first to the last bar) - 1.</summary>
        public double AnnualizedReturn { get; set; }
        /// <summary>Sample standard deviation of the bar returns times sqrt(barsPerYear).</summary>
        public double Volatility { get; set; }
        /// <summary>Mean / sample stdev of the bar returns times sqrt(barsPerYear); 0 when flat.</summary>
        public double Sharpe { get; set; }
        /// <summary>Mean / downside deviation of the bar returns times sqrt(barsPerYear); 0 when no return is negative.</summary>
        public double Sortino { get; set; }
        /// <summary>Largest peak-to-trough fall of equity, as a fraction (0.25 = 25%).</summary>
        public double MaxDrawdown { get; set; }
        /// <summary>Date of the peak before the largest fall (null without a fall).</summary>
        public string? MaxDrawdownPeakDate { get; set; }
        /// <summary>Date of the trough of the largest fall (null without a fall).</summary>
        public string? MaxDrawdownTroughDate { get; set; }
        /// <summary>Fraction of bars with a position.</summary>
        public double Exposure { get; set; }
        /// <summary>Round trips: positions opened, including one still open at the end.</summary>
        public int Trades { get; set; }
        /// <summary>Fills: every entry and every exit (a reversal is two).</summary>
        public int Fills { get; set; }
        /// <summary>Winning closed round trips / closed round trips.</summary>
        public double WinRate { get; set; }
        /// <summary>Holding the symbol from the first bar's close to the last bar's close over the same window.</summary>
        public BuyAndHoldMetrics BuyAndHold { get; set; } = new BuyAndHoldMetrics();
        /// <summary>Time spent computing inside the runner, milliseconds.</summary>
        public double ComputeMs { get; set; }
        /// <summary>For forecasting strategies: share of bars whose direction was predicted right (null otherwise).</summary>
        public double? DirectionalAccuracy { get; set; }
    }

    /// <summary>Buy-and-hold over a backtest's window, computed like the strategy's metrics.</summary>
    public sealed class BuyAndHoldMetrics
    {
        /// <summary>Last close / first close - 1.</summary>
        public double Return { get; set; }
        /// <summary>Calendar-annualised, as the strategy's.</summary>
        public double AnnualizedReturn { get; set; }
        /// <summary>Sharpe of the close-to-close bar returns.</summary>
        public double Sharpe { get; set; }
        /// <summary>Largest peak-to-trough fall of the close.</summary>
        public double MaxDrawdown { get; set; }
    }

    /// <summary>One fill-to-fill round trip; an open trade has no exit.</summary>
    [JsonConverter(typeof(TradeRecordConverter))]
    public sealed class TradeRecord
    {
        /// <summary>Long or Short.</summary>
        public string Side { get; set; } = "Long";
        /// <summary>Shares.</summary>
        public double Quantity { get; set; }
        /// <summary>Entry fill date.</summary>
        public string EntryDate { get; set; } = "";
        /// <summary>Entry fill price including slippage.</summary>
        public double EntryPrice { get; set; }
        /// <summary>Exit fill date (null while open).</summary>
        public string? ExitDate { get; set; }
        /// <summary>Exit fill price including slippage.</summary>
        public double? ExitPrice { get; set; }
        /// <summary>Realised profit after commissions (null while open).</summary>
        public double? Pnl { get; set; }
    }

    /// <summary>A point of the equity curve.</summary>
    [JsonConverter(typeof(EquityPointConverter))]
    public sealed class EquityPoint
    {
        /// <summary>Bar date.</summary>
        public string Date { get; set; } = "";
        /// <summary>Marked-to-close equity.</summary>
        public double Equity { get; set; }
    }

    /// <summary>Source-generated serialisation (reflection-free, so the runner can be Native AOT).</summary>
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(RunnerRequest))]
    [JsonSerializable(typeof(RunnerResponse))]
    public partial class ProtocolJsonContext : JsonSerializerContext
    {
    }

    /// <summary>Protocol constants.</summary>
    public static class RunnerProtocol
    {
        /// <summary>
        /// Version of this protocol, reported by ping. 2 added intraday timestamps, validation segments and
        /// the metrics of docs/strategies.md; 3 added <c>batch</c>. Every addition is optional, so a version-1 runner
        /// still serves daily runs without validation, one request at a time.
        /// </summary>
        public const int Version = 3;
        /// <summary>Most requests one <c>batch</c> may carry.</summary>
        public const int MaxBatch = 256;
        /// <summary>Longest request or response line either side accepts (16 MiB: ten years of bars fit many times over).</summary>
        public const int MaxLineBytes = 16 * 1024 * 1024;
    }
}
