namespace MeshInterop.Istio;

/// <summary>The names under which MeshInterop.Istio publishes traces and metrics.</summary>
public static class IstioTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and of the meter of this package.</summary>
    public const string Name = "MeshInterop.Istio";
}
