using System.Collections.Immutable;

namespace MeshInterop.Catalog.Validation;

/// <summary>
/// SAN normalisation (reference section 7.4, G17): trim, strip a leading <c>URI:</c> (any case), lower-case the
/// scheme and trust domain of a <c>spiffe://</c> value (the path keeps its case), and drop duplicates keeping the
/// first. Owners emit SANs as supplied; normalise only on import and for comparisons.
/// </summary>
public static class SubjectAlternativeNames
{
    private const string UriPrefix = "URI:";
    private const string SpiffeScheme = "spiffe://";
    private const int MaxSpiffeIdLength = 2048;

    /// <summary>Normalises one SAN.</summary>
    /// <param name="value">The SAN as received, for example <c>URI:SPIFFE://Mesh-B.example/ns/x</c>.</param>
    /// <returns>The normalised value, for example <c>spiffe://mesh-b.example/ns/x</c>; other values trimmed and unprefixed only.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var span = Strip(value);
        if (!StartsWithIgnoringAsciiCase(span, SpiffeScheme))
        {
            return span.Length == value.Length ? value : span.ToString();
        }

        var rest = span[SpiffeScheme.Length..];
        var slash = rest.IndexOf('/');
        var trustDomain = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? [] : rest[slash..];
        Span<char> lower = trustDomain.Length <= 256 ? stackalloc char[trustDomain.Length] : new char[trustDomain.Length];
        // ASCII-only folding (SPIFFE): a non-ASCII character stays as it is and fails validation, instead of
        // being folded into the allowed set (U+212A KELVIN SIGN would become 'k' under Unicode rules).
        for (var i = 0; i < trustDomain.Length; i++)
        {
            var c = trustDomain[i];
            lower[i] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
        }

        return string.Concat(SpiffeScheme, lower, path);
    }

    /// <summary>Normalises a list of SANs and removes duplicates, keeping first-seen order.</summary>
    /// <param name="values">The SANs as received (a v1alpha1 <c>san</c> is a one-element list).</param>
    /// <returns>The normalised SANs; empty strings are dropped.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> or a value is <see langword="null"/>.</exception>
    public static ImmutableArray<string> Normalize(IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = ImmutableArray.CreateBuilder<string>();
        foreach (var value in values)
        {
            ArgumentNullException.ThrowIfNull(value, nameof(values));
            var normalized = Normalize(value);
            if (normalized.Length > 0 && seen.Add(normalized))
            {
                result.Add(normalized);
            }
        }

        return result.DrainToImmutable();
    }

    /// <summary>
    /// Checks a SAN: after normalisation it must be non-empty, and a <c>spiffe://</c> value must be a SPIFFE ID
    /// (trust domain of <c>[a-z0-9.-_]</c>, path segments of <c>[a-zA-Z0-9.-_]</c>, no empty, <c>.</c> or <c>..</c>
    /// segment, no trailing slash, query, fragment, port or user info, at most 2048 characters).
    /// </summary>
    /// <param name="value">The SAN as received.</param>
    /// <param name="problem">What is wrong, when invalid.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsValid(string? value, out string? problem)
    {
        if (value is null || Strip(value).IsEmpty)
        {
            problem = "is empty";
            return false;
        }

        var normalized = Normalize(value);
        problem = normalized.StartsWith(SpiffeScheme, StringComparison.Ordinal) ? CheckSpiffeId(normalized) : null;
        return problem is null;
    }

    private static bool StartsWithIgnoringAsciiCase(ReadOnlySpan<char> value, string prefix) =>
        value.Length >= prefix.Length && System.Text.Ascii.EqualsIgnoreCase(value[..prefix.Length], prefix);

    private static ReadOnlySpan<char> Strip(string value)
    {
        var span = value.AsSpan().Trim();
        return StartsWithIgnoringAsciiCase(span, UriPrefix) ? span[UriPrefix.Length..].Trim() : span;
    }

    private static string? CheckSpiffeId(string id)
    {
        if (id.Length > MaxSpiffeIdLength)
        {
            return $"is a SPIFFE ID longer than {MaxSpiffeIdLength} characters";
        }

        var rest = id.AsSpan(SpiffeScheme.Length);
        var slash = rest.IndexOf('/');
        var trustDomain = slash < 0 ? rest : rest[..slash];
        if (trustDomain.IsEmpty)
        {
            return "is a SPIFFE ID without a trust domain";
        }

        foreach (var ch in trustDomain)
        {
            if (!(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch is '.' or '-' or '_'))
            {
                return $"is a SPIFFE ID whose trust domain has the character '{ch}'; only letters, digits, '.', '-' and '_' are allowed";
            }
        }

        if (slash < 0)
        {
            return null;
        }

        var path = rest[(slash + 1)..];
        while (true)
        {
            var next = path.IndexOf('/');
            var segment = next < 0 ? path : path[..next];
            if (segment.IsEmpty)
            {
                return "is a SPIFFE ID with an empty path segment or a trailing '/'";
            }

            if (segment is "." or "..")
            {
                return "is a SPIFFE ID with a '.' or '..' path segment";
            }

            foreach (var ch in segment)
            {
                if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-' or '_'))
                {
                    return $"is a SPIFFE ID whose path has the character '{ch}'; only letters, digits, '.', '-' and '_' are allowed";
                }
            }

            if (next < 0)
            {
                return null;
            }

            path = path[(next + 1)..];
        }
    }
}
