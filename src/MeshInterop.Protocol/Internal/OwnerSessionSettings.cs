using MeshInterop.Catalog.Validation;
namespace MeshInterop.Protocol.Internal;

/// <summary>The settings one owner stream runs with, resolved from the owner options.</summary>
internal sealed record OwnerSessionSettings
{
    public required TimeSpan AckTimeout { get; init; }

    public required int MaxWindow { get; init; }

    /// <summary>Gets the resource versions this envelope serves (2.8: one by default, both configurable).</summary>
    public required IReadOnlySet<HamletResourceVersion> ServedVersions { get; init; }

    /// <summary>Gets the v1alpha2 context token to require, compared in constant time; null when not checked.</summary>
    public string? ContextToken { get; init; }
}
