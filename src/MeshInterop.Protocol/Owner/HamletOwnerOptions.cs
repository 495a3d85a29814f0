using System.ComponentModel.DataAnnotations;
using MeshInterop.Catalog.Validation;

namespace MeshInterop.Protocol.Owner;

/// <summary>How an owner serves its catalog. Defaults follow the protocol reference (5.3).</summary>
public sealed class HamletOwnerOptions
{
    /// <summary>Gets or sets how long the owner waits for the answer to its oldest outstanding response before ending the stream with <c>Unavailable</c> (G12).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most responses the owner keeps unanswered when a consumer asks for a window.</summary>
    /// <value>The default value is 64.</value>
    [Range(1, MeshInteropHeaders.MaxWindow)]
    public int MaxWindow { get; set; } = 64;

    /// <summary>Gets or sets how many streams one peer may hold open at once; more end with <c>ResourceExhausted</c>.</summary>
    /// <value>The default value is 8: a consumer needs one per resource type, and reconnects may overlap briefly.</value>
    [Range(1, 1024)]
    public int MaxStreamsPerPeer { get; set; } = 8;

    /// <summary>Gets the resource versions served on the v1alpha1 envelope.</summary>
    /// <value>The default value is <see cref="HamletResourceVersion.V1Alpha1"/> only.</value>
    public ISet<HamletResourceVersion> V1Alpha1EnvelopeResources { get; } = new HashSet<HamletResourceVersion> { HamletResourceVersion.V1Alpha1 };

    /// <summary>Gets the resource versions served on the v1alpha2 envelope.</summary>
    /// <value>The default value is <see cref="HamletResourceVersion.V1Alpha2"/> only.</value>
    public ISet<HamletResourceVersion> V1Alpha2EnvelopeResources { get; } = new HashSet<HamletResourceVersion> { HamletResourceVersion.V1Alpha2 };

    /// <summary>
    /// Gets or sets the token a v1alpha2 stream's <c>context</c> must equal, compared in constant time; a mismatch
    /// ends the stream with <c>PermissionDenied</c>. It is checked in addition to mTLS, never instead of it.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: not checked.</value>
    public string? ContextToken { get; set; }
}
