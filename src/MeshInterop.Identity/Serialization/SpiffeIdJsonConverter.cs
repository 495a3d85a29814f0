using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshInterop.Identity.Serialization;

/// <summary>
/// Reads and writes a <see cref="SpiffeId"/> as a JSON string, also as a dictionary key. Reading is strict and
/// works on the raw UTF-8 token when it holds no escapes.
/// </summary>
public sealed class SpiffeIdJsonConverter : JsonConverter<SpiffeId>
{
    /// <inheritdoc/>
    /// <exception cref="JsonException">The token is not a string, or not a valid SPIFFE ID.</exception>
    public override SpiffeId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A SPIFFE ID must be a JSON string, not {reader.TokenType}.");
        }

        return ReadCore(ref reader);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(SpiffeId)</c>.</exception>
    public override void Write(Utf8JsonWriter writer, SpiffeId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(RequireValue(value));
    }

    /// <inheritdoc/>
    /// <exception cref="JsonException">The property name is not a valid SPIFFE ID.</exception>
    public override SpiffeId ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadCore(ref reader);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(SpiffeId)</c>.</exception>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, SpiffeId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(RequireValue(value));
    }

    private static SpiffeId ReadCore(ref Utf8JsonReader reader)
    {
        bool parsed;
        SpiffeId id;
        SpiffeIdError error;
        int index;
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            parsed = SpiffeId.TryParse(reader.ValueSpan, SpiffeIdParseOptions.Strict, out id, out error, out index);
        }
        else
        {
            parsed = SpiffeId.TryParse(reader.GetString(), SpiffeIdParseOptions.Strict, out id, out error, out index);
        }

        return parsed ? id : throw new JsonException(new SpiffeIdFormatException(error, index).Message);
    }

    private static string RequireValue(SpiffeId value)
        => value.IsEmpty ? throw new ArgumentException("default(SpiffeId) cannot be written.", nameof(value)) : value.ToString();
}
