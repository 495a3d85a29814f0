using MeshInterop.Catalog.Validation;
namespace MeshInterop.Protocol;

/// <summary>
/// The resource type URLs Hamlet defines, and how MeshInterop compares them: by the full message name
/// after the last <c>/</c>, always emitting the canonical <c>type.googleapis.com/</c> form.
/// </summary>
public static class HamletResourceTypes
{
    /// <summary>The type URL of <c>federation.types.v1alpha1.FederatedService</c>.</summary>
    public const string V1Alpha1FederatedService = "type.googleapis.com/federation.types.v1alpha1.FederatedService";

    /// <summary>The type URL of <c>federation.types.v1alpha2.FederatedService</c>.</summary>
    public const string V1Alpha2FederatedService = "type.googleapis.com/federation.types.v1alpha2.FederatedService";

    private const string V1Alpha1Name = "federation.types.v1alpha1.FederatedService";
    private const string V1Alpha2Name = "federation.types.v1alpha2.FederatedService";

    /// <summary>Resolves a type URL to the resource version it names, whatever its prefix.</summary>
    /// <param name="typeUrl">A type URL such as <c>type.googleapis.com/federation.types.v1alpha2.FederatedService</c>.</param>
    /// <param name="version">The resource version the URL names.</param>
    /// <returns><see langword="true"/> when the URL names one of the two <c>FederatedService</c> types.</returns>
    public static bool TryResolve(string? typeUrl, out HamletResourceVersion version)
    {
        var name = MessageName(typeUrl);
        if (name.SequenceEqual(V1Alpha1Name))
        {
            version = HamletResourceVersion.V1Alpha1;
            return true;
        }

        if (name.SequenceEqual(V1Alpha2Name))
        {
            version = HamletResourceVersion.V1Alpha2;
            return true;
        }

        version = default;
        return false;
    }

    /// <summary>Gets the canonical type URL of a resource version.</summary>
    /// <param name="version">The resource version.</param>
    /// <returns>The canonical type URL.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is not a defined value.</exception>
    public static string TypeUrl(HamletResourceVersion version) => version switch
    {
        HamletResourceVersion.V1Alpha1 => V1Alpha1FederatedService,
        HamletResourceVersion.V1Alpha2 => V1Alpha2FederatedService,
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "Unknown Hamlet resource version."),
    };

    /// <summary>Tells whether two type URLs name the same message, ignoring their prefixes.</summary>
    /// <param name="left">A type URL.</param>
    /// <param name="right">Another type URL.</param>
    /// <returns><see langword="true"/> when both name the same, non-empty message.</returns>
    public static bool SameType(string? left, string? right)
    {
        var leftName = MessageName(left);
        return !leftName.IsEmpty && leftName.SequenceEqual(MessageName(right));
    }

    private static ReadOnlySpan<char> MessageName(string? typeUrl)
    {
        if (string.IsNullOrEmpty(typeUrl))
        {
            return [];
        }

        var slash = typeUrl.LastIndexOf('/');
        return typeUrl.AsSpan(slash + 1);
    }
}
