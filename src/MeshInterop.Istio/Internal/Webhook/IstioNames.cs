using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeshInterop.Istio.Internal.Webhook;

/// <summary>The name, host, label, address and protocol rules istiod's validating webhook applies, ported from Go.</summary>
internal static class IstioNames
{
    public const int MaxHostLength = 255;
    public const int MaxLabelLength = 63;

    /// <summary>The protocols istiod accepts, upper case (matched case-insensitively).</summary>
    public static readonly IReadOnlySet<string> Protocols = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "TCP", "UDP", "GRPC", "GRPC-WEB", "HTTP", "HTTP_PROXY", "HTTP2", "HTTPS", "TLS", "MONGO", "REDIS", "MYSQL",
    };

    public static bool IsHttpOrTlsProtocol(string? protocol) =>
        protocol?.ToUpperInvariant() is "HTTP" or "HTTP2" or "HTTP_PROXY" or "GRPC" or "GRPC-WEB" or "HTTPS" or "TLS";

    public static bool IsTlsProtocol(string? protocol) => protocol?.ToUpperInvariant() is "HTTPS" or "TLS";

    public static bool IsHttpProtocol(string? protocol) =>
        protocol?.ToUpperInvariant() is "HTTP" or "HTTP2" or "HTTP_PROXY" or "GRPC" or "GRPC-WEB";

    /// <summary>A lowercase RFC 1123 label: <c>[a-z0-9]([-a-z0-9]*[a-z0-9])?</c>, at most 63 characters.</summary>
    public static bool IsDns1123Label(string value) => IsLabel(value, allowUpper: false);

    /// <summary>A lowercase RFC 1123 subdomain: labels joined by dots, at most 253 characters.</summary>
    public static bool IsDns1123Subdomain(string value) =>
        value.Length is > 0 and <= 253 && value.Split('.').All(IsDns1123Label);

    // Istio's host labels accept upper case (its DNS1123LabelFmt is [a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?).
    private static bool IsLabel(string value, bool allowUpper)
    {
        if (value.Length is 0 or > MaxLabelLength || value[0] == '-' || value[^1] == '-')
            return false;
        foreach (var c in value)
        {
            if (!(char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-' || (allowUpper && char.IsAsciiLetterUpper(c))))
                return false;
        }

        return true;
    }

    /// <summary>
    /// istiod's <c>ValidateWildcardDomain</c>: at most 255 characters of DNS labels, a wildcard only in the first label,
    /// and a top-level label that is not all digits. Returns the error, or null; <paramref name="partialWildcard"/>
    /// reports <c>*x</c> and <c>*-x</c>, which pass with a warning.
    /// </summary>
    public static string? CheckWildcardDomain(string domain, out bool partialWildcard)
    {
        partialWildcard = false;
        if (domain.Length == 0)
            return "empty domain name not allowed";
        if (domain.Length > MaxHostLength)
            return $"domain name \"{domain}\" too long (max {MaxHostLength})";
        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        var first = dot < 0 ? domain : domain[..dot];
        if (!IsWildcardLabel(first, out partialWildcard))
            return $"domain name \"{domain}\" invalid (label \"{first}\" invalid)";
        return dot < 0 ? null : CheckLabels(domain, domain[(dot + 1)..]);
    }

    /// <summary>istiod's <c>ValidateFQDN</c>: at most 255 characters of DNS labels, no wildcard.</summary>
    public static string? CheckFqdn(string domain)
    {
        if (domain.Length == 0)
            return "empty domain name not allowed";
        if (domain.Length > MaxHostLength)
            return $"domain name \"{domain}\" too long (max {MaxHostLength})";
        return CheckLabels(domain, domain);
    }

    private static string? CheckLabels(string domain, string labels)
    {
        var parts = labels.Split('.');
        foreach (var label in parts)
        {
            if (!IsLabel(label, allowUpper: true))
                return $"domain name \"{domain}\" invalid (label \"{label}\" invalid)";
        }

        var top = parts[^1];
        if (top.All(char.IsAsciiDigit))
            return $"domain name \"{domain}\" invalid (top level domain \"{top}\" cannot be all-numeric)";
        return null;
    }

    private static bool IsWildcardLabel(string label, out bool partial)
    {
        partial = false;
        if (label == "*")
            return true;
        if (label.StartsWith("*-", StringComparison.Ordinal) && IsLabel(label[2..], allowUpper: true)
            || label.StartsWith('*') && IsLabel(label[1..], allowUpper: true))
        {
            partial = true;
            return label.Length <= MaxLabelLength;
        }

        return IsLabel(label, allowUpper: true);
    }

    /// <summary>A strict IP address: dotted-quad IPv4 without leading zeros, or IPv6.</summary>
    public static bool IsIpAddress(string value)
    {
        if (value.Contains(':', StringComparison.Ordinal))
            return !value.Contains('%', StringComparison.Ordinal) && IPAddress.TryParse(value, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        var parts = value.Split('.');
        return parts.Length == 4 && parts.All(p =>
            p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0')
            && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
    }

    /// <summary>A CIDR block <c>ip/prefix</c> with the prefix within the address family (host bits may be set, as in Go).</summary>
    public static bool IsCidr(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
            return false;
        var ip = value[..slash];
        var prefix = value[(slash + 1)..];
        if (!IsIpAddress(ip) || prefix.Length is 0 or > 3 || !prefix.All(char.IsAsciiDigit))
            return false;
        var bits = int.Parse(prefix, CultureInfo.InvariantCulture);
        return bits <= (ip.Contains(':', StringComparison.Ordinal) ? 128 : 32);
    }

    public static bool IsIpOrCidr(string value) => IsIpAddress(value) || IsCidr(value);

    /// <summary>A Kubernetes label key: optional DNS-subdomain prefix and slash, then a name of at most 63 characters.</summary>
    public static bool IsLabelKey(string key)
    {
        var slash = key.LastIndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0 && !IsDns1123Subdomain(key[..slash]))
            return false;
        return name.Length is > 0 and <= MaxLabelLength && IsLabelValue(name);
    }

    /// <summary>A Kubernetes label value: empty, or at most 63 of <c>[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?</c>.</summary>
    public static bool IsLabelValue(string value)
    {
        if (value.Length == 0)
            return true;
        if (value.Length > MaxLabelLength || !char.IsAsciiLetterOrDigit(value[0]) || !char.IsAsciiLetterOrDigit(value[^1]))
            return false;
        return value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }
}
