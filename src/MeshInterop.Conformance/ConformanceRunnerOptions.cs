using System.Net;
using MeshInterop.Catalog.Validation;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Protocol;

namespace MeshInterop.Conformance;

/// <summary>What a <see cref="ConformanceRunner"/> runs, against what, and how.</summary>
public sealed class ConformanceRunnerOptions
{
    /// <summary>Gets or sets the target's address (owner role), such as <c>https://127.0.0.1:15443</c>.</summary>
    /// <value>No default: required for the owner role; ignored for the consumer role.</value>
    public Uri? Target { get; set; }

    /// <summary>Gets or sets the role of the target.</summary>
    /// <value>The default value is <see cref="ConformanceRole.Owner"/>.</value>
    public ConformanceRole Role { get; set; } = ConformanceRole.Owner;

    /// <summary>Gets or sets the envelope the kit speaks.</summary>
    /// <value>The default value is <see cref="HamletEnvelope.V1Alpha1"/>.</value>
    public HamletEnvelope Envelope { get; set; } = HamletEnvelope.V1Alpha1;

    /// <summary>Gets or sets the resource version the kit subscribes to or serves.</summary>
    /// <value>The default value is <see langword="null"/>: the envelope's own version.</value>
    public HamletResourceVersion? ResourceVersion { get; set; }

    /// <summary>Gets or sets the endpoint the kit's owner listens on in the consumer role; the hook passes its address to the target.</summary>
    /// <value>The default value is 127.0.0.1 with a free port.</value>
    public IPEndPoint Listen { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Gets the TLS material.</summary>
    public ConformanceTlsOptions Tls { get; } = new();

    /// <summary>Gets the timing bounds.</summary>
    public ConformanceTimingOptions Timing { get; } = new();

    /// <summary>Gets the IDs of the cases to run; empty runs every case.</summary>
    public ISet<string> Cases { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the only level to run.</summary>
    /// <value>The default value is <see langword="null"/>: both levels.</value>
    public ConformanceLevel? Level { get; set; }

    /// <summary>Gets or sets what the target claims beyond the protocol.</summary>
    /// <value>The default value is <see cref="ConformanceCapabilities.None"/>.</value>
    public ConformanceCapabilities Capabilities { get; set; }

    /// <summary>Gets or sets the hook that drives the target: mutations on an owner, start, stop and inspection of a consumer.</summary>
    /// <value>The default value is <see langword="null"/>: cases that need it are not applicable.</value>
    public IConformanceHook? Hook { get; set; }

    /// <summary>Gets or sets the v1alpha2 <c>context</c> token the target owner requires (case 50).</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ContextToken { get; set; }

    internal HamletResourceVersion EffectiveResourceVersion =>
        ResourceVersion ?? (Envelope == HamletEnvelope.V1Alpha2 ? HamletResourceVersion.V1Alpha2 : HamletResourceVersion.V1Alpha1);

    internal void Validate()
    {
        if (Role == ConformanceRole.Owner && Target is null)
        {
            throw new ArgumentException("Options.Target is required for the owner role: the address the kit dials.", nameof(Target));
        }

        if (Role == ConformanceRole.Owner && Target is { } target && target.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Options.Target '{target}' must be an https address: Hamlet runs over mTLS.", nameof(Target));
        }

        if (Tls.Identity is null)
        {
            throw new ArgumentException("Options.Tls.Identity is required: the X.509-SVID the kit presents.", nameof(Tls));
        }

        if (Tls.Bundles is null || Tls.Bundles.TrustDomains.Count == 0)
        {
            throw new ArgumentException("Options.Tls.Bundles is required: the trust bundle of the target's trust domain.", nameof(Tls));
        }

        foreach (var id in Cases)
        {
            if (!ConformanceCases.TryGet(id, out _))
            {
                throw new ArgumentException($"Options.Cases names unknown case '{id}'; 'meshinterop conformance list' prints the IDs.", nameof(Cases));
            }
        }

        Timing.Validate();
    }
}
