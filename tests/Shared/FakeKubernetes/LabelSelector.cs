using System.Text.Json.Nodes;

namespace MeshInterop.Testing.FakeKubernetes;

/// <summary>
/// A Kubernetes label selector (<c>a=b,c!=d,e,!f,g in (h,i),j notin (k)</c>) as the API server evaluates it for
/// <c>labelSelector</c> on LIST and WATCH.
/// </summary>
public sealed class LabelSelector
{
    private readonly List<Func<IReadOnlyDictionary<string, string>, bool>> _requirements = [];

    private LabelSelector()
    {
    }

    public static LabelSelector Everything { get; } = new();

    /// <exception cref="FormatException">The selector is malformed.</exception>
    public static LabelSelector Parse(string? text)
    {
        var selector = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text))
            return selector;
        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0)
                throw new FormatException($"Empty requirement in label selector '{text}'.");
            var notIn = term.IndexOf(" notin ", StringComparison.Ordinal);
            var inSet = term.IndexOf(" in ", StringComparison.Ordinal);
            if (notIn > 0 || inSet > 0)
            {
                var key = term[..(notIn > 0 ? notIn : inSet)].Trim();
                var values = ParseSet(term[((notIn > 0 ? notIn + 7 : inSet + 4))..], text);
                selector._requirements.Add(notIn > 0
                    ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                    : labels => labels.TryGetValue(key, out var v) && values.Contains(v));
            }
            else if (term.Contains("!=", StringComparison.Ordinal))
            {
                var parts = term.Split("!=", 2);
                var (key, value) = (parts[0].Trim(), parts[1].Trim());
                selector._requirements.Add(labels => !labels.TryGetValue(key, out var v) || v != value);
            }
            else if (term.Contains('=', StringComparison.Ordinal))
            {
                var parts = term.Split(term.Contains("==", StringComparison.Ordinal) ? "==" : "=", 2);
                var (key, value) = (parts[0].Trim(), parts[1].Trim());
                selector._requirements.Add(labels => labels.TryGetValue(key, out var v) && v == value);
            }
            else if (term.StartsWith('!'))
            {
                var key = term[1..].Trim();
                selector._requirements.Add(labels => !labels.ContainsKey(key));
            }
            else
            {
                selector._requirements.Add(labels => labels.ContainsKey(term));
            }
        }

        return selector;
    }

    public bool Matches(JsonObject obj)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["metadata"]?["labels"] is JsonObject map)
        {
            foreach (var (key, value) in map)
                labels[key] = value?.GetValue<string>() ?? string.Empty;
        }

        return _requirements.All(r => r(labels));
    }

    private static HashSet<string> ParseSet(string text, string selector)
    {
        text = text.Trim();
        if (!text.StartsWith('(') || !text.EndsWith(')'))
            throw new FormatException($"Set requirement without parentheses in label selector '{selector}'.");
        return text[1..^1].Split(',').Select(v => v.Trim()).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(')
                depth++;
            else if (text[i] == ')')
                depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }
}
