using System.Diagnostics.CodeAnalysis;

namespace MeshInterop.Catalog.Validation;

/// <summary>
/// The reserved instance metadata keys and their normalisation (reference section 7.5, G18): recognised in any case,
/// stored in upper case; other keys keep their case.
/// </summary>
public static class InstanceMetadataKeys
{
    /// <summary>The TLS SNI value consumers send (opaque, vendor-formatted).</summary>
    public const string Sni = "SNI";

    /// <summary>The host name HTTP-family routing uses.</summary>
    public const string Hostname = "HOSTNAME";

    /// <summary>The port, a decimal 1-65535.</summary>
    public const string Port = "PORT";

    /// <summary>Finds the canonical spelling of a reserved key, ignoring ASCII case.</summary>
    /// <param name="key">The key as received.</param>
    /// <param name="canonical">The reserved key in upper case.</param>
    /// <returns><see langword="true"/> when the key is reserved.</returns>
    public static bool TryGetReserved(string? key, [NotNullWhen(true)] out string? canonical)
    {
        // ASCII-only case folding: a key such as "\u017Fni" must not become SNI.
        canonical = key is null ? null
            : System.Text.Ascii.EqualsIgnoreCase(key, Sni) ? Sni
            : System.Text.Ascii.EqualsIgnoreCase(key, Hostname) ? Hostname
            : System.Text.Ascii.EqualsIgnoreCase(key, Port) ? Port
            : null;
        return canonical is not null;
    }

    /// <summary>
    /// Upper-cases reserved keys. Two spellings of one reserved key with equal values merge; with different values
    /// the metadata is rejected (the import is NACKed with <c>InvalidArgument</c>).
    /// </summary>
    /// <param name="metadata">The metadata as received.</param>
    /// <param name="normalized">The normalised metadata, when successful.</param>
    /// <param name="conflictingKey">The reserved key whose spellings disagree, when unsuccessful.</param>
    /// <returns><see langword="true"/> when the metadata could be normalised.</returns>
    public static bool TryNormalize(StringMap metadata, out StringMap normalized, [NotNullWhen(false)] out string? conflictingKey)
    {
        normalized = metadata;
        conflictingKey = null;
        var needsWork = false;
        foreach (var pair in metadata.Pairs)
        {
            needsWork |= TryGetReserved(pair.Key, out var canonical) && !string.Equals(canonical, pair.Key, StringComparison.Ordinal);
        }

        if (!needsWork)
        {
            return true;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in metadata.Pairs)
        {
            var key = TryGetReserved(pair.Key, out var canonical) ? canonical : pair.Key;
            if (result.TryGetValue(key, out var existing) && !string.Equals(existing, pair.Value, StringComparison.Ordinal))
            {
                conflictingKey = key;
                return false;
            }

            result[key] = pair.Value;
        }

        normalized = StringMap.Create(result);
        return true;
    }
}
