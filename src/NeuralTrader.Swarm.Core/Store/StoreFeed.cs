using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using NeuralTrader.Swarm.Core.Security;

namespace NeuralTrader.Swarm.Core.Store
{
    /// <summary>Records new since the learning model's last read, payloads opened where the key allows.</summary>
    internal sealed class StoreFeed
    {
        internal StoreFeed(string generation, IReadOnlyList<Record> records)
        {
            Generation = generation;
            Records = records;
        }

        internal string Generation { get; }

        internal IReadOnlyList<Record> Records { get; }

        /// <summary>A row and its trajectory, or null when the payload cannot be read here.</summary>
        internal readonly struct Record
        {
            internal Record(RecordRow row, Trajectory? trajectory)
            {
                Row = row;
                Trajectory = trajectory;
            }

            internal RecordRow Row { get; }

            internal Trajectory? Trajectory { get; }
        }
    }

    /// <summary>
    /// Reads the learning feed of one store instance. It keeps the trajectories this instance appended, by id, until the
    /// feed takes them in: the model then gets these instead of reading back, decrypting and parsing rows this process
    /// has just written (most of a Predict's cost during a swarm). Kept only once the feed is in use, and bounded, so a
    /// store that only appends holds none.
    /// </summary>
    internal sealed class StoreFeedReader
    {
        private const int MaxRecent = 10000;
        private readonly PayloadSealer _sealer;
        private readonly ConcurrentDictionary<string, Trajectory> _recent = new ConcurrentDictionary<string, Trajectory>(StringComparer.Ordinal);
        private volatile bool _inUse;

        public StoreFeedReader(PayloadSealer sealer) => _sealer = sealer;

        /// <summary>True from the first read on: only then are appends remembered.</summary>
        public bool InUse => _inUse;

        /// <summary>The records after <paramref name="afterSeq"/> (all when the generation changed), opened where the key allows; null when none.</summary>
        public StoreFeed? Read(ITrajectoryBackend backend, string generation, long afterSeq)
        {
            _inUse = true;
            var feed = backend.ReadSince(generation, afterSeq);
            if (feed is null)
            {
                return null;
            }

            if (!string.Equals(feed.Generation, generation, StringComparison.Ordinal))
            {
                _recent.Clear();
            }

            // Opening and deserialising dominate a cold load; do it in parallel.
            var rows = feed.Rows;
            var records = new StoreFeed.Record[rows.Count];
            if (rows.Count >= 256 && Environment.ProcessorCount > 1)
            {
                Parallel.For(0, rows.Count, i => records[i] = Open(rows[i], feed.Encapsulations));
            }
            else
            {
                for (var i = 0; i < rows.Count; i++)
                {
                    records[i] = Open(rows[i], feed.Encapsulations);
                }
            }

            return new StoreFeed(feed.Generation, records);
        }

        public void Remember(IReadOnlyList<Trajectory> trajectories)
        {
            if (_recent.Count + trajectories.Count > MaxRecent)
            {
                _recent.Clear();
            }

            foreach (var trajectory in trajectories)
            {
                _recent[trajectory.Id] = trajectory;
            }
        }

        public void Forget(IEnumerable<RecordRow> rows)
        {
            foreach (var row in rows)
            {
                _recent.TryRemove(row.Id, out _);
            }
        }

        private StoreFeed.Record Open(RecordRow row, IReadOnlyDictionary<string, byte[]> encapsulations)
        {
            if (!_sealer.CanOpen(row))
            {
                return new StoreFeed.Record(row, null);
            }

            if (_recent.TryRemove(row.Id, out var trajectory))
            {
                return new StoreFeed.Record(row, trajectory);
            }

            try
            {
                return new StoreFeed.Record(row, _sealer.Open(row, encapsulations));
            }
            catch (StoreException)
            {
                return new StoreFeed.Record(row, null);
            }
        }
    }
}
