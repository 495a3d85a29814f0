using MeshInterop.Catalog.Export.Internal;

namespace MeshInterop.Catalog.Export;

/// <summary>
/// The export policy of one peer, validated and compiled: decides which entries of the local catalog that peer
/// may receive. Immutable and thread-safe.
/// </summary>
public sealed class ExportFilter
{
    private readonly CompiledRule[] _allow;
    private readonly CompiledRule[] _deny;

    private ExportFilter(string peer, CompiledRule[] allow, CompiledRule[] deny, bool transitiveExport)
    {
        Peer = peer;
        _allow = allow;
        _deny = deny;
        TransitiveExport = transitiveExport;
    }

    /// <summary>Gets the peer this filter decides for.</summary>
    public string Peer { get; }

    /// <summary>Gets a value indicating whether entries imported from other peers may be exported to <see cref="Peer"/>.</summary>
    public bool TransitiveExport { get; }

    /// <summary>Creates the filter that exports nothing to <paramref name="peer"/>, the default for a peer without a policy.</summary>
    /// <param name="peer">The peer's name.</param>
    /// <returns>A filter that selects no entry.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty.</exception>
    public static ExportFilter Nothing(string peer)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        return new ExportFilter(peer, [], [], transitiveExport: false);
    }

    /// <summary>Validates <paramref name="options"/> and compiles them into the filter for <paramref name="peer"/>.</summary>
    /// <param name="peer">The peer's name.</param>
    /// <param name="options">The peer's export policy. Later changes to the object do not affect the filter.</param>
    /// <returns>The compiled filter.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="peer"/> is null or empty, or the policy is invalid; the message lists every problem with its path.</exception>
    public static ExportFilter Create(string peer, ExportPolicyOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        var errors = Validate(options);
        if (errors.Count > 0)
            throw new ArgumentException($"Invalid export policy for peer '{peer}': {string.Join(" ", errors)}", nameof(options));
        return new ExportFilter(peer,
            [.. options.Allow.Select(r => new CompiledRule(r))],
            [.. options.Deny.Select(r => new CompiledRule(r))],
            options.TransitiveExport);
    }

    /// <summary>Checks an export policy and returns every problem, each with the path of the offending setting.</summary>
    /// <param name="options">The policy to check.</param>
    /// <returns>The problems found; empty when the policy is valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Validate(ExportPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateRules(options.Allow, nameof(ExportPolicyOptions.Allow), errors);
        ValidateRules(options.Deny, nameof(ExportPolicyOptions.Deny), errors);
        return errors;
    }

    /// <summary>Decides by the policy rules alone whether an entry is selected, whatever its origin.</summary>
    /// <param name="name">The entry's service name.</param>
    /// <param name="labels">The entry's labels.</param>
    /// <param name="tags">The entry's tags.</param>
    /// <returns><see langword="true"/> when an allow rule matches and no deny rule does.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public bool Selects(string name, IReadOnlyDictionary<string, string> labels, IReadOnlyCollection<string> tags)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(tags);
        return SelectsCore(name, labels, tags as string[] ?? [.. tags]);
    }

    /// <summary>Decides by the policy rules alone whether an entry is selected, whatever its origin.</summary>
    /// <param name="entry">The entry; its <see cref="CatalogEntry.Name"/>, labels and tags are matched.</param>
    /// <returns><see langword="true"/> when an allow rule matches and no deny rule does.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public bool Selects(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return SelectsCore(entry.Name, entry.Labels, entry.Tags.AsSpan());
    }

    /// <summary>Decides whether <paramref name="entry"/> may be sent to <see cref="Peer"/>: the policy must select it and the loop guard (on <see cref="CatalogEntry.Origin"/>) must let it through.</summary>
    /// <param name="entry">The entry to export.</param>
    /// <returns><see langword="true"/> when the entry may be exported to <see cref="Peer"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entry"/> is <see langword="null"/>.</exception>
    public bool Allows(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return PassesLoopGuard(entry.Origin) && SelectsCore(entry.Name, entry.Labels, entry.Tags.AsSpan());
    }

    /// <summary>Keeps the entries <see cref="Peer"/> may receive, in their original order.</summary>
    /// <param name="entries">Entries of the local catalog (local and imported).</param>
    /// <returns>The entries <see cref="Allows(CatalogEntry)"/> accepts, evaluated lazily.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="entries"/> is <see langword="null"/>.</exception>
    public IEnumerable<CatalogEntry> Filter(IEnumerable<CatalogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return entries.Where(Allows);
    }

    private bool SelectsCore<TLabels>(string name, TLabels labels, ReadOnlySpan<string> tags)
        where TLabels : IReadOnlyDictionary<string, string>
    {
        var allowed = false;
        foreach (var rule in _allow)
        {
            if (rule.Matches(name, labels, tags))
            {
                allowed = true;
                break;
            }
        }

        if (!allowed)
            return false;
        foreach (var rule in _deny)
            if (rule.Matches(name, labels, tags))
                return false;
        return true;
    }

    /// <summary>Decides whether an entry may be sent to <see cref="Peer"/>: the policy must select it and the loop guard must let it through.</summary>
    /// <param name="name">The entry's service name.</param>
    /// <param name="labels">The entry's labels.</param>
    /// <param name="tags">The entry's tags.</param>
    /// <param name="originPeer">The peer the entry was imported from, or <see langword="null"/> for a local service.</param>
    /// <returns><see langword="true"/> when the entry may be exported to <see cref="Peer"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/>, <paramref name="labels"/> or <paramref name="tags"/> is <see langword="null"/>.</exception>
    public bool Allows(string name, IReadOnlyDictionary<string, string> labels, IReadOnlyCollection<string> tags, string? originPeer) =>
        PassesLoopGuard(originPeer) && Selects(name, labels, tags);

    /// <summary>
    /// The loop guard: a local entry always passes; an imported one only when <see cref="TransitiveExport"/> is set,
    /// and never towards the peer it came from.
    /// </summary>
    /// <param name="originPeer">The peer the entry was imported from, or <see langword="null"/> for a local service.</param>
    /// <returns><see langword="true"/> when an entry of that origin may be exported to <see cref="Peer"/>.</returns>
    public bool PassesLoopGuard(string? originPeer) =>
        originPeer is null || (TransitiveExport && !string.Equals(originPeer, Peer, StringComparison.Ordinal));

    /// <summary>
    /// The loop guard on a whole origin: as <see cref="PassesLoopGuard(string)"/>, and an entry that merges imports of
    /// several peers is never sent to any of them.
    /// </summary>
    /// <param name="origin">The entry's origin.</param>
    /// <returns><see langword="true"/> when an entry of that origin may be exported to <see cref="Peer"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="origin"/> is <see langword="null"/>.</exception>
    public bool PassesLoopGuard(CatalogOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return origin.IsLocal || (TransitiveExport && !origin.CameFrom(Peer));
    }

    private static void ValidateRules(IList<ExportRule> rules, string path, List<string> errors)
    {
        if (rules is null)
        {
            errors.Add($"{path}: the list is null.");
            return;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (rules[i] is not { } rule)
            {
                errors.Add($"{at}: the rule is null.");
                continue;
            }

            if (rule.Names.Count == 0 && rule.Tags.Count == 0 && rule.Selector is null)
                errors.Add($"{at}: the rule sets no criterion; set Names, Selector or Tags (Names [\"*\"] matches every service).");
            for (var j = 0; j < rule.Names.Count; j++)
                if (string.IsNullOrEmpty(rule.Names[j]))
                    errors.Add($"{at}.Names[{j}]: the name pattern is empty.");
            for (var j = 0; j < rule.Tags.Count; j++)
                if (string.IsNullOrEmpty(rule.Tags[j]))
                    errors.Add($"{at}.Tags[{j}]: the tag is empty.");
            if (rule.Selector is { } selector)
                ValidateSelector(selector, at + ".Selector", errors);
        }
    }

    private static void ValidateSelector(LabelSelector selector, string path, List<string> errors)
    {
        foreach (var (key, value) in selector.MatchLabels)
        {
            if (LabelSyntax.KeyError(key) is { } keyError)
                errors.Add($"{path}.MatchLabels: {keyError}.");
            if (LabelSyntax.ValueError(value) is { } valueError)
                errors.Add($"{path}.MatchLabels[{key}]: {valueError}.");
        }

        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var at = $"{path}.MatchExpressions[{i}]";
            if (selector.MatchExpressions[i] is not { } requirement)
            {
                errors.Add($"{at}: the requirement is null.");
                continue;
            }

            if (LabelSyntax.KeyError(requirement.Key) is { } keyError)
                errors.Add($"{at}.Key: {keyError}.");
            switch (requirement.Operator)
            {
                case LabelSelectorOperator.In or LabelSelectorOperator.NotIn:
                    if (requirement.Values.Count == 0)
                        errors.Add($"{at}.Values: operator {requirement.Operator} needs at least one value.");
                    for (var j = 0; j < requirement.Values.Count; j++)
                        if (LabelSyntax.ValueError(requirement.Values[j]) is { } valueError)
                            errors.Add($"{at}.Values[{j}]: {valueError}.");
                    break;
                case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist:
                    if (requirement.Values.Count != 0)
                        errors.Add($"{at}.Values: operator {requirement.Operator} takes no values; remove them.");
                    break;
                default:
                    errors.Add($"{at}.Operator: {(int)requirement.Operator} is not an operator; use In, NotIn, Exists or DoesNotExist.");
                    break;
            }
        }
    }
}
