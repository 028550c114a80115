using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace NeuralTrader.Swarm.Tests.Strategies
{
    /// <summary>
    /// Writes intraday CSV files by a fixed rule, because no intraday sample with a clear licence can be bundled
    /// offline (docs/strategies.md, "Intervals"). The rule: sessions on weekdays from <c>firstDay</c>, bars every
    /// <c>minutes</c> from 09:30 up to (not including) 16:00 New York time, stamped with their UTC offset
    /// (-05:00, or -04:00 from the second Sunday of March, US daylight time); returns from
    /// <see cref="TestSeries.Ar1Returns"/> (phi 0.3, sigma 0.001, the given seed); open = previous close,
    /// close = open × (1 + r), high/low 0.05 % beyond them, volume 1000. The column is named <c>Datetime</c>
    /// as yfinance names it for intraday data.
    /// </summary>
    internal static class IntradayFiles
    {
        public static string Write(string folder, string fileName, int minutes, int sessions, int seed = 3, DateTime? firstDay = null, bool offsets = true, double start = 100)
        {
            string path = Path.Combine(folder, fileName);
            File.WriteAllText(path, Csv(minutes, sessions, seed, firstDay ?? new DateTime(2025, 3, 5), offsets, start));
            return path;
        }

        public static string Csv(int minutes, int sessions, int seed, DateTime firstDay, bool offsets, double start)
        {
            int perDay = (int)((16.0 - 9.5) * 60 / minutes);
            double[] returns = TestSeries.Ar1Returns(perDay * sessions, 0.3, 0.001, seed);
            var text = new StringBuilder("Datetime,Open,High,Low,Close,Volume\n");
            double close = start;
            int k = 0;
            foreach (DateTime day in Weekdays(firstDay, sessions))
            {
                string zone = day >= SecondSundayOfMarch(day.Year) ? "-04:00" : "-05:00";
                for (int b = 0; b < perDay; b++)
                {
                    DateTime stamp = day.AddMinutes((9.5 * 60) + (b * minutes));
                    double open = close;
                    close = open * (1 + returns[k++]);
                    text.Append(stamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append(offsets ? zone : "").Append(',')
                        .Append(N(open)).Append(',').Append(N(Math.Max(open, close) * 1.0005)).Append(',')
                        .Append(N(Math.Min(open, close) * 0.9995)).Append(',').Append(N(close)).Append(",1000\n");
                }
            }

            return text.ToString();
        }

        public static int BarsPerSession(int minutes) => (int)((16.0 - 9.5) * 60 / minutes);

        private static IEnumerable<DateTime> Weekdays(DateTime first, int count)
        {
            for (DateTime d = first.Date; count > 0; d = d.AddDays(1))
            {
                if (d.DayOfWeek != DayOfWeek.Saturday && d.DayOfWeek != DayOfWeek.Sunday)
                {
                    count--;
                    yield return d;
                }
            }
        }

        private static DateTime SecondSundayOfMarch(int year)
        {
            var d = new DateTime(year, 3, 1);
            while (d.DayOfWeek != DayOfWeek.Sunday)
            {
                d = d.AddDays(1);
            }

            return d.AddDays(7);
        }

        private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }
}
