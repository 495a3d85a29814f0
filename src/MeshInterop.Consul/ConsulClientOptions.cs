using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Consul;

/// <summary>
/// Configures how MeshInterop talks to one Consul datacenter over its HTTP API.
/// </summary>
/// <remarks>
/// The token is sent only in the <c>X-Consul-Token</c> header, never in the query string, and is never logged.
/// The server edition (Community or Enterprise) is detected, not configured: <see cref="Namespace"/> and
/// <see cref="Partition"/> are sent only when the server turns out to be Enterprise.
/// </remarks>
public sealed class ConsulClientOptions
{
    /// <summary>The configuration section that holds these options.</summary>
    public const string SectionName = "MeshInterop:Consul";

    /// <summary>Gets or sets the base address of the Consul HTTP API (an agent or a server).</summary>
    /// <value>The default value is <c>http://127.0.0.1:8500</c>, the local agent.</value>
    /// <remarks>
    /// Plain <c>http</c> is accepted only for a loopback address unless <see cref="AllowPlaintextHttp"/> is set,
    /// because the ACL token travels with every request.
    /// </remarks>
    [Required]
    public Uri Address { get; set; } = new("http://127.0.0.1:8500", UriKind.Absolute);

    /// <summary>Gets or sets the ACL token sent as <c>X-Consul-Token</c>.</summary>
    /// <value>The default value is <see langword="null"/>: Consul then uses the agent's default token or anonymous.</value>
    public string? Token { get; set; }

    /// <summary>Gets or sets a file that holds the ACL token; it is re-read when Consul answers <c>ACL not found</c>, which supports rotation.</summary>
    /// <value>The default value is <see langword="null"/>. At most one of <see cref="Token"/> and <see cref="TokenFile"/> may be set.</value>
    public string? TokenFile { get; set; }

    /// <summary>Gets or sets a PEM file with the CA certificates that alone are trusted for the HTTPS API (CA pinning).</summary>
    /// <value>The default value is <see langword="null"/>: the system trust store is used. Only valid with an <c>https</c> address.</value>
    public string? CaCertificateFile { get; set; }

    /// <summary>Gets or sets a PEM file with a client certificate, for servers that set <c>verify_incoming</c> on HTTPS.</summary>
    /// <value>The default value is <see langword="null"/>. Requires <see cref="ClientKeyFile"/>.</value>
    public string? ClientCertificateFile { get; set; }

    /// <summary>Gets or sets the PEM file with the private key of <see cref="ClientCertificateFile"/>.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? ClientKeyFile { get; set; }

    /// <summary>Gets or sets a value indicating whether plain <c>http</c> may be used for a non-loopback address.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowPlaintextHttp { get; set; }

    /// <summary>Gets or sets the Enterprise namespace to read and write; ignored (never sent) on Community Edition.</summary>
    /// <value>The default value is <see langword="null"/>: the token's namespace, or <c>default</c>.</value>
    public string? Namespace { get; set; }

    /// <summary>Gets or sets the Enterprise admin partition to read and write; ignored (never sent) on Community Edition.</summary>
    /// <value>The default value is <see langword="null"/>: the token's partition, or <c>default</c>.</value>
    public string? Partition { get; set; }

    /// <summary>Gets or sets the deadline of every request that is not a blocking query.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the <c>wait</c> of blocking queries; Consul caps it at 10 minutes.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan BlockingWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the margin added to <c>wait + wait/16</c> (Consul's jitter) to form the deadline of a blocking query.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan BlockingDeadlineMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the refill interval of each watch's token bucket (burst 2), which sets the polling rate under sustained churn.</summary>
    /// <value>The default value is 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan WatchRateInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the first delay of the exponential back-off (with full jitter) after a failed request of a watch.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest back-off delay of a watch; access denials are retried at this pace.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the <c>X-Consul-LastContact</c> above which a stale read is logged as lagging behind the leader.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StaleWarningThreshold { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the largest response body accepted from Consul, in bytes.</summary>
    /// <value>The default value is 32 MiB (Consul's own per-service peering budget is 8 MB).</value>
    [Range(64 * 1024, 512 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Gets or sets the most connections held to the Consul address; each watch holds one, so size it to the watches plus headroom.</summary>
    /// <value>The default value is 256.</value>
    [Range(2, 65_536)]
    public int MaxConnections { get; set; } = 256;
}
