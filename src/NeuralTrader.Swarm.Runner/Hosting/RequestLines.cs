using System;
using System.Text;
using System.Text.Json;
using NeuralTrader.Swarm.Protocol;

namespace NeuralTrader.Swarm.Runner.Hosting
{
    /// <summary>What the runner can still tell about a request line it cannot serve: blank, unreadable JSON, its id.</summary>
    internal static class RequestLines
    {
        /// <summary>The error response for a line the protocol's JSON reader refused: not JSON, not an object, or a field of the wrong type.</summary>
        public static RunnerResponse Unreadable(ReadOnlySpan<byte> line, JsonException ex)
        {
            string? id = TryReadId(line, true);
            JsonValueKind root = RootKind(line);
            if (root == JsonValueKind.Undefined)
            {
                return RunnerRequestHandler.Error(id, RunnerErrorCodes.MalformedJson, "The request is not valid JSON: " + RunnerRequestHandler.Clip(StripLocation(ex.Message)));
            }

            if (root != JsonValueKind.Object)
            {
                return RunnerRequestHandler.Error(id, RunnerErrorCodes.InvalidRequest, "The request must be a JSON object, got " + root.ToString().ToLowerInvariant() + ".");
            }

            string path = string.IsNullOrEmpty(ex.Path) ? "$" : ex.Path!;
            string field = path.StartsWith("$.", StringComparison.Ordinal) ? path.Substring(2) : path;
            return RunnerRequestHandler.Error(id, RunnerErrorCodes.InvalidRequest, "Field '" + field + "' has the wrong type: " + RunnerRequestHandler.Clip(StripLocation(ex.Message)));
        }

        private static JsonValueKind RootKind(ReadOnlySpan<byte> line)
        {
            try
            {
                var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 256 });
                if (!reader.Read())
                {
                    return JsonValueKind.Undefined;
                }

                JsonTokenType first = reader.TokenType;
                reader.Skip();
                while (reader.Read())
                {
                    // Only whitespace may follow; Read throws on anything else.
                }

                switch (first)
                {
                    case JsonTokenType.StartObject:
                        return JsonValueKind.Object;
                    case JsonTokenType.StartArray:
                        return JsonValueKind.Array;
                    case JsonTokenType.String:
                        return JsonValueKind.String;
                    case JsonTokenType.Number:
                        return JsonValueKind.Number;
                    case JsonTokenType.True:
                        return JsonValueKind.True;
                    case JsonTokenType.False:
                        return JsonValueKind.False;
                    default:
                        return JsonValueKind.Null;
                }
            }
            catch (JsonException)
            {
                return JsonValueKind.Undefined;
            }
        }

        /// <summary>Reads a top-level "id" (string or number) from a request that may be malformed or cut short.</summary>
        /// <summary>The request's id when one can be salvaged from a line that could not be read whole.</summary>
        public static string? TryReadId(ReadOnlySpan<byte> line, bool isFinalBlock)
        {
            try
            {
                var reader = new Utf8JsonReader(line, isFinalBlock, default);
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                while (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        return null;
                    }

                    if (reader.TokenType != JsonTokenType.PropertyName)
                    {
                        return null;
                    }

                    bool isId = reader.ValueTextEquals("id");
                    if (!reader.Read())
                    {
                        return null;
                    }

                    if (isId)
                    {
                        switch (reader.TokenType)
                        {
                            case JsonTokenType.String:
                                return reader.GetString();
                            case JsonTokenType.Number:
                                return Encoding.UTF8.GetString(reader.ValueSpan.ToArray());
                            default:
                                return null;
                        }
                    }

                    if (reader.TokenType == JsonTokenType.StartObject || reader.TokenType == JsonTokenType.StartArray)
                    {
                        if (!reader.TrySkip())
                        {
                            return null;
                        }
                    }
                }
            }
            catch (JsonException)
            {
            }
            catch (InvalidOperationException)
            {
            }

            return null;
        }

        private static string StripLocation(string message)
        {
            int i = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (i < 0)
            {
                i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            }

            return i > 0 ? message.Substring(0, i) : message;
        }

        /// <summary>True for a line of only whitespace (a newline included).</summary>
        public static bool IsBlank(ReadOnlySpan<byte> line)
        {
            for (int i = 0; i < line.Length; i++)
            {
                byte b = line[i];
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n')
                {
                    return false;
                }
            }

            return true;
        }
    }
}
