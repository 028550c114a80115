using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace NeuralTrader.Swarm.Core.Coordination
{
    /// <summary>
    /// Strategy parameters arrive as numbers, strings, booleans, dates or JSON values (from PowerShell
    /// hashtables, the CLI or the store); this turns them into JSON for the runner and the store and back.
    /// </summary>
    internal static class ParameterJson
    {
        public static JsonElement ToElement(object? value)
        {
            if (value is JsonElement element)
                return element.Clone();
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
                Write(writer, value);
            using (var document = JsonDocument.Parse(buffer.ToArray()))
                return document.RootElement.Clone();
        }

        public static string Serialize(IEnumerable<KeyValuePair<string, object?>> parameters)
        {
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var p in parameters)
                {
                    writer.WritePropertyName(p.Key);
                    Write(writer, p.Value);
                }
                writer.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        public static Dictionary<string, object?> Deserialize(string json)
        {
            var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            using (var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json))
            {
                foreach (var property in document.RootElement.EnumerateObject())
                    parameters[property.Name] = property.Value.Clone();
            }

            return parameters;
        }

        private static void Write(Utf8JsonWriter writer, object? value)
        {
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case JsonElement e: e.WriteTo(writer); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case DateTime d: writer.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                case DateTimeOffset d: writer.WriteStringValue(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)); break;
                case IConvertible c when IsNumber(c) && IsFinite(c.ToDouble(CultureInfo.InvariantCulture)):
                    writer.WriteNumberValue(c.ToDouble(CultureInfo.InvariantCulture));
                    break;
                // Strings, NaN and anything else travel as text; the strategy validation names what it cannot parse.
                default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""); break;
            }
        }

        private static bool IsFinite(double d) => !double.IsNaN(d) && !double.IsInfinity(d);

        private static bool IsNumber(IConvertible c)
        {
            switch (c.GetTypeCode())
            {
                case TypeCode.Byte: case TypeCode.SByte: case TypeCode.Int16: case TypeCode.UInt16:
                case TypeCode.Int32: case TypeCode.UInt32: case TypeCode.Int64: case TypeCode.UInt64:
                case TypeCode.Single: case TypeCode.Double: case TypeCode.Decimal:
                    return true;
                default:
                    return false;
            }
        }
    }
}
