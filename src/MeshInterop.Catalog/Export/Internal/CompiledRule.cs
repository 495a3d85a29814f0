using System.Collections.Frozen;

namespace MeshInterop.Catalog.Export.Internal;

/// <summary>An <see cref="ExportRule"/> compiled for matching: no options objects are read on the hot path.</summary>
internal sealed class CompiledRule
{
    private readonly FrozenSet<string>? _exactNames;
    private readonly string[] _nameGlobs;
    private readonly KeyValuePair<string, string>[]? _matchLabels;
    private readonly (string Key, LabelSelectorOperator Operator, FrozenSet<string> Values)[]? _expressions;
    private readonly string[] _tags;

    internal CompiledRule(ExportRule rule)
    {
        var exact = rule.Names.Where(n => n.AsSpan().IndexOfAny('*', '?') < 0).ToArray();
        _exactNames = exact.Length > 0 ? exact.ToFrozenSet(StringComparer.Ordinal) : null;
        _nameGlobs = [.. rule.Names.Where(n => n.AsSpan().IndexOfAny('*', '?') >= 0)];
        if (rule.Selector is { } selector)
        {
            _matchLabels = [.. selector.MatchLabels];
            _expressions = [.. selector.MatchExpressions.Select(e => (e.Key, e.Operator, e.Values.ToFrozenSet(StringComparer.Ordinal)))];
        }

        _tags = [.. rule.Tags];
    }

    // Generic over the label map so that StringMap (a struct) is not boxed on the export hot path.
    internal bool Matches<TLabels>(string name, TLabels labels, ReadOnlySpan<string> tags)
        where TLabels : IReadOnlyDictionary<string, string> =>
        MatchesName(name) && MatchesLabels(labels) && MatchesTags(tags);

    private bool MatchesName(string name)
    {
        if (_exactNames is null && _nameGlobs.Length == 0)
            return true;
        if (_exactNames is not null && _exactNames.Contains(name))
            return true;
        foreach (var glob in _nameGlobs)
            if (Glob.IsMatch(glob, name))
                return true;
        return false;
    }

    private bool MatchesLabels<TLabels>(TLabels labels)
        where TLabels : IReadOnlyDictionary<string, string>
    {
        if (_matchLabels is null)
            return true;
        foreach (var (key, value) in _matchLabels)
            if (!labels.TryGetValue(key, out var actual) || !string.Equals(actual, value, StringComparison.Ordinal))
                return false;
        foreach (var (key, op, values) in _expressions!)
        {
            var present = labels.TryGetValue(key, out var actual);
            var holds = op switch
            {
                LabelSelectorOperator.In => present && values.Contains(actual!),
                LabelSelectorOperator.NotIn => !present || !values.Contains(actual!),
                LabelSelectorOperator.Exists => present,
                _ => !present,
            };
            if (!holds)
                return false;
        }

        return true;
    }

    private bool MatchesTags(ReadOnlySpan<string> tags)
    {
        foreach (var required in _tags)
        {
            var found = false;
            foreach (var tag in tags)
            {
                if (string.Equals(tag, required, StringComparison.Ordinal))
                {
                    found = true;
                    break;
                }
            }

            if (!found)
                return false;
        }

        return true;
    }
}
