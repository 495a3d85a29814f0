using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MeshInterop.Istio.Resources;

namespace MeshInterop.Istio.Internal;

/// <summary>
/// Names, labels and annotations of the objects the adapter owns: <c>mi-&lt;kind&gt;-&lt;slug&gt;-&lt;hash8&gt;</c>, at
/// most 63 characters and always a DNS-1123 label (Gateways require one), where <c>hash8</c> is the first eight hex
/// digits of SHA-256 over the canonical service key, so that every object of one service shares the suffix and a
/// truncated slug can never make two services collide.
/// </summary>
internal static class IstioObjectNaming
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "meshinterop";
    public const string RoleLabel = "meshinterop.io/role";
    public const string PeerLabel = "meshinterop.io/peer";
    public const string ServiceLabel = "meshinterop.io/service";
    public const string SpecHashAnnotation = "meshinterop.io/spec-hash";
    public const string CatalogKeyAnnotation = "meshinterop.io/catalog-key";
    public const string CatalogRevisionAnnotation = "meshinterop.io/catalog-revision";

    private const int MaxNameLength = 63;

    /// <summary>First eight hex digits of SHA-256 over the key parts (length-prefixed, so part boundaries count).</summary>
    public static string ServiceHash(params string[] keyParts)
    {
        ArgumentNullException.ThrowIfNull(keyParts);
        var canonical = new StringBuilder();
        foreach (var part in keyParts)
            canonical.Append(part.Length).Append(':').Append(part).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))[..8];
    }

    /// <summary><c>mi-&lt;kind&gt;-&lt;slug&gt;-&lt;hash8&gt;</c>; the slug is sanitised from <paramref name="slugParts"/> and truncated to fit.</summary>
    public static string ObjectName(IstioResourceType type, string hash8, params string[] slugParts)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(slugParts);
        if (hash8.Length != 8 || !hash8.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
            throw new ArgumentException($"'{hash8}' is not eight lowercase hex digits.", nameof(hash8));

        var prefix = "mi-" + type.ShortName + "-";
        var room = MaxNameLength - prefix.Length - 1 - hash8.Length;
        var slug = Sanitise(string.Join('-', slugParts));
        if (slug.Length > room)
            slug = slug[..room].TrimEnd('-');
        return slug.Length == 0 ? prefix + hash8 : prefix + slug + "-" + hash8;
    }

    /// <summary>The ownership labels; <paramref name="peer"/> only on peer-scoped objects, <paramref name="serviceHash"/> only on per-service ones.</summary>
    /// <exception cref="ArgumentException">The peer name is not a valid label value.</exception>
    public static Dictionary<string, string> Labels(string role, string? peer, string? serviceHash)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ManagedByLabel] = ManagedByValue,
            [RoleLabel] = role,
        };
        if (peer is not null)
        {
            if (!Webhook.IstioNames.IsLabelValue(peer) || peer.Length == 0)
                throw new ArgumentException($"Peer name '{peer}' cannot be a label value: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric.", nameof(peer));
            labels[PeerLabel] = peer;
        }

        if (serviceHash is not null)
            labels[ServiceLabel] = serviceHash;
        return labels;
    }

    /// <summary>Sixteen hex digits of SHA-256 over the canonical spec JSON: equal specs, equal hashes.</summary>
    public static string SpecHash(JsonObject canonicalSpec)
    {
        ArgumentNullException.ThrowIfNull(canonicalSpec);
        var json = SpecJson.SortKeys(canonicalSpec)!.ToJsonString();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }

    // Lowercase; every run of characters outside [a-z0-9] becomes one '-'; no leading or trailing '-'.
    private static string Sanitise(string text)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                slug.Append(c);
            else if (slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }

        return slug.ToString().Trim('-');
    }
}
