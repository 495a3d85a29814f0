using System.Collections.Immutable;
using System.Text;

namespace MeshInterop.Catalog.Naming.Internal;

/// <summary>A parsed <c>{placeholder}</c> template. Parsing is a plain scan: templates come from configuration and must not depend on regex or culture.</summary>
internal sealed class NameTemplate
{
    private readonly ImmutableArray<(bool IsPlaceholder, string Text)> _segments;

    private NameTemplate(ImmutableArray<(bool, string)> segments) => _segments = segments;

    internal bool Contains(string placeholder) =>
        _segments.Any(s => s.IsPlaceholder && string.Equals(s.Text, placeholder, StringComparison.Ordinal));

    /// <summary>Parses <paramref name="template"/>; literal text may use [a-z0-9-], plus '.' when <paramref name="allowDots"/>.</summary>
    internal static NameTemplate? Parse(string template, string path, ReadOnlySpan<string> placeholders, bool allowDots, List<string> errors)
    {
        var segments = ImmutableArray.CreateBuilder<(bool, string)>();
        var literal = new StringBuilder();
        var errorCount = errors.Count;
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    errors.Add($"{path}: '{{' at position {i} has no closing '}}'.");
                    break;
                }

                var name = template[(i + 1)..end];
                if (!placeholders.Contains(name))
                    errors.Add($"{path}: unknown placeholder '{{{name}}}' at position {i}; use one of {string.Join(", ", placeholders.ToArray().Select(p => "{" + p + "}"))}.");
                if (literal.Length > 0)
                    segments.Add((false, literal.ToString()));
                literal.Clear();
                segments.Add((true, name));
                i = end;
            }
            else if (DnsLabel.IsAlphanumeric(c) || c == '-' || (allowDots && c == '.'))
            {
                literal.Append(c);
            }
            else
            {
                errors.Add($"{path}: character '{c}' at position {i} is not allowed; literal text may only use lower-case letters, digits, '-'{(allowDots ? " and '.'" : string.Empty)}.");
            }
        }

        if (literal.Length > 0)
            segments.Add((false, literal.ToString()));
        if (segments.Count == 0)
            errors.Add($"{path}: the template is empty.");
        return errors.Count == errorCount ? new NameTemplate(segments.ToImmutable()) : null;
    }

    internal string Render(Func<string, string> valueOf)
    {
        var builder = new StringBuilder();
        foreach (var (isPlaceholder, text) in _segments)
            builder.Append(isPlaceholder ? valueOf(text) : text);
        return builder.ToString();
    }
}
