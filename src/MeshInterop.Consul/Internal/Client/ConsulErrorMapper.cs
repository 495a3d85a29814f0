using System.Text;

namespace MeshInterop.Consul.Internal.Client;

/// <summary>Maps a failed answer to the typed exception of the reference's status table; the one place that knows it.</summary>
internal static class ConsulErrorMapper
{
    /// <summary>Consul error bodies are short plain text; anything longer is cut before it reaches a message or a log.</summary>
    internal const int MaxErrorTextLength = 512;

    public static ConsulException Map(string operation, int statusCode, string body, bool isWrite)
    {
        var text = Sanitize(body);
        return statusCode switch
        {
            400 when text.Contains("Enterprise feature", StringComparison.OrdinalIgnoreCase)
                     || text.Contains("consul enterprise feature", StringComparison.OrdinalIgnoreCase)
                => new ConsulEditionMismatchException(operation, text),
            403 => MapAccessDenied(operation, text),
            429 or 503 when text.Contains("rate limit", StringComparison.OrdinalIgnoreCase) || statusCode == 429
                => new ConsulRateLimitedException(operation, statusCode, text),
            >= 500 => new ConsulServerException(operation, statusCode, text, isWrite),
            _ => new ConsulBadRequestException(operation, statusCode, text),
        };
    }

    private static ConsulAccessDeniedException MapAccessDenied(string operation, string text)
    {
        var notFound = text.Contains("ACL not found", StringComparison.Ordinal);
        string? permission = null;
        string? resource = null;
        const string LacksMarker = "lacks permission '";
        var at = text.IndexOf(LacksMarker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var start = at + LacksMarker.Length;
            var end = text.IndexOf('\'', start);
            if (end > start)
            {
                permission = text[start..end];
                const string OnMarker = " on \"";
                var on = text.IndexOf(OnMarker, end, StringComparison.Ordinal);
                if (on >= 0)
                {
                    var resourceStart = on + OnMarker.Length;
                    var resourceEnd = text.IndexOf('"', resourceStart);
                    if (resourceEnd >= resourceStart)
                    {
                        resource = text[resourceStart..resourceEnd];
                    }
                }
            }
        }

        return new ConsulAccessDeniedException(operation, text, notFound, permission, resource);
    }

    /// <summary>Trims, shortens and strips control characters, so a hostile or broken server cannot forge log lines.</summary>
    public static string Sanitize(string body)
    {
        var trimmed = body.AsSpan().Trim();
        if (trimmed.Length > MaxErrorTextLength)
        {
            trimmed = trimmed[..MaxErrorTextLength];
        }

        var builder = new StringBuilder(trimmed.Length);
        foreach (var c in trimmed)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }
}
