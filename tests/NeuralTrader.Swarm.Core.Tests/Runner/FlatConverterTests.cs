using System.Text.Json;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Tests.Runner
{
    /// <summary>
    /// The hand-written converters of trades and equity points write the serializer's JSON (camelCase, declaration
    /// order, nulls left out) and read it back, skipping what they do not know, as the serializer would.
    /// </summary>
    public class FlatConverterTests
    {
        [Fact]
        public void A_closed_trade_round_trips_and_an_open_one_leaves_its_exit_out()
        {
            var closed = new TradeRecord { Side = "Short", Quantity = 2.5, EntryDate = "2024-01-02", EntryPrice = 470.25, ExitDate = "2024-02-01", ExitPrice = 480.5, Pnl = -25.6 };
            var json = JsonSerializer.Serialize(closed, ProtocolJsonContext.Default.TradeRecord);
            Assert.Equal("{\"side\":\"Short\",\"quantity\":2.5,\"entryDate\":\"2024-01-02\",\"entryPrice\":470.25,\"exitDate\":\"2024-02-01\",\"exitPrice\":480.5,\"pnl\":-25.6}", json);
            var back = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.TradeRecord)!;
            Assert.Equal((closed.Side, closed.Quantity, closed.EntryDate, closed.EntryPrice, closed.ExitDate, closed.ExitPrice, closed.Pnl),
                (back.Side, back.Quantity, back.EntryDate, back.EntryPrice, back.ExitDate, back.ExitPrice, back.Pnl));

            var open = new TradeRecord { Quantity = 1, EntryDate = "2024-03-01", EntryPrice = 500 };
            Assert.Equal("{\"side\":\"Long\",\"quantity\":1,\"entryDate\":\"2024-03-01\",\"entryPrice\":500}",
                JsonSerializer.Serialize(open, ProtocolJsonContext.Default.TradeRecord));
        }

        [Fact]
        public void Reading_skips_unknown_properties_of_any_shape_and_takes_null_as_absent()
        {
            var trade = JsonSerializer.Deserialize(
                "{\"fee\":{\"a\":[1,2,{\"b\":null}]},\"side\":\"Short\",\"tags\":[\"x\"],\"quantity\":3,\"exitDate\":null,\"pnl\":null,\"entryPrice\":10}",
                ProtocolJsonContext.Default.TradeRecord)!;
            Assert.Equal(("Short", 3.0, 10.0), (trade.Side, trade.Quantity, trade.EntryPrice));
            Assert.Null(trade.ExitDate);
            Assert.Null(trade.Pnl);

            var point = JsonSerializer.Deserialize("{\"note\":\"n\",\"equity\":101.5,\"date\":\"2024-01-03\"}", ProtocolJsonContext.Default.EquityPoint)!;
            Assert.Equal(("2024-01-03", 101.5), (point.Date, point.Equity));
        }

        [Fact]
        public void Something_other_than_an_object_is_refused_naming_what_was_expected()
        {
            var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("[1]", ProtocolJsonContext.Default.EquityPoint));
            Assert.Contains("equity point must be a JSON object", e.Message);
            e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("\"trade\"", ProtocolJsonContext.Default.TradeRecord));
            Assert.Contains("trade must be a JSON object", e.Message);
        }
    }
}
