using System;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// neural-forecast: a one-hidden-layer (tanh) feed-forward network predicting the next close-to-close
    /// return from the last <c>lags</c> returns, the distance of the close from its 10-bar mean and the
    /// 10-bar volatility. Trained walk-forward with Adam on mean squared error over a rolling window of
    /// samples whose targets lie strictly before the decision bar; retrained (warm-started) every
    /// <c>retrainEvery</c> bars. Deterministic for a seed (own PRNG, fixed iteration order).
    /// </summary>
    internal sealed class NeuralForecaster
    {
        internal const int FeatureWindow = 10;
        internal const int MinTrainCap = 60;
        private const int BatchSize = 16;
        private const double Beta1 = 0.9;
        private const double Beta2 = 0.999;
        private const double Epsilon = 1e-8;
        private const double WeightDecay = 1e-4;

        private readonly double[] _close;
        private readonly int _n;
        private readonly int _lags;
        private readonly int _inputs;
        private readonly int _hidden;
        private readonly int _trainWindow;
        private readonly int _retrainEvery;
        private readonly int _epochs;
        private readonly double _learningRate;
        private readonly double _threshold;
        private readonly int _downTarget;
        private readonly int _firstFeature;
        private readonly int _firstDecision;
        private readonly double[] _returns;
        private readonly double[] _features;

        // Parameters: w1[h * inputs], b1[h], w2[h], b2 at the end; Adam moments alongside.
        private readonly double[] _weights;
        private readonly double[] _grad;
        private readonly double[] _m;
        private readonly double[] _v;
        private readonly double[] _featureMean;
        private readonly double[] _featureScale;
        private readonly double[] _hiddenOut;
        private readonly double[] _x;
        private readonly int[] _order;
        private double _targetMean;
        private double _targetScale = 1;
        private long _adamStep;
        private ulong _rng;

        public NeuralForecaster(double[] close, int lags, int hidden, int trainWindow, int retrainEvery, int epochs, double learningRate, double threshold, int seed, bool allowShort)
        {
            _close = close;
            _n = close.Length;
            _lags = lags;
            _inputs = lags + 2;
            _hidden = hidden;
            _trainWindow = trainWindow;
            _retrainEvery = retrainEvery;
            _epochs = epochs;
            _learningRate = learningRate;
            _threshold = threshold;
            _downTarget = allowShort ? -1 : 0;
            _firstFeature = FirstFeatureBar(lags);
            _firstDecision = FirstDecisionBar(lags, trainWindow);
            Predictions = new double[_n];
            for (int i = 0; i < _n; i++)
            {
                Predictions[i] = double.NaN;
            }

            _returns = new double[_n];
            for (int i = 1; i < _n; i++)
            {
                _returns[i] = (close[i] / close[i - 1]) - 1.0;
            }

            _features = new double[_n * _inputs];
            ComputeFeatures();

            int count = (_hidden * _inputs) + _hidden + _hidden + 1;
            _weights = new double[count];
            _grad = new double[count];
            _m = new double[count];
            _v = new double[count];
            _featureMean = new double[_inputs];
            _featureScale = new double[_inputs];
            _hiddenOut = new double[_hidden];
            _x = new double[_inputs];
            _order = new int[Math.Max(1, trainWindow)];
            _rng = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ 0xD1B54A32D192ED03UL;

            // Xavier/Glorot uniform initialisation.
            double a1 = Math.Sqrt(6.0 / (_inputs + _hidden));
            for (int i = 0; i < _hidden * _inputs; i++)
            {
                _weights[i] = (NextDouble() * 2 - 1) * a1;
            }

            double a2 = Math.Sqrt(6.0 / (_hidden + 1));
            int w2 = (_hidden * _inputs) + _hidden;
            for (int j = 0; j < _hidden; j++)
            {
                _weights[w2 + j] = (NextDouble() * 2 - 1) * a2;
            }
        }

        /// <summary>Predicted next-bar return per decision bar (NaN where no prediction was made).</summary>
        public double[] Predictions { get; }

        /// <summary>First bar whose features exist (needs lags returns and a 10-bar window).</summary>
        internal static int FirstFeatureBar(int lags) => Math.Max(lags, FeatureWindow);

        /// <summary>Samples needed before the first decision: min(trainWindow, 60).</summary>
        internal static int MinTrain(int trainWindow) => Math.Min(trainWindow, MinTrainCap);

        /// <summary>
        /// First decision bar t0: samples s (features at s, target return at s+1) with s + 1 &lt;= t0 - 1
        /// run from FirstFeatureBar to t0 - 2, and at least MinTrain of them are needed.
        /// </summary>
        internal static int FirstDecisionBar(int lags, int trainWindow) => FirstFeatureBar(lags) + 1 + MinTrain(trainWindow);

        /// <summary>Directional accuracy over bars from <paramref name="from"/> on with a prediction, a next bar and a non-zero next return.</summary>
        public double? DirectionalAccuracy(int from = 0)
        {
            int right = 0, total = 0;
            for (int t = from; t + 1 < _n; t++)
            {
                double p = Predictions[t];
                double actual = _returns[t + 1];
                if (double.IsNaN(p) || actual == 0 || p == 0)
                {
                    continue;
                }

                total++;
                if ((p > 0) == (actual > 0))
                {
                    right++;
                }
            }

            return total > 0 ? (double)right / total : (double?)null;
        }

        public int Decide(int t, int target)
        {
            if (t < _firstDecision)
            {
                return target;
            }

            if ((t - _firstDecision) % _retrainEvery == 0)
            {
                Train(t);
            }

            double prediction = Predict(t);
            Predictions[t] = prediction;
            if (prediction > _threshold)
            {
                return 1;
            }

            if (prediction < -_threshold)
            {
                return _downTarget;
            }

            return target;
        }

        private void ComputeFeatures()
        {
            int d = _inputs;
            for (int s = _firstFeature; s < _n; s++)
            {
                int o = s * d;
                for (int j = 0; j < _lags; j++)
                {
                    _features[o + j] = _returns[s - j];
                }

                // Exact sums over 10 bars (cheap; keeps features bit-identical regardless of history length).
                double sc = 0;
                double sumRet = 0;
                double sumRet2 = 0;
                for (int i = s - FeatureWindow + 1; i <= s; i++)
                {
                    sc += _close[i];
                    sumRet += _returns[i];
                }

                double meanRet = sumRet / FeatureWindow;
                for (int i = s - FeatureWindow + 1; i <= s; i++)
                {
                    double e = _returns[i] - meanRet;
                    sumRet2 += e * e;
                }

                _features[o + _lags] = (_close[s] / (sc / FeatureWindow)) - 1.0;
                _features[o + _lags + 1] = Math.Sqrt(sumRet2 / (FeatureWindow - 1));
            }
        }

        private void Train(int t)
        {
            int last = t - 2;                                   // target return at last + 1 = t - 1 < t
            int first = Math.Max(_firstFeature, last - _trainWindow + 1);
            int count = last - first + 1;
            int d = _inputs;

            // Standardise features and target over the training window.
            for (int j = 0; j < d; j++)
            {
                double sum = 0;
                for (int s = first; s <= last; s++)
                {
                    sum += _features[(s * d) + j];
                }

                double mean = sum / count;
                double ss = 0;
                for (int s = first; s <= last; s++)
                {
                    double e = _features[(s * d) + j] - mean;
                    ss += e * e;
                }

                double sd = Math.Sqrt(ss / count);
                _featureMean[j] = mean;
                _featureScale[j] = sd > 1e-12 ? 1.0 / sd : 1.0;
            }

            {
                double sum = 0;
                for (int s = first; s <= last; s++)
                {
                    sum += _returns[s + 1];
                }

                double mean = sum / count;
                double ss = 0;
                for (int s = first; s <= last; s++)
                {
                    double e = _returns[s + 1] - mean;
                    ss += e * e;
                }

                double sd = Math.Sqrt(ss / count);
                _targetMean = mean;
                _targetScale = sd > 1e-12 ? sd : 1.0;
            }

            for (int i = 0; i < count; i++)
            {
                _order[i] = first + i;
            }

            int h = _hidden;
            int b1 = h * d;
            int w2 = b1 + h;
            int b2 = w2 + h;
            for (int epoch = 0; epoch < _epochs; epoch++)
            {
                // Fisher-Yates shuffle with the seeded generator.
                for (int i = count - 1; i > 0; i--)
                {
                    int k = (int)(NextUInt64() % (ulong)(i + 1));
                    int tmp = _order[i];
                    _order[i] = _order[k];
                    _order[k] = tmp;
                }

                for (int start = 0; start < count; start += BatchSize)
                {
                    int end = Math.Min(count, start + BatchSize);
                    Array.Clear(_grad, 0, _grad.Length);
                    for (int bi = start; bi < end; bi++)
                    {
                        int s = _order[bi];
                        LoadInput(s);
                        double output = Forward();
                        double y = (_returns[s + 1] - _targetMean) / _targetScale;
                        double gOut = output - y;               // d(0.5 (out - y)^2)/d out
                        _grad[b2] += gOut;
                        for (int j = 0; j < h; j++)
                        {
                            double a = _hiddenOut[j];
                            _grad[w2 + j] += gOut * a;
                            double gPre = gOut * _weights[w2 + j] * (1 - (a * a));
                            _grad[b1 + j] += gPre;
                            int row = j * d;
                            for (int k = 0; k < d; k++)
                            {
                                _grad[row + k] += gPre * _x[k];
                            }
                        }
                    }

                    AdamStep(1.0 / (end - start));
                }
            }
        }

        private void AdamStep(double scale)
        {
            _adamStep++;
            double c1 = 1 - Math.Pow(Beta1, _adamStep);
            double c2 = 1 - Math.Pow(Beta2, _adamStep);
            double lr = _learningRate * Math.Sqrt(c2) / c1;
            for (int i = 0; i < _weights.Length; i++)
            {
                double g = (_grad[i] * scale) + (WeightDecay * _weights[i]);
                _m[i] = (Beta1 * _m[i]) + ((1 - Beta1) * g);
                _v[i] = (Beta2 * _v[i]) + ((1 - Beta2) * g * g);
                _weights[i] -= lr * _m[i] / (Math.Sqrt(_v[i]) + Epsilon);
            }
        }

        private double Predict(int t)
        {
            LoadInput(t);
            return (Forward() * _targetScale) + _targetMean;
        }

        private void LoadInput(int s)
        {
            int o = s * _inputs;
            for (int k = 0; k < _inputs; k++)
            {
                _x[k] = (_features[o + k] - _featureMean[k]) * _featureScale[k];
            }
        }

        private double Forward()
        {
            int d = _inputs;
            int h = _hidden;
            int b1 = h * d;
            int w2 = b1 + h;
            double output = _weights[w2 + h];
            for (int j = 0; j < h; j++)
            {
                double sum = _weights[b1 + j];
                int row = j * d;
                for (int k = 0; k < d; k++)
                {
                    sum += _weights[row + k] * _x[k];
                }

                double a = Math.Tanh(sum);
                _hiddenOut[j] = a;
                output += _weights[w2 + j] * a;
            }

            return output;
        }

        private ulong NextUInt64()
        {
            // SplitMix64: tiny, fast and identical on every platform.
            ulong z = _rng += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        private double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
    }

    /// <summary>Adapter so the forecaster runs in the specialised backtest loop.</summary>
    internal struct NeuralSignal : ISignal
    {
        private readonly NeuralForecaster _model;

        public NeuralSignal(NeuralForecaster model)
        {
            _model = model;
        }

        public void Decide(int start, Span<int> targets, int target, Span<double> scratch)
        {
            for (int i = 0; i < targets.Length; i++)
            {
                target = _model.Decide(start + i, target);
                targets[i] = target;
            }
        }
    }
}
