using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using MeshInterop.Catalog.Naming.Internal;

namespace MeshInterop.Catalog.Naming;

/// <summary>
/// Maps the services each peer exports to collision-checked local names and FQDNs, with per-peer rules.
/// Thread-safe and deterministic: the same (peer, name) always gives the same result, on every node and after restarts.
/// </summary>
public sealed class ImportNamingPolicy
{
    private readonly ImportNamingOptions _defaults;
    private readonly ConcurrentDictionary<string, PeerNaming> _peers = new(StringComparer.Ordinal);

    /// <summary>Initializes a policy from default options and optional per-peer overrides.</summary>
    /// <param name="defaults">Options for every peer without an override.</param>
    /// <param name="peers">Per-peer options, keyed by peer name (ordinal).</param>
    /// <exception cref="ArgumentNullException"><paramref name="defaults"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Some options are invalid; the message lists every problem with its path.</exception>
    public ImportNamingPolicy(ImportNamingOptions defaults, IReadOnlyDictionary<string, ImportNamingOptions>? peers = null)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        var errors = new List<string>();
        PeerNaming.Validate(defaults, "Defaults", errors);
        if (defaults.Alias is not null)
            errors.Add("Defaults:Alias: an alias stands for one peer; set it in that peer's options, or every peer would share it.");
        foreach (var (peer, options) in peers ?? ImmutableDictionary<string, ImportNamingOptions>.Empty)
        {
            if (string.IsNullOrEmpty(peer))
                errors.Add("Peers: a peer name is empty.");
            else if (options is null)
                errors.Add($"Peers:{peer}: the options are null.");
            else
                PeerNaming.Validate(options, "Peers:" + peer, errors);
        }

        if (errors.Count > 0)
            throw new ArgumentException("Invalid import naming options: " + string.Join(" ", errors), peers is null ? nameof(defaults) : nameof(peers));

        _defaults = Copy(defaults);
        foreach (var (peer, options) in peers ?? ImmutableDictionary<string, ImportNamingOptions>.Empty)
            _peers[peer] = PeerNaming.Compile(peer, options);
    }

    /// <summary>Gets the policy with default options: <c>&lt;peer&gt;-&lt;name&gt;</c>, owner FQDN kept.</summary>
    public static ImportNamingPolicy Default { get; } = new(new ImportNamingOptions());

    /// <summary>Checks options without building a policy.</summary>
    /// <param name="options">The options to check.</param>
    /// <returns>Every problem found, each naming the offending setting; empty when the options are valid.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Validate(ImportNamingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        PeerNaming.Validate(options, nameof(ImportNamingOptions), errors);
        return errors;
    }

    /// <summary>Gives the local name and FQDN of a service imported from <paramref name="peer"/>.</summary>
    /// <param name="peer">The peer that exports the service.</param>
    /// <param name="serviceName">The service name the peer sent.</param>
    /// <param name="ownerFqdn">The FQDN the peer sent, if any.</param>
    /// <returns>The local identity of the import.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> or <paramref name="serviceName"/> is null or empty, or the peer's FQDN template gives no valid DNS name for this service.</exception>
    public ImportName Resolve(string peer, string serviceName, string? ownerFqdn) =>
        TryResolve(peer, serviceName, ownerFqdn, out var name, out var error) ? name : throw new ArgumentException(error, nameof(ownerFqdn));

    /// <summary>Gives the local name and FQDN of a service imported from <paramref name="peer"/>, or the reason there is none.</summary>
    /// <param name="peer">The peer that exports the service.</param>
    /// <param name="serviceName">The service name the peer sent.</param>
    /// <param name="ownerFqdn">The FQDN the peer sent, if any.</param>
    /// <param name="name">The local identity, when the method returns <see langword="true"/>.</param>
    /// <param name="error">Why no valid FQDN could be formed, when the method returns <see langword="false"/>.</param>
    /// <returns><see langword="true"/> when a valid name and FQDN were formed; the local name alone always is.</returns>
    /// <exception cref="ArgumentException"><paramref name="peer"/> or <paramref name="serviceName"/> is null or empty.</exception>
    public bool TryResolve(string peer, string serviceName, string? ownerFqdn, out ImportName name, [NotNullWhen(false)] out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(peer);
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        return For(peer).TryResolve(serviceName, ownerFqdn, out name, out error);
    }

    /// <summary>Finds every local name that more than one distinct (peer, name) pair maps to.</summary>
    /// <param name="names">The services to check, for example every export of every peer.</param>
    /// <returns>The collisions, ordered by local name (ordinal); empty when every pair gets its own name.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A pair has a null or empty peer or name.</exception>
    public IReadOnlyList<ImportNameCollision> FindCollisions(IEnumerable<PeerServiceName> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var byLocalName = new Dictionary<string, HashSet<PeerServiceName>>(StringComparer.Ordinal);
        foreach (var source in names)
        {
            ArgumentException.ThrowIfNullOrEmpty(source.Peer, nameof(names));
            ArgumentException.ThrowIfNullOrEmpty(source.Name, nameof(names));
            var local = For(source.Peer).TryResolve(source.Name, null, out var resolved, out _)
                ? resolved.LocalName
                : throw new InvalidOperationException("A name without FQDN always resolves.");
            if (!byLocalName.TryGetValue(local, out var sources))
                byLocalName[local] = sources = [];
            sources.Add(source);
        }

        return [.. byLocalName
            .Where(pair => pair.Value.Count > 1)
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new ImportNameCollision(pair.Key, [.. pair.Value
                .OrderBy(s => s.Peer, StringComparer.Ordinal)
                .ThenBy(s => s.Name, StringComparer.Ordinal)]))];
    }

    internal PeerNaming For(string peer) =>
        _peers.TryGetValue(peer, out var naming) ? naming : _peers.GetOrAdd(peer, p => PeerNaming.Compile(p, _defaults));

    // The caller may keep mutating its options object; the policy must not change under it.
    private static ImportNamingOptions Copy(ImportNamingOptions options) => new()
    {
        Style = options.Style,
        Alias = options.Alias,
        NameTemplate = options.NameTemplate,
        FqdnTemplate = options.FqdnTemplate,
    };
}
