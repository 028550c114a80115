using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Decides target positions (-1 short, 0 flat, 1 long), one per bar, after each bar's close. Called for
    /// consecutive blocks of bars in order. Implemented by structs so the backtest loop is specialised and
    /// inlined per strategy.
    /// </summary>
    internal interface ISignal
    {
        /// <summary>
        /// Writes the decisions after the closes of bars <paramref name="start"/> .. start + targets.Length - 1
        /// into <paramref name="targets"/>; <paramref name="target"/> is the decision of bar start - 1 (0 before
        /// bar 0). targets[i] may only depend on bars 0 .. start + i. <paramref name="scratch"/> holds at least
        /// 3 * targets.Length doubles the signal may overwrite.
        /// </summary>
        void Decide(int start, Span<int> targets, int target, Span<double> scratch);
    }

    /// <summary>Settings shared by every strategy.</summary>
    internal struct CommonSettings
    {
        /// <summary>Shares per position; 0 when sized by <see cref="Allocation"/>.</summary>
        public double PositionSize;
        /// <summary>Fraction of equity per position; used when <see cref="PositionSize"/> is 0.</summary>
        public double Allocation;
        public double InitialCash;
        public double Commission;
        public double SlippageBps;
        public bool AllowShort;
    }

    /// <summary>
    /// The single-pass backtest: a decision on bar t's close is filled at bar t+1's open; equity is
    /// marked at every close; metrics are accumulated on the fly. Bars are processed in blocks of
    /// <see cref="Block"/>: the signal decides a block (vectorised where it can), one scalar loop fills and
    /// marks equity, then the returns and drawdown are summarised from that block's equity. Nothing is
    /// allocated per bar and no array longer than a block is materialised.
    /// </summary>
    internal static class Backtester
    {
        /// <summary>Bars per block: the block buffers (about 18 KB) stay in the L1 cache.</summary>
        internal const int Block = 512;

        /// <summary>
        /// Backtests the window of bars [<paramref name="from"/>, series.Count). The signal also decides the
        /// bars before the window (its warm-up: indicators see them), but nothing is filled before the window:
        /// cash starts at the window's first close, and the first possible fill is at the open of its second bar.
        /// </summary>
        // SkipLocalsInit: every buffer element is written before it is read, and clearing ~9 KB of stack
        // was a visible share of a one-year (252-bar) run.
        [SkipLocalsInit]
        public static BacktestResult Run<TSignal>(ref TSignal signal, PriceSeries series, int from, in CommonSettings settings, RunOptions options, BacktestResult result)
            where TSignal : struct, ISignal
        {
            double[] open = series.Open;
            double[] close = series.Close;
            int n = close.Length;
            if (open.Length < n)
            {
                throw new ArgumentException("open and close differ in length", nameof(series));
            }

            if (from < 0 || from >= n)
            {
                throw new ArgumentOutOfRangeException(nameof(from));
            }

            int bars = n - from;
            var book = new Book(series, settings, options.IncludeTrades ? result.Trades : null);

            // Equity curve sampling: points k = 0..p-1 at window bar floor(k (bars-1) / (p-1)); first and last always.
            int points = options.EquityPoints <= 0 ? 0 : Math.Min(Math.Max(options.EquityPoints, 2), bars);
            if (bars == 1 && points > 0)
            {
                points = 1;
            }

            List<EquityPoint> curve = result.Equity;
            if (curve.Capacity < curve.Count + points)
            {
                curve.Capacity = curve.Count + points; // one allocation instead of doubling from 4 (1.2 KB less a run)
            }

            int sampleK = 0;
            int nextSample = points > 0 ? from : int.MaxValue;

            // Sized to the series so a one-year run does not clear buffers it never uses.
            int block = Math.Min(n, Block);
            Span<int> targets = stackalloc int[block];
            Span<double> equity = stackalloc double[block + 1]; // [0] is the previous block's last equity
            Span<double> scratch = stackalloc double[3 * block];

            // Warm-up: the signal sees the bars before the window; its decisions there are never filled.
            int target = 0;
            for (int start = 0; start < from; start += block)
            {
                int count = Math.Min(block, from - start);
                Span<int> decided = targets.Slice(0, count);
                signal.Decide(start, decided, target, scratch);
                target = decided[count - 1];
            }

            var strategyReturns = default(ReturnStats);
            var drawdown = new DrawdownTracker(settings.InitialCash, from);
            int exposed = 0;
            int pending = 0; // the warm-up's last decision is not filled at the window's first open
            equity[0] = settings.InitialCash;
            for (int start = from; start < n; start += block)
            {
                int count = Math.Min(block, n - start);
                Span<int> decided = targets.Slice(0, count);
                signal.Decide(start, decided, target, scratch);

                target = FillAndMark(book, decided, open.AsSpan(start, count), close.AsSpan(start, count), equity.Slice(1, count), start, pending, ref exposed);
                pending = target;

                // Bar returns of the strategy; the window's first bar has none.
                int first = start == from ? 1 : 0;
                strategyReturns.Add(equity.Slice(first, count + 1 - first), scratch);
                drawdown.Add(equity.Slice(1, count), start);

                while (nextSample < start + count)
                {
                    curve.Add(new EquityPoint { Date = series.DateText(nextSample), Equity = equity[nextSample - start + 1] });
                    sampleK++;
                    nextSample = sampleK >= points ? int.MaxValue : from + (points == 1 ? bars - 1 : (int)((long)sampleK * (bars - 1) / (points - 1)));
                }

                equity[0] = equity[count];
            }

            BacktestMetrics m = result.Metrics;
            double finalEquity = equity[0];
            double years = series.DaysBetween(from, n - 1) / 365.25;
            double barsPerYear = series.BarsPerYear;
            m.StartDate = series.DateText(from);
            m.EndDate = series.DateText(n - 1);
            m.Bars = bars;
            m.Interval = series.Interval;
            m.BarsPerYear = barsPerYear;
            m.FinalEquity = finalEquity;
            m.TotalReturn = (finalEquity / settings.InitialCash) - 1.0;
            m.AnnualizedReturn = Annualize(m.TotalReturn, years);
            m.Volatility = strategyReturns.Volatility(barsPerYear);
            m.Sharpe = strategyReturns.Sharpe(barsPerYear);
            m.Sortino = strategyReturns.Sortino(barsPerYear);
            m.MaxDrawdown = drawdown.Max;
            m.MaxDrawdownPeakDate = drawdown.Max > 0 ? series.DateText(drawdown.MaxPeakBar) : null;
            m.MaxDrawdownTroughDate = drawdown.Max > 0 ? series.DateText(drawdown.MaxTroughBar) : null;
            m.Exposure = (double)exposed / bars;
            m.Trades = book.Entries;
            m.Fills = book.Fills;
            m.WinRate = book.ClosedTrips > 0 ? (double)book.Wins / book.ClosedTrips : 0.0;
            m.BuyAndHold = HoldOf(series, from, scratch).ToMetrics();

            result.Position = book.Position;
            result.Signal = target > book.Position ? "Buy" : target < book.Position ? "Sell" : "Hold";
            result.Symbol = series.Symbol;
            return result;
        }

        /// <summary>
        /// Buy-and-hold over bars [from, series.Count): the same for every strategy run on that window, so the
        /// series keeps the last one computed (runs over a loaded dataset do not repeat it).
        /// </summary>
        private static HoldFigures HoldOf(PriceSeries series, int from, Span<double> scratch)
        {
            if (series.HoldCache is HoldFigures cached && cached.From == from)
            {
                return cached;
            }

            double[] close = series.Close;
            int n = close.Length;
            var returns = default(ReturnStats);
            var drawdown = new DrawdownTracker(close[from], from);
            int block = scratch.Length / 3;
            for (int start = from; start < n; start += block)
            {
                int count = Math.Min(block, n - start);
                int first = start == from ? 1 : 0;
                returns.Add(close.AsSpan(start - 1 + first, count + 1 - first), scratch);
                drawdown.Add(close.AsSpan(start, count), start);
            }

            double total = (close[n - 1] / close[from]) - 1.0;
            var figures = new HoldFigures(from, total, Annualize(total, series.DaysBetween(from, n - 1) / 365.25), returns.Sharpe(series.BarsPerYear), drawdown.Max);
            series.HoldCache = figures; // immutable, published whole: a race only computes it twice
            return figures;
        }

        /// <summary>Buy-and-hold's figures for one window start.</summary>
        private sealed class HoldFigures
        {
            public HoldFigures(int from, double total, double annualized, double sharpe, double maxDrawdown)
            {
                From = from;
                Total = total;
                Annualized = annualized;
                Sharpe = sharpe;
                MaxDrawdown = maxDrawdown;
            }

            public int From { get; }

            public double Total { get; }

            public double Annualized { get; }

            public double Sharpe { get; }

            public double MaxDrawdown { get; }

            public BuyAndHoldMetrics ToMetrics() => new BuyAndHoldMetrics { Return = Total, AnnualizedReturn = Annualized, Sharpe = Sharpe, MaxDrawdown = MaxDrawdown };
        }

        /// <summary>(1 + total)^(1 / years) - 1; -1 when everything was lost, 0 over no time.</summary>
        internal static double Annualize(double totalReturn, double years) =>
            !(years > 0) ? 0.0 : 1.0 + totalReturn > 0 ? Math.Pow(1.0 + totalReturn, 1.0 / years) - 1.0 : -1.0;

        // The per-bar loops live in small methods of their own: inside Run, which has too many live values,
        // the JIT kept the running peak and target on the stack, adding a store/load to every bar's chain.

        /// <summary>
        /// Fills at each bar's open and marks equity at its close for one block: the only per-bar work that
        /// depends on the position. Returns the decision of the block's last bar.
        /// </summary>
        private static int FillAndMark(Book book, ReadOnlySpan<int> decided, ReadOnlySpan<double> open, ReadOnlySpan<double> close, Span<double> equity, int start, int target, ref int exposed)
        {
            double cash = book.Cash;
            double shares = book.Shares;
            int position = book.Position;

            // Exposure is counted per run of bars between fills, on the (rare) fill path: a per-bar counter
            // was spilled to the stack by the call and put a store/load on every bar's chain.
            int held = 0;
            int since = 0;
            for (int i = 0; i < decided.Length; i++)
            {
                if (target != position)
                {
                    held += position != 0 ? i - since : 0;
                    since = i;
                    book.Fill(start + i, target, open[i]);
                    cash = book.Cash;
                    shares = book.Shares;
                    position = target;
                }

                equity[i] = cash + (shares * close[i]);
                target = decided[i];
            }

            held += position != 0 ? decided.Length - since : 0;
            exposed += held;
            return target;
        }

        /// <summary>
        /// Runs a decision table over per-bar codes: target = table[(target + 1) * stride + code]. A load
        /// instead of data-dependent branches, which the random signs of real returns keep mispredicting.
        /// </summary>
        internal static int Scan(ReadOnlySpan<long> codes, int[] table, int stride, Span<int> targets, int target)
        {
            for (int i = 0; i < targets.Length; i++)
            {
                target = table[((target + 1) * stride) + (int)codes[i]];
                targets[i] = target;
            }

            return target;
        }

        /// <summary>Cash, position and round-trip bookkeeping; touched only on fills.</summary>
        private sealed class Book
        {
            private readonly PriceSeries _series;
            private readonly List<TradeRecord>? _trades;
            private readonly double _size;
            private readonly double _allocation;
            private readonly double _commission;
            private readonly double _slip;
            private double _entryPrice;
            private TradeRecord? _open;

            public Book(PriceSeries series, in CommonSettings settings, List<TradeRecord>? trades)
            {
                _series = series;
                _trades = trades;
                _size = settings.PositionSize;
                _allocation = settings.Allocation;
                _commission = settings.Commission;
                _slip = settings.SlippageBps / 10000.0;
                Cash = settings.InitialCash;
            }

            public double Cash;
            public double Shares;
            public int Position;
            public int Fills;
            public int Entries;
            public int ClosedTrips;
            public int Wins;

            // Not inlined: fills are rare, and inlined into the per-bar loop this code made the JIT spill
            // the loop's state to the stack.
            [MethodImpl(MethodImplOptions.NoInlining)]
            public void Fill(int t, int target, double openPrice)
            {
                if (Position != 0)
                {
                    // Exit: a long sells below the open, a short buys back above it.
                    double price = Position > 0 ? openPrice * (1.0 - _slip) : openPrice * (1.0 + _slip);
                    Cash += (Shares * price) - _commission;
                    double pnl = (Shares * (price - _entryPrice)) - (2 * _commission);
                    Fills++;
                    ClosedTrips++;
                    if (pnl > 0)
                    {
                        Wins++;
                    }

                    if (_open != null)
                    {
                        _open.ExitDate = _series.DateText(t);
                        _open.ExitPrice = price;
                        _open.Pnl = pnl;
                        _open = null;
                    }

                    Shares = 0;
                    Position = 0;
                }

                if (target != 0)
                {
                    // Entry: a long buys above the open, a short sells below it.
                    double price = target > 0 ? openPrice * (1.0 + _slip) : openPrice * (1.0 - _slip);

                    // Flat here, so cash is the equity: the position is worth allocation x equity less the
                    // entry's commission (fractional shares), or positionSize shares when given.
                    double quantity = _size > 0 ? _size : Math.Max(0.0, (_allocation * Cash) - _commission) / price;
                    Shares = target * quantity;
                    Cash -= (Shares * price) + _commission;
                    _entryPrice = price;
                    Position = target;
                    Fills++;
                    Entries++;
                    if (_trades != null)
                    {
                        _open = new TradeRecord
                        {
                            Side = target > 0 ? "Long" : "Short",
                            Quantity = quantity,
                            EntryDate = _series.DateText(t),
                            EntryPrice = price,
                        };
                        _trades.Add(_open);
                    }
                }
            }
        }
    }
}
