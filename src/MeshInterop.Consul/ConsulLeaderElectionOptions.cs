namespace MeshInterop.Consul;

/// <summary>
/// Configures the Consul session lock that elects the one replica of an agent that writes imports (one active writer per
/// owner ID): a session with a TTL holds a KV key; the holder renews it every TTL/2 and steps down when it cannot.
/// </summary>
public sealed class ConsulLeaderElectionOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "MeshInterop:Consul:Leadership";

    /// <summary>Gets or sets the KV key the replicas compete for.</summary>
    /// <value>The default value is <see langword="null"/>: <c>meshinterop/leader/&lt;OwnerId&gt;</c> from <see cref="ConsulImportOptions.OwnerId"/>.</value>
    public string? Key { get; set; }

    /// <summary>Gets or sets the name this replica writes as the key's value, so operators can see who leads.</summary>
    /// <value>The default value is <see langword="null"/>: the machine name.</value>
    public string? HolderName { get; set; }

    /// <summary>Gets or sets the session TTL; a holder that cannot renew within it loses the lock. Consul accepts 10 seconds to 24 hours.</summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan SessionTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long Consul keeps the key from being taken after the holder's session is lost (not released), so a
    /// stalled holder cannot overlap its successor. A clean hand-over is not delayed.
    /// </summary>
    /// <value>The default value is 15 seconds (Consul's default).</value>
    public TimeSpan LockDelay { get; set; } = TimeSpan.FromSeconds(15);
}
