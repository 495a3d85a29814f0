using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// A port the service listens on, as Kubernetes and Consul describe it. Hamlet does not carry service ports,
/// but adapters need them to materialise an import (a ServiceEntry port, a Consul service port). A value type,
/// stored inline in the entry's array.
/// </summary>
public readonly record struct ServicePort
{
    private readonly string? _name;
    private readonly string? _protocol;

    /// <summary>Gets the port name, a DNS-1123 label when set (it becomes a Kubernetes port name).</summary>
    /// <value>The default value is the empty string (unnamed).</value>
    /// <exception cref="ArgumentNullException">The value set is <see langword="null"/>.</exception>
    public string Name
    {
        get => _name ?? string.Empty;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _name = value;
        }
    }

    /// <summary>Gets the port number, 1 to 65535 when valid.</summary>
    public required int Port { get; init; }

    /// <summary>Gets the application protocol; one of <see cref="ServiceProtocols.All"/> is stored in canonical upper case.</summary>
    /// <value>The default value is the empty string (unknown).</value>
    public string Protocol
    {
        get => _protocol ?? string.Empty;
        init => _protocol = ServiceProtocols.Normalize(value);
    }

    /// <summary>Gets the port the workloads listen on behind <see cref="Port"/>.</summary>
    /// <value>The default value is 0, meaning the same as <see cref="Port"/>.</value>
    public int TargetPort { get; init; }

    /// <inheritdoc/>
    public bool Equals(ServicePort other) =>
        Port == other.Port
        && TargetPort == other.TargetPort
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Protocol, other.Protocol, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(Port, TargetPort, StringComparer.Ordinal.GetHashCode(Name), StringComparer.Ordinal.GetHashCode(Protocol));

    internal void AddTo(ref ContentHasher hasher)
    {
        hasher.Add(Name);
        hasher.Add(Port);
        hasher.Add(Protocol);
        hasher.Add(TargetPort);
    }

    internal static int Compare(ServicePort x, ServicePort y)
    {
        var c = x.Port.CompareTo(y.Port);
        if (c == 0)
        {
            c = string.CompareOrdinal(x.Name, y.Name);
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(x.Protocol, y.Protocol);
        }

        return c != 0 ? c : x.TargetPort.CompareTo(y.TargetPort);
    }
}
