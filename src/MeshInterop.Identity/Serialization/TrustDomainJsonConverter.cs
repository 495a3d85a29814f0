using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeshInterop.Identity.Serialization;

/// <summary>
/// Reads and writes a <see cref="TrustDomain"/> as a JSON string holding the bare name, also as a dictionary key.
/// Reading is strict and accepts a bare name or a SPIFFE ID, like <see cref="TrustDomain.Parse(string)"/>.
/// </summary>
public sealed class TrustDomainJsonConverter : JsonConverter<TrustDomain>
{
    /// <inheritdoc/>
    /// <exception cref="JsonException">The token is not a string, or not a valid trust domain.</exception>
    public override TrustDomain Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"A trust domain must be a JSON string, not {reader.TokenType}.");
        }

        return ReadCore(ref reader);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(TrustDomain)</c>.</exception>
    public override void Write(Utf8JsonWriter writer, TrustDomain value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        value.ThrowIfEmpty(nameof(value));
        writer.WriteStringValue(value.AsSpan());
    }

    /// <inheritdoc/>
    /// <exception cref="JsonException">The property name is not a valid trust domain.</exception>
    public override TrustDomain ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadCore(ref reader);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(TrustDomain)</c>.</exception>
    public override void WriteAsPropertyName(Utf8JsonWriter writer, TrustDomain value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        value.ThrowIfEmpty(nameof(value));
        writer.WritePropertyName(value.AsSpan());
    }

    private static TrustDomain ReadCore(ref Utf8JsonReader reader)
    {
        bool parsed;
        TrustDomain trustDomain;
        SpiffeIdError error;
        int index;
        if (!reader.HasValueSequence && !reader.ValueIsEscaped)
        {
            parsed = TrustDomain.TryParse(reader.ValueSpan, SpiffeIdParseOptions.Strict, out trustDomain, out error, out index);
        }
        else
        {
            parsed = TrustDomain.TryParse(reader.GetString(), SpiffeIdParseOptions.Strict, out trustDomain, out error, out index);
        }

        return parsed ? trustDomain : throw new JsonException(new SpiffeIdFormatException(error, index).Message);
    }
}
