namespace MeshInterop.Catalog.Export.Internal;

/// <summary>Kubernetes label key and value syntax (apimachinery IsQualifiedName / IsValidLabelValue), checked by scanning.</summary>
internal static class LabelSyntax
{
    private const int MaxNameLength = 63;
    private const int MaxPrefixLength = 253;

    internal static string? KeyError(string? key)
    {
        if (string.IsNullOrEmpty(key))
            return "the key is empty";
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (!IsSubdomain(prefix))
                return $"the prefix '{prefix}' of key '{key}' must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most {MaxPrefixLength} characters)";
        }

        return IsName(name)
            ? null
            : $"key '{key}' must be a qualified name: an optional DNS subdomain prefix and '/', then at most {MaxNameLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
    }

    internal static string? ValueError(string? value) =>
        value is null ? "the value is null"
        : value.Length == 0 || IsName(value) ? null
        : $"value '{value}' must be empty or at most {MaxNameLength} letters, digits, '-', '_' or '.', starting and ending with a letter or digit";

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength || !char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
            return false;
        foreach (var c in name)
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
                return false;
        return true;
    }

    private static bool IsSubdomain(ReadOnlySpan<char> value)
    {
        if (value.IsEmpty || value.Length > MaxPrefixLength)
            return false;
        foreach (var range in value.Split('.'))
        {
            var label = value[range];
            if (label.IsEmpty || !IsLowerAlphanumeric(label[0]) || !IsLowerAlphanumeric(label[^1]))
                return false;
            foreach (var c in label)
                if (!IsLowerAlphanumeric(c) && c != '-')
                    return false;
        }

        return true;
    }

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c);
}
