using System;
using System.Globalization;

namespace NeuralTrader.Swarm.Core
{
    /// <summary>
    /// The original design's time stamp in file names: the UTC ISO time with ':' and '.' turned into '-'
    /// (JavaScript's <c>toISOString().replace(/[:.]/g, '-')</c>), e.g. <c>2026-11-24T07-08-07-000Z</c>.
    /// </summary>
    public static class FileStamp
    {
        /// <summary>The stamp for a moment.</summary>
        public static string Of(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH-mm-ss-fff'Z'", CultureInfo.InvariantCulture);

        /// <summary><c>swarm-state-&lt;stamp&gt;.json</c>: where an export without a file name goes.</summary>
        public static string StateFileName(DateTimeOffset time) => "swarm-state-" + Of(time) + ".json";
    }
}
