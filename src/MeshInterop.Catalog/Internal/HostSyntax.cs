using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MeshInterop.Catalog.Internal;

/// <summary>Strict syntax checks for addresses a peer sends. No culture, no regular expressions, bounded work.</summary>
internal static class HostSyntax
{
    public const int MaxDnsNameLength = 253;
    public const int MaxDnsLabelLength = 63;

    /// <summary>Dotted-quad IPv4 only: exactly four decimal parts 0-255 without leading zeros (no octal or hex forms).</summary>
    public static bool IsIPv4(ReadOnlySpan<char> value)
    {
        var parts = 0;
        while (true)
        {
            var dot = value.IndexOf('.');
            var part = dot < 0 ? value : value[..dot];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            var number = 0;
            foreach (var ch in part)
            {
                if (!char.IsAsciiDigit(ch))
                {
                    return false;
                }

                number = (number * 10) + (ch - '0');
            }

            if (number > 255)
            {
                return false;
            }

            parts++;
            if (dot < 0)
            {
                return parts == 4;
            }

            value = value[(dot + 1)..];
        }
    }

    /// <summary>An IPv6 address without brackets or zone index.</summary>
    public static bool IsIPv6(ReadOnlySpan<char> value) =>
        value.Contains(':')
        && value.IndexOfAny('%', '[', ']') < 0
        && value.Length <= 45
        && IPAddress.TryParse(value, out var address)
        && address.AddressFamily == AddressFamily.InterNetworkV6;

    public static bool IsIPAddress(ReadOnlySpan<char> value) => IsIPv4(value) || IsIPv6(value);

    /// <summary>An IP network in CIDR notation, for example <c>10.0.0.0/8</c> or <c>2001:db8::/32</c>.</summary>
    public static bool IsCidr(ReadOnlySpan<char> value)
    {
        var slash = value.IndexOf('/');
        if (slash <= 0 || slash == value.Length - 1 || value.Length - slash - 1 > 3)
        {
            return false;
        }

        var prefixText = value[(slash + 1)..];
        if ((prefixText.Length > 1 && prefixText[0] == '0')
            || !int.TryParse(prefixText, NumberStyles.None, CultureInfo.InvariantCulture, out var prefix))
        {
            return false;
        }

        var address = value[..slash];
        return (IsIPv4(address) && prefix <= 32) || (IsIPv6(address) && prefix <= 128);
    }

    /// <summary>
    /// A DNS host name: dot-separated labels of letters, digits and hyphens, 1-63 characters each, not starting or
    /// ending with a hyphen, at most 253 characters in all, and a last label that is not all digits (so that a
    /// malformed IP address is never taken for a name). <paramref name="lowerCaseOnly"/> asks for DNS-1123 (lower case).
    /// </summary>
    public static bool IsDnsName(ReadOnlySpan<char> value, bool lowerCaseOnly)
    {
        if (value.IsEmpty || value.Length > MaxDnsNameLength)
        {
            return false;
        }

        var lastLabelAllDigits = false;
        while (true)
        {
            var dot = value.IndexOf('.');
            var label = dot < 0 ? value : value[..dot];
            if (!IsDnsLabel(label, lowerCaseOnly))
            {
                return false;
            }

            if (dot < 0)
            {
                lastLabelAllDigits = !label.ContainsAnyExceptInRange('0', '9');
                return !lastLabelAllDigits;
            }

            value = value[(dot + 1)..];
        }
    }

    public static bool IsDnsLabel(ReadOnlySpan<char> label, bool lowerCaseOnly)
    {
        if (label.IsEmpty || label.Length > MaxDnsLabelLength || label[0] == '-' || label[^1] == '-')
        {
            return false;
        }

        foreach (var ch in label)
        {
            var ok = char.IsAsciiDigit(ch) || ch == '-' || char.IsAsciiLetterLower(ch) || (!lowerCaseOnly && char.IsAsciiLetterUpper(ch));
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True when the text holds a control character; <paramref name="allowLineBreaks"/> permits tab, CR and LF (free text).</summary>
    public static bool HasControlCharacter(ReadOnlySpan<char> value, bool allowLineBreaks)
    {
        foreach (var ch in value)
        {
            if (char.IsControl(ch) && !(allowLineBreaks && ch is '\t' or '\r' or '\n'))
            {
                return true;
            }
        }

        return false;
    }
}
