using System.Buffers;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using MeshInterop.Identity.Internal;

namespace MeshInterop.Identity.Bundles;

/// <summary>
/// A SPIFFE bundle map: <c>{"trust_domains": {"&lt;name&gt;": &lt;bundle&gt;, ...}}</c>, the bundles of several trust
/// domains in one document. A map is the state of the world: apply it with <see cref="ApplyTo"/>, which also removes
/// trust domains that are absent from it.
/// </summary>
/// <remarks>
/// Keys are parsed strictly as bare trust domain names, duplicate keys are rejected, and an invalid key or bundle
/// rejects the whole map so that the previous state is kept. Refresh hints inside the bundles are kept but must not
/// change how often the map itself is refreshed.
/// </remarks>
public sealed class SpiffeBundleMap
{
    /// <summary>The largest bundle map document accepted, in bytes (8 MiB).</summary>
    public const int MaxDocumentBytes = 8 * 1024 * 1024;

    /// <summary>The most trust domains accepted in one map.</summary>
    public const int MaxTrustDomains = 1024;

    private readonly FrozenDictionary<TrustDomain, SpiffeBundle> _bundles;

    /// <summary>Initializes a new instance of the <see cref="SpiffeBundleMap"/> class.</summary>
    /// <param name="bundles">The bundles; each trust domain at most once.</param>
    /// <exception cref="ArgumentNullException"><paramref name="bundles"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A bundle is <see langword="null"/>, or a trust domain appears twice.</exception>
    public SpiffeBundleMap(IEnumerable<SpiffeBundle> bundles)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        var byTrustDomain = new Dictionary<TrustDomain, SpiffeBundle>();
        foreach (var bundle in bundles)
        {
            if (bundle is null)
            {
                throw new ArgumentException("A bundle is null.", nameof(bundles));
            }

            if (!byTrustDomain.TryAdd(bundle.TrustDomain, bundle))
            {
                throw new ArgumentException($"Trust domain '{bundle.TrustDomain}' appears more than once.", nameof(bundles));
            }
        }

        _bundles = byTrustDomain.ToFrozenDictionary();
    }

    /// <summary>Gets the bundles by trust domain.</summary>
    public IReadOnlyDictionary<TrustDomain, SpiffeBundle> Bundles => _bundles;

    /// <summary>Parses a bundle map.</summary>
    /// <param name="utf8Json">The document, UTF-8, at most <see cref="MaxDocumentBytes"/>.</param>
    /// <returns>The map.</returns>
    /// <exception cref="SpiffeBundleFormatException">The document is too large, not UTF-8 JSON, has a duplicate member or key, has no <c>trust_domains</c> object, has an invalid trust domain key, has more than <see cref="MaxTrustDomains"/> trust domains, or holds an invalid bundle.</exception>
    public static SpiffeBundleMap Parse(ReadOnlySpan<byte> utf8Json)
    {
        using var document = SpiffeBundleReader.ParseDocument(utf8Json, MaxDocumentBytes, "The bundle map");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("trust_domains"u8, out var map) || map.ValueKind != JsonValueKind.Object)
        {
            throw new SpiffeBundleFormatException("The bundle map must be a JSON object with a 'trust_domains' object.");
        }

        var bundles = new List<SpiffeBundle>();
        foreach (var member in map.EnumerateObject())
        {
            if (bundles.Count == MaxTrustDomains)
            {
                throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture, $"The bundle map has more than {MaxTrustDomains} trust domains."));
            }

            // Keys are bare names only: a full SPIFFE ID as a key is rejected, never reinterpreted.
            if (member.Name.Contains(':', StringComparison.Ordinal))
            {
                throw new SpiffeBundleFormatException($"The bundle map key \"{PeerText.Printable(member.Name)}\" is not a bare trust domain name.");
            }

            if (!TrustDomain.TryParse(member.Name, SpiffeIdParseOptions.Strict, out var trustDomain, out var error, out var index))
            {
                throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture,
                    $"The bundle map key \"{PeerText.Printable(member.Name)}\" is not a valid trust domain name: {SpiffeIdFormatException.GetMessage(error)} (at index {index})."));
            }

            try
            {
                bundles.Add(SpiffeBundleReader.Read(member.Value, trustDomain));
            }
            catch (SpiffeBundleFormatException exception)
            {
                throw new SpiffeBundleFormatException($"The bundle of '{trustDomain}' in the bundle map is invalid: {exception.Message}", exception);
            }
        }

        return new SpiffeBundleMap(bundles);
    }

    /// <summary>Returns a snapshot that holds exactly this map's bundles, derived from <paramref name="current"/>.</summary>
    /// <param name="current">The current snapshot.</param>
    /// <returns>The new snapshot, or <paramref name="current"/> when nothing changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="current"/> is <see langword="null"/>.</exception>
    public BundleSet ApplyTo(BundleSet current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return current.ReplaceAll(_bundles.Values);
    }

    /// <summary>Writes the map, with trust domains in ordinal order.</summary>
    /// <param name="writer">Where to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">An X.509 authority has a key other than RSA or EC P-256/P-384/P-521.</exception>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartObject("trust_domains"u8);
        foreach (var (trustDomain, bundle) in _bundles.OrderBy(static pair => pair.Key))
        {
            writer.WritePropertyName(trustDomain.AsSpan());
            bundle.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>Serialises the map to UTF-8 JSON; see <see cref="WriteTo"/>.</summary>
    /// <returns>The document.</returns>
    /// <exception cref="NotSupportedException">An X.509 authority has a key other than RSA or EC P-256/P-384/P-521.</exception>
    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
