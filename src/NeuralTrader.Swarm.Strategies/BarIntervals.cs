using System;
using System.Globalization;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>
    /// Bar intervals by name: <c>1min</c>, <c>5min</c>, <c>15min</c>, <c>30min</c>, <c>1h</c> and <c>1d</c>,
    /// held as minutes (a day is 1440). See docs/strategies.md, "Intervals".
    /// </summary>
    public static class BarIntervals
    {
        /// <summary>Minutes of a daily bar.</summary>
        public const int Daily = 1440;

        /// <summary>Trading days a year, the annualisation base for every interval (a US exchange's count).</summary>
        public const double TradingDaysPerYear = 252;

        /// <summary>The interval names a request may give.</summary>
        public static readonly string[] Names = { "1min", "5min", "15min", "30min", "1h", "1d" };

        private static readonly int[] Minutes = { 1, 5, 15, 30, 60, Daily };

        /// <summary>The minutes of a named interval (case-insensitive); false for any other text.</summary>
        public static bool TryParse(string? name, out int minutes)
        {
            string text = (name ?? "").Trim();
            for (int i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase))
                {
                    minutes = Minutes[i];
                    return true;
                }
            }

            minutes = 0;
            return false;
        }

        /// <summary>True when <paramref name="minutes"/> is the length of one of the <see cref="Names"/>.</summary>
        public static bool IsKnown(double minutes) => Array.IndexOf(Minutes, (int)minutes) >= 0 && (int)minutes == minutes;

        /// <summary>The name of an interval of this many minutes: one of <see cref="Names"/>, or <c>Nmin</c>/<c>Nh</c> for others.</summary>
        public static string Name(int minutes)
        {
            int i = Array.IndexOf(Minutes, minutes);
            if (i >= 0)
            {
                return Names[i];
            }

            return minutes % 60 == 0
                ? (minutes / 60).ToString(CultureInfo.InvariantCulture) + "h"
                : minutes.ToString(CultureInfo.InvariantCulture) + "min";
        }
    }
}
