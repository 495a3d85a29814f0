using System.Diagnostics.CodeAnalysis;

namespace MeshInterop.Catalog;

/// <summary>
/// The Hamlet instance protocols (R20) and their canonical spelling. Values are compared ignoring ASCII case and
/// stored in upper case (reference section 7.5).
/// </summary>
public static class ServiceProtocols
{
    /// <summary>HTTP/1.1, routed on host name.</summary>
    public const string Http = "HTTP";

    /// <summary>HTTP over TLS.</summary>
    public const string Https = "HTTPS";

    /// <summary>gRPC.</summary>
    public const string Grpc = "GRPC";

    /// <summary>HTTP/2.</summary>
    public const string Http2 = "HTTP2";

    /// <summary>MongoDB wire protocol.</summary>
    public const string Mongo = "MONGO";

    /// <summary>Opaque TCP, routed on address and port.</summary>
    public const string Tcp = "TCP";

    /// <summary>TLS, routed on SNI.</summary>
    public const string Tls = "TLS";

    /// <summary>Mutual TLS, routed on SNI.</summary>
    public const string Mtls = "MTLS";

    private static readonly string[] Known = [Http, Https, Grpc, Http2, Mongo, Tcp, Tls, Mtls];

    /// <summary>Gets the eight protocols Hamlet allows for an instance, in canonical spelling.</summary>
    public static IReadOnlyList<string> All => Known;

    /// <summary>Finds the canonical spelling of a protocol, ignoring ASCII case.</summary>
    /// <param name="value">The protocol as received, for example <c>https</c>.</param>
    /// <param name="canonical">The canonical spelling, for example <c>HTTPS</c>.</param>
    /// <returns><see langword="true"/> when the value is one of the eight protocols.</returns>
    public static bool TryGetCanonical(string? value, [NotNullWhen(true)] out string? canonical)
    {
        if (value is not null)
        {
            foreach (var known in Known)
            {
                // ASCII-only: OrdinalIgnoreCase would also fold characters such as U+017F into the ASCII set.
                if (System.Text.Ascii.EqualsIgnoreCase(known, value))
                {
                    canonical = known;
                    return true;
                }
            }
        }

        canonical = null;
        return false;
    }

    /// <summary>
    /// Returns the canonical spelling of a known protocol and any other value unchanged (v1alpha1 <c>protocols</c>
    /// have no closed set). The model applies this on construction, so equal protocols are equal strings.
    /// </summary>
    /// <param name="value">The protocol.</param>
    /// <returns>The normalised value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static string Normalize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryGetCanonical(value, out var canonical) ? canonical : value;
    }
}
