using System.Diagnostics;

namespace MeshInterop.Federation.Internal;

/// <summary>The package's one activity source.</summary>
internal static class FederationActivity
{
    internal static readonly ActivitySource Source = new(FederationTelemetry.Name);
}
