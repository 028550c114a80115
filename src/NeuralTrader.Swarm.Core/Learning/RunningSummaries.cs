using System;
using System.Collections.Generic;
using NeuralTrader.Swarm.Core.Store;

namespace NeuralTrader.Swarm.Core.Learning
{
    /// <summary>
    /// Running figures of a pair's usable observations, updated as each arrives, so a suggestion does not scan (or sort)
    /// every run of the pair. Sums run in insertion order, so they equal the LINQ averages they replace.
    /// </summary>
    internal sealed class PairSummary
    {
        private double _scoreSum;
        private int _usable;

        internal int Unreadable { get; set; }

        internal int AtLeastHalf { get; private set; }

        /// <summary>The first usable observation with the highest score.</summary>
        internal Observation? Best { get; private set; }

        internal double MeanScore => _usable == 0 ? 0 : _scoreSum / _usable;

        /// <summary>Durations of the usable runs whose status is Succeeded.</summary>
        internal RunningMedian SucceededDurations { get; } = new RunningMedian();

        internal void AddUsable(Observation o)
        {
            _usable++;
            _scoreSum += o.Score;
            if (o.Score >= 0.5)
            {
                AtLeastHalf++;
            }

            if (Best is null || o.Score > Best.Score)
            {
                Best = o;
            }

            if (o.Status == ExecutionStatus.Succeeded)
            {
                SucceededDurations.Add(o.DurationMs);
            }
        }
    }

    /// <summary>Running figures of all observations of a strategy.</summary>
    internal sealed class StrategySummary
    {
        private readonly Dictionary<string, (int Count, string[] Operations)> _sequences = new Dictionary<string, (int Count, string[] Operations)>(StringComparer.Ordinal);
        private double _scoreSum;
        private int _count;
        private string? _bestKey;
        private int _bestCount;

        internal double MeanScore => _count == 0 ? 0.5 : _scoreSum / _count;

        /// <summary>Durations of the runs that executed successfully.</summary>
        internal RunningMedian SuccessDurations { get; } = new RunningMedian();

        /// <summary>The most frequent operation sequence of successful runs (ties: the ordinally smallest), or null.</summary>
        internal string[]? MostCommonSequence { get; private set; }

        internal void Add(Observation o)
        {
            _count++;
            _scoreSum += o.Score;
            if (o.Success)
            {
                SuccessDurations.Add(o.DurationMs);
            }

            if (!o.Readable || o.Status != ExecutionStatus.Succeeded || o.Operations is null || o.Operations.Length == 0)
            {
                return;
            }

            // Counts only grow, so the running maximum stays exact.
            var key = string.Join(">", o.Operations);
            var count = _sequences.TryGetValue(key, out var c) ? c.Count + 1 : 1;
            var operations = count == 1 ? o.Operations : c.Operations;
            _sequences[key] = (count, operations);
            if (count > _bestCount || (count == _bestCount && string.CompareOrdinal(key, _bestKey) < 0))
            {
                _bestCount = count;
                _bestKey = key;
                MostCommonSequence = operations;
            }
        }
    }

    /// <summary>
    /// The upper median (element n/2 of the sorted values) of a growing set, in O(log n) per value: a max-heap of the
    /// lower n/2 values and a min-heap of the rest.
    /// </summary>
    internal sealed class RunningMedian
    {
        private readonly List<long> _lower = new List<long>();
        private readonly List<long> _upper = new List<long>();

        internal int Count => _lower.Count + _upper.Count;

        internal double Median => _upper[0];

        internal void Add(long value)
        {
            if (_upper.Count > 0 && value >= _upper[0])
            {
                Push(_upper, value);
            }
            else
            {
                Push(_lower, -value);
            }

            var lowerSize = Count / 2;
            if (_lower.Count > lowerSize)
            {
                Push(_upper, -Pop(_lower));
            }
            else if (_lower.Count < lowerSize)
            {
                Push(_lower, -Pop(_upper));
            }
        }

        // Min-heaps; the lower half stores negated values.
        private static void Push(List<long> heap, long value)
        {
            heap.Add(value);
            var i = heap.Count - 1;
            while (i > 0)
            {
                var parent = (i - 1) / 2;
                if (heap[parent] <= heap[i])
                {
                    break;
                }

                (heap[parent], heap[i]) = (heap[i], heap[parent]);
                i = parent;
            }
        }

        private static long Pop(List<long> heap)
        {
            var top = heap[0];
            var last = heap[heap.Count - 1];
            heap.RemoveAt(heap.Count - 1);
            if (heap.Count == 0)
            {
                return top;
            }

            heap[0] = last;
            var i = 0;
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= heap.Count)
                {
                    break;
                }

                var smallest = left + 1 < heap.Count && heap[left + 1] < heap[left] ? left + 1 : left;
                if (heap[i] <= heap[smallest])
                {
                    break;
                }

                (heap[i], heap[smallest]) = (heap[smallest], heap[i]);
                i = smallest;
            }

            return top;
        }
    }
}
