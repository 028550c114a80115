using System;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralTrader.Swarm.Protocol
{
    /// <summary>
    /// Reads and writes the small flat objects a run returns by the hundred (equity points, trades) straight from the
    /// reader and to the writer. The same JSON as the serializer's own (camelCase, declaration order, nulls left
    /// out, unknown properties skipped), but without its per-object bookkeeping: with the default 100 equity points a
    /// response took about 180 µs to read, most of it pushing and popping the serializer's frames (docs/performance.md).
    /// </summary>
    internal static class FlatJson
    {
        public static void ExpectStart(ref Utf8JsonReader reader, string type)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("A " + type + " must be a JSON object, got " + reader.TokenType + ".");
            }
        }

        /// <summary>Moves to the next property name; false at the end of the object.</summary>
        public static bool NextProperty(ref Utf8JsonReader reader)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                return false;
            }

            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                throw new JsonException("Expected a property name, got " + reader.TokenType + ".");
            }

            return true;
        }

        public static string? String(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
        }

        public static double? Number(ref Utf8JsonReader reader)
        {
            reader.Read();
            return reader.TokenType == JsonTokenType.Null ? (double?)null : reader.GetDouble();
        }

        public static void Skip(ref Utf8JsonReader reader)
        {
            reader.Read();
            reader.Skip();
        }
    }

    /// <summary>A converter of one flat object: the shared read loop (unknown properties skipped); each type reads its own properties.</summary>
    public abstract class FlatConverter<T> : JsonConverter<T>
        where T : class, new()
    {
        private readonly string _name;

        /// <param name="name">What the object is, for errors ("a trade must be a JSON object").</param>
        private protected FlatConverter(string name) => _name = name;

        /// <inheritdoc />
        public sealed override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            FlatJson.ExpectStart(ref reader, _name);
            var value = new T();
            while (FlatJson.NextProperty(ref reader))
            {
                if (!ReadProperty(ref reader, value))
                {
                    FlatJson.Skip(ref reader);
                }
            }

            return value;
        }

        /// <summary>Reads the value of the property the reader is on into <paramref name="value"/>; false for a property it does not know.</summary>
        private protected abstract bool ReadProperty(ref Utf8JsonReader reader, T value);
    }

    /// <summary>JSON of <see cref="EquityPoint"/>; see <see cref="FlatJson"/>.</summary>
    public sealed class EquityPointConverter : FlatConverter<EquityPoint>
    {
        /// <summary>Creates the converter.</summary>
        public EquityPointConverter()
            : base("equity point")
        {
        }

        private protected override bool ReadProperty(ref Utf8JsonReader reader, EquityPoint point)
        {
            if (reader.ValueTextEquals("date"))
            {
                point.Date = FlatJson.String(ref reader) ?? "";
            }
            else if (reader.ValueTextEquals("equity"))
            {
                point.Equity = FlatJson.Number(ref reader) ?? 0;
            }
            else
            {
                return false;
            }

            return true;
        }

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, EquityPoint value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("date", value.Date);
            writer.WriteNumber("equity", value.Equity);
            writer.WriteEndObject();
        }
    }

    /// <summary>JSON of <see cref="TradeRecord"/>; see <see cref="FlatJson"/>.</summary>
    public sealed class TradeRecordConverter : FlatConverter<TradeRecord>
    {
        /// <summary>Creates the converter.</summary>
        public TradeRecordConverter()
            : base("trade")
        {
        }

        private protected override bool ReadProperty(ref Utf8JsonReader reader, TradeRecord trade)
        {
            if (reader.ValueTextEquals("side"))
            {
                trade.Side = FlatJson.String(ref reader) ?? "Long";
            }
            else if (reader.ValueTextEquals("quantity"))
            {
                trade.Quantity = FlatJson.Number(ref reader) ?? 0;
            }
            else if (reader.ValueTextEquals("entryDate"))
            {
                trade.EntryDate = FlatJson.String(ref reader) ?? "";
            }
            else if (reader.ValueTextEquals("entryPrice"))
            {
                trade.EntryPrice = FlatJson.Number(ref reader) ?? 0;
            }
            else if (reader.ValueTextEquals("exitDate"))
            {
                trade.ExitDate = FlatJson.String(ref reader);
            }
            else if (reader.ValueTextEquals("exitPrice"))
            {
                trade.ExitPrice = FlatJson.Number(ref reader);
            }
            else if (reader.ValueTextEquals("pnl"))
            {
                trade.Pnl = FlatJson.Number(ref reader);
            }
            else
            {
                return false;
            }

            return true;
        }

        /// <inheritdoc />
        public override void Write(Utf8JsonWriter writer, TradeRecord value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteString("side", value.Side);
            writer.WriteNumber("quantity", value.Quantity);
            writer.WriteString("entryDate", value.EntryDate);
            writer.WriteNumber("entryPrice", value.EntryPrice);
            if (value.ExitDate != null)
            {
                writer.WriteString("exitDate", value.ExitDate);
            }

            if (value.ExitPrice is double exitPrice)
            {
                writer.WriteNumber("exitPrice", exitPrice);
            }

            if (value.Pnl is double pnl)
            {
                writer.WriteNumber("pnl", pnl);
            }

            writer.WriteEndObject();
        }
    }
}
