using System.Diagnostics;

namespace MeshInterop.Identity;

/// <summary>Telemetry names of the MeshInterop.Identity package: the meter and activity source, and tag keys.</summary>
public static class IdentityTelemetry
{
    /// <summary>The name of the package's <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="ActivitySource"/>.</summary>
    public const string Name = "MeshInterop.Identity";

    /// <summary>The tag carrying a trust domain name.</summary>
    public const string TrustDomainTag = "meshinterop.trust_domain";

    /// <summary>The tag carrying an outcome (<c>updated</c>, <c>unchanged</c>, <c>failed</c>, <c>regressed</c>).</summary>
    public const string OutcomeTag = "meshinterop.outcome";

    internal static readonly ActivitySource Source = new(new ActivitySourceOptions(Name));
}
