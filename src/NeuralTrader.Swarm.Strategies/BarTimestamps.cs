using System;
using System.Globalization;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>The text form of bar timestamps: ISO dates and times with an optional offset, parsed and written.</summary>
    internal static class BarTimestamps
    {
        internal const string DateFormat = "yyyy-MM-dd";

        /// <summary>
        /// Parses yyyy-MM-dd, optionally followed by ' ' or 'T', a time HH:mm[:ss[.fffffff]] and an offset
        /// (Z, +hh:mm, -hh:mm, +hhmm, +hh). Other text falls back to an invariant-culture parse without offset.
        /// </summary>
        internal static bool TryParseTimestamp(string text, out DateTime local, out TimeSpan? offset)
        {
            offset = null;
            string s = text.Trim();
            if (s.Length >= 10 && s[4] == '-' && s[7] == '-' && (s.Length == 10 || s[10] == ' ' || s[10] == 'T'))
            {
                if (!DateTime.TryParseExact(s.Substring(0, 10), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out local))
                {
                    return false;
                }

                if (s.Length == 10)
                {
                    return true;
                }

                string rest = s.Substring(11);
                int zone = rest.Length;
                if (rest.EndsWith("Z", StringComparison.OrdinalIgnoreCase))
                {
                    zone = rest.Length - 1;
                    offset = TimeSpan.Zero;
                }
                else
                {
                    int sign = rest.LastIndexOfAny(new[] { '+', '-' });
                    if (sign > 0)
                    {
                        zone = sign;
                        if (!TryParseOffset(rest.Substring(sign), out TimeSpan parsed))
                        {
                            return false;
                        }

                        offset = parsed;
                    }
                }

                if (!TimeSpan.TryParseExact(rest.Substring(0, zone).Trim(), TimeFormats, CultureInfo.InvariantCulture, out TimeSpan time) || time >= TimeSpan.FromDays(1))
                {
                    return false;
                }

                local = local.Add(time);
                return true;
            }

            if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out local))
            {
                local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
                return true;
            }

            return false;
        }

        private static readonly string[] TimeFormats = { @"hh\:mm", @"hh\:mm\:ss", @"hh\:mm\:ss\.FFFFFFF" };

        private static bool TryParseOffset(string text, out TimeSpan offset)
        {
            // +hh:mm, +hhmm or +hh; ISO allows no more than 14 hours either way.
            offset = TimeSpan.Zero;
            string digits = text.Substring(1).Replace(":", "");
            if ((digits.Length != 2 && digits.Length != 4) || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value))
            {
                return false;
            }

            int hours = digits.Length == 2 ? value : value / 100;
            int minutes = digits.Length == 2 ? 0 : value % 100;
            if (hours > 14 || minutes > 59)
            {
                return false;
            }

            offset = new TimeSpan(hours, minutes, 0);
            if (text[0] == '-')
            {
                offset = offset.Negate();
            }

            return true;
        }

        /// <summary>yyyy-MM-dd for a date at midnight, yyyy-MM-ddTHH:mm:ss otherwise, with the offset when given.</summary>
        internal static string FormatStamp(DateTime stamp, TimeSpan? offset = null)
        {
            if (stamp.TimeOfDay == TimeSpan.Zero && !offset.HasValue)
            {
                return FormatDate(stamp);
            }

            string text = stamp.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            if (stamp.Ticks % TimeSpan.TicksPerSecond != 0)
            {
                text = stamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
            }

            if (offset.HasValue)
            {
                TimeSpan o = offset.Value;
                text += o == TimeSpan.Zero ? "Z" : (o < TimeSpan.Zero ? "-" : "+") + o.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            }

            return text;
        }

        internal static string FormatDate(DateTime date)
        {
            // Hand-rolled yyyy-MM-dd: several times faster than a format string, and trades and equity
            // points format dates on every run.
            int y = date.Year, m = date.Month, d = date.Day;
            var c = new char[10];
            c[0] = (char)('0' + (y / 1000));
            c[1] = (char)('0' + (y / 100 % 10));
            c[2] = (char)('0' + (y / 10 % 10));
            c[3] = (char)('0' + (y % 10));
            c[4] = '-';
            c[5] = (char)('0' + (m / 10));
            c[6] = (char)('0' + (m % 10));
            c[7] = '-';
            c[8] = (char)('0' + (d / 10));
            c[9] = (char)('0' + (d % 10));
            return new string(c);
        }
    }
}
