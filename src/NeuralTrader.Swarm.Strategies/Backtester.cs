using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Decides the target position (-1 short, 0 flat, 1 long) after bar t's close. Called once per bar
    /// in order t = 0, 1, ..., n-1, and may only read bars 0..t. Implemented by structs so the
    /// backtest loop is specialised and inlined per strategy.
    /// </summary>
    internal interface ISignal
    {
        int Decide(int t, int target);
    }

    /// <summary>Settings shared by every strategy.</summary>
    internal struct CommonSettings
    {
        public double PositionSize;
        public double InitialCash;
        public double Commission;
        public double SlippageBps;
        public bool AllowShort;
    }

    /// <summary>
    /// The single-pass backtest: a decision on bar t's close is filled at bar t+1's open; equity is
    /// marked at every close; metrics are accumulated on the fly (O(1) per bar, no per-bar allocation).
    /// </summary>
    internal static class Backtester
    {
        public static BacktestResult Run<TSignal>(ref TSignal signal, PriceSeries series, in CommonSettings settings, RunOptions options, BacktestResult result)
            where TSignal : struct, ISignal
        {
            double[] open = series.Open;
            double[] close = series.Close;
            int n = close.Length;
            if (open.Length < n)
            {
                throw new ArgumentException("open and close differ in length", nameof(series));
            }

            var book = new Book(series, settings, options.IncludeTrades ? result.Trades : null);

            // Equity curve sampling: points k = 0..p-1 at bar floor(k (n-1) / (p-1)); first and last always.
            int points = options.EquityPoints <= 0 ? 0 : Math.Min(Math.Max(options.EquityPoints, 2), n);
            if (n == 1 && points > 0)
            {
                points = 1;
            }

            List<EquityPoint> curve = result.Equity;
            int sampleK = 0;
            int nextSample = points > 0 ? 0 : -1;

            double prevEquity = settings.InitialCash;
            double peak = prevEquity;
            double maxDrawdown = 0;
            double retMean = 0, retM2 = 0;
            int retCount = 0;
            int exposed = 0;
            int target = 0;
            for (int t = 0; t < n; t++)
            {
                if (target != book.Position)
                {
                    book.Fill(t, target, open[t]);
                }

                double equity = book.Cash + (book.Shares * close[t]);
                if (t > 0)
                {
                    double r = prevEquity != 0 ? (equity / prevEquity) - 1.0 : 0.0;
                    retCount++;
                    double delta = r - retMean;
                    retMean += delta / retCount;
                    retM2 += delta * (r - retMean);
                }

                if (equity > peak)
                {
                    peak = equity;
                }
                else if (peak - equity > maxDrawdown * peak)
                {
                    maxDrawdown = (peak - equity) / peak;
                }

                if (book.Position != 0)
                {
                    exposed++;
                }

                if (t == nextSample)
                {
                    curve.Add(new EquityPoint { Date = series.DateText(t), Equity = equity });
                    sampleK++;
                    nextSample = sampleK >= points ? -1 : points == 1 ? n - 1 : (int)((long)sampleK * (n - 1) / (points - 1));
                }

                prevEquity = equity;
                target = signal.Decide(t, target);
            }

            BacktestMetrics m = result.Metrics;
            double finalEquity = prevEquity;
            m.Bars = n;
            m.FinalEquity = finalEquity;
            m.TotalReturn = (finalEquity / settings.InitialCash) - 1.0;
            m.AnnualizedReturn = 1.0 + m.TotalReturn > 0 ? Math.Pow(1.0 + m.TotalReturn, 252.0 / n) - 1.0 : -1.0;
            double sd = retCount > 1 ? Math.Sqrt(retM2 / (retCount - 1)) : 0.0;
            m.Sharpe = sd > 1e-15 ? retMean / sd * Math.Sqrt(252.0) : 0.0;
            m.MaxDrawdown = maxDrawdown;
            m.TradeCount = book.Fills;
            m.WinRate = book.ClosedTrips > 0 ? (double)book.Wins / book.ClosedTrips : 0.0;
            m.Exposure = (double)exposed / n;
            m.BuyAndHoldReturn = (close[n - 1] / close[0]) - 1.0;
            m.BuyAndHoldSharpe = BuyAndHoldSharpe(close, n);
            m.StartDate = series.DateText(0);
            m.EndDate = series.DateText(n - 1);

            result.Position = book.Position;
            result.Signal = target > book.Position ? "Buy" : target < book.Position ? "Sell" : "Hold";
            result.Symbol = series.Symbol;
            return result;
        }

        /// <summary>Sharpe of holding the symbol over the window (daily close-to-close returns, sample stdev, times sqrt(252)).</summary>
        private static double BuyAndHoldSharpe(double[] close, int n)
        {
            double mean = 0, m2 = 0;
            int count = 0;
            for (int t = 1; t < n; t++)
            {
                double r = close[t] / close[t - 1] - 1.0;
                count++;
                double delta = r - mean;
                mean += delta / count;
                m2 += delta * (r - mean);
            }
            double sd = count > 1 ? Math.Sqrt(m2 / (count - 1)) : 0.0;
            return sd > 1e-15 ? mean / sd * Math.Sqrt(252.0) : 0.0;
        }

        /// <summary>Cash, position and round-trip bookkeeping; touched only on fills.</summary>
        private sealed class Book
        {
            private readonly PriceSeries _series;
            private readonly List<TradeRecord>? _trades;
            private readonly double _size;
            private readonly double _commission;
            private readonly double _slip;
            private double _entryPrice;
            private TradeRecord? _open;

            public Book(PriceSeries series, in CommonSettings settings, List<TradeRecord>? trades)
            {
                _series = series;
                _trades = trades;
                _size = settings.PositionSize;
                _commission = settings.Commission;
                _slip = settings.SlippageBps / 10000.0;
                Cash = settings.InitialCash;
            }

            public double Cash;
            public double Shares;
            public int Position;
            public int Fills;
            public int ClosedTrips;
            public int Wins;

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
                    Shares = target * _size;
                    Cash -= (Shares * price) + _commission;
                    _entryPrice = price;
                    Position = target;
                    Fills++;
                    if (_trades != null)
                    {
                        _open = new TradeRecord
                        {
                            Side = target > 0 ? "Long" : "Short",
                            Quantity = _size,
                            EntryDate = _series.DateText(t),
                            EntryPrice = price,
                        };
                        _trades.Add(_open);
                    }
                }
            }
        }
    }

    /// <summary>momentum: m_t = Close_t / Close_{t-lookback} - 1 against +/- threshold.</summary>
    internal struct MomentumSignal : ISignal
    {
        private readonly double[] _close;
        private readonly int _lookback;
        private readonly double _threshold;
        private readonly int _downTarget;

        public MomentumSignal(double[] close, int lookback, double threshold, bool allowShort)
        {
            _close = close;
            _lookback = lookback;
            _threshold = threshold;
            _downTarget = allowShort ? -1 : 0;
        }

        public int Decide(int t, int target)
        {
            if (t < _lookback)
            {
                return target;
            }

            double m = (_close[t] / _close[t - _lookback]) - 1.0;
            if (m > _threshold)
            {
                return 1;
            }

            if (m < -_threshold)
            {
                return _downTarget;
            }

            return target;
        }
    }

    /// <summary>
    /// mean-reversion: z_t = (Close_t - SMA) / sample stdev over the lookback bars ending at t. Rolling
    /// mean and sum of squared deviations are updated in O(1) (sliding Welford) and recomputed exactly
    /// every <see cref="RecomputeEvery"/> bars so rounding cannot drift.
    /// </summary>
    internal struct MeanReversionSignal : ISignal
    {
        internal const int RecomputeEvery = 1024;
        private readonly double[] _close;
        private readonly int _lookback;
        private readonly double _invLookback;
        private readonly double _invLookbackMinus1;
        private readonly double _entryZ;
        private readonly double _exitZ;
        private readonly bool _allowShort;
        private double _mean;
        private double _m2;
        private int _sinceRecompute;

        public MeanReversionSignal(double[] close, int lookback, double entryZ, double exitZ, bool allowShort)
        {
            _close = close;
            _lookback = lookback;
            _invLookback = 1.0 / lookback;
            _invLookbackMinus1 = 1.0 / (lookback - 1);
            _entryZ = entryZ;
            _exitZ = exitZ;
            _allowShort = allowShort;
            _mean = 0;
            _m2 = 0;
            _sinceRecompute = 0;
        }

        public int Decide(int t, int target)
        {
            double x = _close[t];
            if (t < _lookback)
            {
                double delta = x - _mean;
                _mean += delta / (t + 1);
                _m2 += delta * (x - _mean);
                if (t < _lookback - 1)
                {
                    return target;
                }
            }
            else if (++_sinceRecompute < RecomputeEvery)
            {
                double old = _close[t - _lookback];
                double mean = _mean + ((x - old) * _invLookback);
                _m2 += (x - old) * ((x - mean) + (old - _mean));
                _mean = mean;
            }
            else
            {
                Recompute(t);
            }

            double variance = _m2 * _invLookbackMinus1;
            double sd = variance > 0 ? Math.Sqrt(variance) : 0.0;

            // A flat window has no z-score: keep the position. The relative floor absorbs rounding residue.
            if (!(sd > 1e-12 * Math.Abs(_mean)))
            {
                return target;
            }

            double z = (x - _mean) / sd;
            if (target > 0 && z > -_exitZ)
            {
                target = 0;
            }
            else if (target < 0 && z < _exitZ)
            {
                target = 0;
            }

            if (target == 0)
            {
                if (z < -_entryZ)
                {
                    target = 1;
                }
                else if (_allowShort && z > _entryZ)
                {
                    target = -1;
                }
            }

            return target;
        }

        private void Recompute(int t)
        {
            _sinceRecompute = 0;
            double sum = 0;
            for (int i = t - _lookback + 1; i <= t; i++)
            {
                sum += _close[i];
            }

            double mean = sum * _invLookback;
            double m2 = 0;
            for (int i = t - _lookback + 1; i <= t; i++)
            {
                double d = _close[i] - mean;
                m2 += d * d;
            }

            _mean = mean;
            _m2 = m2;
        }
    }
}
