namespace MeshInterop.Consul;

/// <summary>The names under which MeshInterop.Consul publishes traces and metrics.</summary>
public static class ConsulTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and of the meter of this package.</summary>
    public const string Name = "MeshInterop.Consul";
}
