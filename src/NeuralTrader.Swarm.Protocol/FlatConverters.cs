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

    /// <summary>JSON of <see cref="EquityPoint"/>; see <see cref="FlatJson"/>.</summary>
    public sealed class EquityPointConverter : JsonConverter<EquityPoint>
    {
        /// <inheritdoc />
        public override EquityPoint Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            FlatJson.ExpectStart(ref reader, "equity point");
            var point = new EquityPoint();
            while (FlatJson.NextProperty(ref reader))
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
                    FlatJson.Skip(ref reader);
                }
            }

            return point;
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
    public sealed class TradeRecordConverter : JsonConverter<TradeRecord>
    {
        /// <inheritdoc />
        public override TradeRecord Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            FlatJson.ExpectStart(ref reader, "trade");
            var trade = new TradeRecord();
            while (FlatJson.NextProperty(ref reader))
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
                    FlatJson.Skip(ref reader);
                }
            }

            return trade;
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
