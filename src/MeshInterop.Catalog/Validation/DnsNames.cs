using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog.Validation;

/// <summary>DNS name checks, for names that become DNS labels or host names in a registry.</summary>
public static class DnsNames
{
    /// <summary>Gets the longest DNS label, 63 characters.</summary>
    public const int MaxLabelLength = HostSyntax.MaxDnsLabelLength;

    /// <summary>Gets the longest DNS name, 253 characters.</summary>
    public const int MaxNameLength = HostSyntax.MaxDnsNameLength;

    /// <summary>Tells whether the value is a DNS-1123 label: 1-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsDns1123Label(ReadOnlySpan<char> value) => HostSyntax.IsDnsLabel(value, lowerCaseOnly: true);

    /// <summary>Tells whether the value is a DNS-1123 subdomain: DNS-1123 labels joined by dots, at most 253 characters.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsDns1123Subdomain(ReadOnlySpan<char> value) => HostSyntax.IsDnsName(value, lowerCaseOnly: true);

    /// <summary>Tells whether the value is a DNS host name in any letter case (DNS compares names ignoring ASCII case).</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool IsHostName(ReadOnlySpan<char> value) => HostSyntax.IsDnsName(value, lowerCaseOnly: false);
}
