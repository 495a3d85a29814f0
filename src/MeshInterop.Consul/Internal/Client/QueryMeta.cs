using System.Globalization;
using System.Net.Http.Headers;

namespace MeshInterop.Consul.Internal.Client;

/// <summary>Every <c>X-Consul-*</c> (and agent-cache) response header of one answer.</summary>
internal sealed record QueryMeta
{
    /// <summary>Gets <c>X-Consul-Index</c>, or 0 when the header is absent (write endpoints and agent routes).</summary>
    public ulong LastIndex { get; init; }

    public bool? KnownLeader { get; init; }

    public TimeSpan? LastContact { get; init; }

    public string? EffectiveConsistency { get; init; }

    /// <summary>Gets a value indicating whether ACLs hid part of the result: such a view is partial and must never drive a deletion.</summary>
    public bool ResultsFilteredByAcls { get; init; }

    public string? DefaultAclPolicy { get; init; }

    public string? QueryBackend { get; init; }

    public bool? AddressTranslationEnabled { get; init; }

    public bool? CacheHit { get; init; }

    public TimeSpan? CacheAge { get; init; }

    public string? ContentHash { get; init; }

    public static QueryMeta Parse(HttpResponseHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new QueryMeta
        {
            LastIndex = ParseUInt64(Single(headers, "X-Consul-Index")) ?? 0,
            KnownLeader = ParseBool(Single(headers, "X-Consul-KnownLeader")),
            LastContact = ParseUInt64(Single(headers, "X-Consul-LastContact")) is { } ms
                ? TimeSpan.FromMilliseconds(Math.Min(ms, (ulong)TimeSpan.MaxValue.TotalMilliseconds - 1)) : null,
            EffectiveConsistency = Single(headers, "X-Consul-Effective-Consistency"),
            ResultsFilteredByAcls = ParseBool(Single(headers, "X-Consul-Results-Filtered-By-ACLs")) ?? false,
            DefaultAclPolicy = Single(headers, "X-Consul-Default-ACL-Policy"),
            QueryBackend = Single(headers, "X-Consul-Query-Backend"),
            AddressTranslationEnabled = ParseBool(Single(headers, "X-Consul-Translate-Addresses")),
            CacheHit = Single(headers, "X-Cache") is { } cache ? string.Equals(cache, "HIT", StringComparison.OrdinalIgnoreCase) : null,
            CacheAge = ParseUInt64(Single(headers, "Age")) is { } age ? TimeSpan.FromSeconds(Math.Min(age, 1UL << 40)) : null,
            ContentHash = Single(headers, "X-Consul-ContentHash"),
        };
    }

    private static string? Single(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static ulong? ParseUInt64(string? text) =>
        ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static bool? ParseBool(string? text) =>
        text is null ? null
        : string.Equals(text, "true", StringComparison.OrdinalIgnoreCase) ? true
        : string.Equals(text, "false", StringComparison.OrdinalIgnoreCase) ? false
        : null;
}

/// <summary>A decoded answer with its headers and a hash of the raw body, which blocking-query watches compare.</summary>
internal sealed record QueryResult<T>(T Value, QueryMeta Meta, string BodyHash);

/// <summary>How a read is served (§7 of the reference).</summary>
internal enum ConsulConsistency
{
    /// <summary>By the leader; fails with 500 when there is none.</summary>
    Default,

    /// <summary>By any server (<c>?stale</c>); survives leader loss and scales.</summary>
    Stale,

    /// <summary>By the leader after a quorum check (<c>?consistent</c>).</summary>
    Consistent,
}

/// <summary>The query parameters of a read.</summary>
internal sealed record ConsulQuery
{
    public static ConsulQuery Default { get; } = new();

    /// <summary>Gets the index to block on; 0 or null means answer at once.</summary>
    public ulong Index { get; init; }

    /// <summary>Gets the blocking wait; only sent with a non-zero <see cref="Index"/>.</summary>
    public TimeSpan? Wait { get; init; }

    public ConsulConsistency Consistency { get; init; }

    /// <summary>Gets a Consul filter expression; selector names differ per endpoint.</summary>
    public string? Filter { get; init; }

    public string? Tag { get; init; }

    /// <summary>Gets a value indicating whether to drop instances with any non-passing check (health endpoints only).</summary>
    public bool Passing { get; init; }

    /// <summary>Gets an Enterprise namespace that overrides the configured one (<c>*</c> on list endpoints); never sent on CE.</summary>
    public string? Namespace { get; init; }

    /// <summary>Gets a cluster peer whose separate, peer-scoped catalog is read (<c>?peer=</c>); for diagnostics only, never re-exported.</summary>
    public string? Peer { get; init; }

    /// <summary>Gets a node meta pair <c>key:value</c> that listed nodes must carry (<c>?node-meta=</c>).</summary>
    public string? NodeMeta { get; init; }
}
