namespace MeshInterop.Identity.X509;

/// <summary>
/// Supplies this process's current X.509-SVID. TLS integrations read <see cref="Current"/> on every handshake, so a
/// rotation takes effect for the next connection without restarting listeners or dropping existing connections.
/// </summary>
public interface IX509SvidSource
{
    /// <summary>Gets the SVID to present now.</summary>
    X509Svid Current { get; }

    /// <summary>Occurs after <see cref="Current"/> has been replaced.</summary>
    event EventHandler? Changed;
}
