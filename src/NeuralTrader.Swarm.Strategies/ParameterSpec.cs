using System;
using System.Globalization;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Strategies
{
    /// <summary>Parameter kinds as reported in <see cref="ParameterInfo.Kind"/>.</summary>
    public static class ParameterKinds
    {
        /// <summary>A whole number.</summary>
        public const string Integer = "integer";
        /// <summary>A finite real number.</summary>
        public const string Number = "number";
        /// <summary>true/false, also accepted as 1/0.</summary>
        public const string Boolean = "boolean";
        /// <summary>
        /// An ISO yyyy-MM-dd date, or a timestamp yyyy-MM-ddTHH:mm[:ss] for intraday data; reported in effective
        /// parameters as the number yyyyMMdd (or yyyyMMddHHmmss when it has a time of day).
        /// </summary>
        public const string Date = "date";
        /// <summary>A bar interval (1min, 5min, 15min, 30min, 1h, 1d); reported in effective parameters as minutes.</summary>
        public const string Interval = "interval";
    }

    internal sealed class ParameterSpec
    {
        public ParameterSpec(string name, string kind, double? defaultValue, double? min, double? max, string description)
        {
            Name = name;
            Kind = kind;
            Default = defaultValue;
            Min = min;
            Max = max;
            Description = description;
        }

        public string Name { get; }

        public string Kind { get; }

        public double? Default { get; }

        public double? Min { get; }

        public double? Max { get; }

        public string Description { get; }

        public ParameterInfo ToInfo() => new ParameterInfo
        {
            Name = Name,
            Kind = Kind,
            Default = Default,
            Min = Min,
            Max = Max,
            Description = Description,
        };

        /// <summary>Converts a caller's value to the canonical double (dates: yyyyMMdd), checking kind and range.</summary>
        public double Convert(string strategy, object? value)
        {
            if (value is null)
            {
                throw Error(strategy, "has no value");
            }

            double result;
            switch (Kind)
            {
                case ParameterKinds.Boolean:
                    result = ToBoolean(strategy, value) ? 1.0 : 0.0;
                    break;
                case ParameterKinds.Date:
                    result = ToDateNumber(strategy, value);
                    break;
                case ParameterKinds.Interval:
                    result = ToIntervalMinutes(strategy, value);
                    break;
                default:
                    result = ToNumber(strategy, value);
                    if (double.IsNaN(result) || double.IsInfinity(result))
                    {
                        throw Error(strategy, "must be a finite number" + RangeText() + ", got " + Describe(value));
                    }

                    if (Kind == ParameterKinds.Integer && Math.Floor(result) != result)
                    {
                        throw Error(strategy, "must be a whole number" + RangeText() + ", got " + Describe(value));
                    }

                    if ((Min.HasValue && result < Min.Value) || (Max.HasValue && result > Max.Value))
                    {
                        throw Error(strategy, "is out of range: must be" + RangeText() + ", got " + Describe(value));
                    }

                    break;
            }

            return result;
        }

        public StrategyException Error(string strategy, string problem) =>
            new StrategyException(RunnerErrorCodes.InvalidParameter, "Parameter '" + Name + "' of " + strategy + " " + problem + ".");

        public string RangeText()
        {
            if (Kind == ParameterKinds.Boolean)
            {
                return " (true/false or 1/0)";
            }

            if (Min.HasValue && Max.HasValue)
            {
                return " between " + Num(Min.Value) + " and " + Num(Max.Value);
            }

            return "";
        }

        internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>Decodes yyyyMMdd or yyyyMMddHHmmss (see <see cref="ParameterKinds.Date"/>).</summary>
        internal static DateTime DateFromNumber(double number)
        {
            long v = (long)number;
            if (v < 100000000L)
            {
                return new DateTime((int)(v / 10000), (int)(v / 100 % 100), (int)(v % 100));
            }

            long day = v / 1000000;
            long time = v % 1000000;
            return new DateTime((int)(day / 10000), (int)(day / 100 % 100), (int)(day % 100), (int)(time / 10000), (int)(time / 100 % 100), (int)(time % 100));
        }

        private static string Describe(object value)
        {
            switch (value)
            {
                case string s:
                    return "'" + s + "'";
                case JsonElement e:
                    return e.ValueKind == JsonValueKind.String ? "'" + e.GetString() + "'" : e.GetRawText();
                case bool b:
                    return b ? "true" : "false";
                case IFormattable f:
                    return f.ToString(null, CultureInfo.InvariantCulture);
                default:
                    return value.ToString() ?? value.GetType().Name;
            }
        }

        private double ToNumber(string strategy, object value)
        {
            switch (value)
            {
                case double d:
                    return d;
                case int i:
                    return i;
                case long l:
                    return l;
                case float f:
                    return f;
                case decimal m:
                    return (double)m;
                case bool b:
                    throw Error(strategy, "must be a number" + RangeText() + ", got boolean " + (b ? "true" : "false"));
                case string s:
                    return ParseNumber(strategy, s);
                case JsonElement e:
                    switch (e.ValueKind)
                    {
                        case JsonValueKind.Number:
                            return e.GetDouble();
                        case JsonValueKind.String:
                            return ParseNumber(strategy, e.GetString() ?? "");
                        default:
                            throw Error(strategy, "must be a number" + RangeText() + ", got JSON " + e.ValueKind.ToString().ToLowerInvariant() + " " + Truncate(e.GetRawText()));
                    }

                case IConvertible c when IsNumeric(c.GetTypeCode()):
                    return c.ToDouble(CultureInfo.InvariantCulture);
                case IFormattable fo:
                    return ParseNumber(strategy, fo.ToString(null, CultureInfo.InvariantCulture));
                default:
                    return ParseNumber(strategy, value.ToString() ?? "");
            }
        }

        private double ParseNumber(string strategy, string text)
        {
            string t = text.Trim();
            if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            {
                return d;
            }

            throw Error(strategy, "must be a number" + RangeText() + ", got '" + Truncate(text) + "'");
        }

        private bool ToBoolean(string strategy, object value)
        {
            switch (value)
            {
                case bool b:
                    return b;
                case JsonElement e:
                    switch (e.ValueKind)
                    {
                        case JsonValueKind.True:
                            return true;
                        case JsonValueKind.False:
                            return false;
                        case JsonValueKind.Number:
                            return NumberToBoolean(strategy, e.GetDouble(), e.GetRawText());
                        case JsonValueKind.String:
                            return ParseBoolean(strategy, e.GetString() ?? "");
                        default:
                            throw Error(strategy, "must be true/false or 1/0, got JSON " + e.ValueKind.ToString().ToLowerInvariant());
                    }

                case string s:
                    return ParseBoolean(strategy, s);
                case IConvertible c when IsNumeric(c.GetTypeCode()):
                    return NumberToBoolean(strategy, c.ToDouble(CultureInfo.InvariantCulture), Describe(value));
                default:
                    return ParseBoolean(strategy, value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? "");
            }
        }

        private bool NumberToBoolean(string strategy, double d, string text)
        {
            if (d == 0)
            {
                return false;
            }

            if (d == 1)
            {
                return true;
            }

            throw Error(strategy, "must be true/false or 1/0, got " + text);
        }

        private bool ParseBoolean(string strategy, string text)
        {
            string t = text.Trim();
            if (string.Equals(t, "true", StringComparison.OrdinalIgnoreCase) || t == "1")
            {
                return true;
            }

            if (string.Equals(t, "false", StringComparison.OrdinalIgnoreCase) || t == "0")
            {
                return false;
            }

            throw Error(strategy, "must be true/false or 1/0, got '" + Truncate(text) + "'");
        }

        private double ToDateNumber(string strategy, object value)
        {
            DateTime date;
            switch (value)
            {
                case DateTime dt:
                    date = dt;
                    break;
                case DateTimeOffset dto:
                    date = dto.DateTime;
                    break;
                case JsonElement e when e.ValueKind == JsonValueKind.String:
                    date = ParseDate(strategy, e.GetString() ?? "");
                    break;
                case JsonElement e:
                    throw Error(strategy, "must be a yyyy-MM-dd date string, got JSON " + e.ValueKind.ToString().ToLowerInvariant() + " " + Truncate(e.GetRawText()));
                case string s:
                    date = ParseDate(strategy, s);
                    break;
                default:
                    date = ParseDate(strategy, value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? "");
                    break;
            }

            // Whole seconds: the number keeps yyyyMMddHHmmss exactly (below 2^53).
            long day = (date.Year * 10000L) + (date.Month * 100) + date.Day;
            TimeSpan time = date.TimeOfDay;
            return time == TimeSpan.Zero ? day : (day * 1000000L) + (time.Hours * 10000) + (time.Minutes * 100) + time.Seconds;
        }

        private DateTime ParseDate(string strategy, string text)
        {
            // An offset is not compared: windows are cut on the local clock time the data is written in.
            if (BarTimestamps.TryParseTimestamp(text.Trim(), out DateTime date, out _))
            {
                return date;
            }

            throw Error(strategy, "must be a yyyy-MM-dd date (or yyyy-MM-ddTHH:mm for intraday data), got '" + Truncate(text) + "'");
        }

        private double ToIntervalMinutes(string strategy, object value)
        {
            string text = value is JsonElement e && e.ValueKind == JsonValueKind.String ? e.GetString() ?? ""
                : value is JsonElement other ? other.GetRawText()
                : value is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : value.ToString() ?? "";
            if (BarIntervals.TryParse(text, out int minutes))
            {
                return minutes;
            }

            // Effective parameters report minutes; passing them back must work.
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && BarIntervals.IsKnown(number))
            {
                return number;
            }

            throw Error(strategy, "must be one of " + string.Join(", ", BarIntervals.Names) + ", got '" + Truncate(text) + "'");
        }

        private static bool IsNumeric(TypeCode code) => code >= TypeCode.SByte && code <= TypeCode.Decimal;

        private static string Truncate(string s) => s.Length <= 60 ? s : s.Substring(0, 57) + "...";
    }
}
