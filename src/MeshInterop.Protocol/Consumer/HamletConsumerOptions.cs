using System.ComponentModel.DataAnnotations;
using MeshInterop.Catalog.Validation;

namespace MeshInterop.Protocol.Consumer;

/// <summary>How a consumer subscribes to one owner. Defaults follow the protocol reference (5.3).</summary>
public sealed class HamletConsumerOptions
{
    /// <summary>Gets or sets the peer's configured name, under which its imports are kept.</summary>
    /// <value>No default: required.</value>
    [Required]
    [MinLength(1)]
    public string PeerName { get; set; } = string.Empty;

    /// <summary>Gets or sets the envelope to speak.</summary>
    /// <value>The default value is <see cref="HamletEnvelope.V1Alpha1"/>, the envelope every Hamlet owner serves.</value>
    public HamletEnvelope Envelope { get; set; } = HamletEnvelope.V1Alpha1;

    /// <summary>Gets or sets the resource version to subscribe to.</summary>
    /// <value>
    /// The default value is <see langword="null"/>: the envelope's own version (v1alpha1 resources on the v1alpha1
    /// envelope, v1alpha2 on v1alpha2), which is what every owner serves by default (protocol reference 2.8).
    /// </value>
    public HamletResourceVersion? ResourceVersion { get; set; }

    /// <summary>
    /// Gets or sets how many responses the owner may send before their answers (the <c>x-meshinterop-window</c>
    /// extension); 1 is plain Hamlet lockstep and sends no header.
    /// </summary>
    /// <value>The default value is 1.</value>
    [Range(1, MeshInteropHeaders.MaxWindow)]
    public int Window { get; set; } = 1;

    /// <summary>Gets or sets the v1alpha2 <c>context</c> sent in every request.</summary>
    /// <value>The default value is the empty string.</value>
    public string Context { get; set; } = string.Empty;

    /// <summary>Gets or sets the delay before the first reconnect; the spec requires at least one second (R14).</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest delay between reconnects, before jitter.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how long a stream must stay up before the reconnect delays start again from the first.</summary>
    /// <value>The default value is 60 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan HealthyStreamPeriod { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets whether a TLS authentication failure (gRPC reports it as <c>Unavailable</c>) stops the consumer
    /// instead of retrying: a certificate the peer rejects will not start working by itself.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool StopOnTlsAuthenticationFailure { get; set; } = true;

    /// <summary>Gets or sets how strictly received resources are validated (G21).</summary>
    /// <value>The default value is <see cref="CatalogValidationMode.Lenient"/>.</value>
    public CatalogValidationMode Validation { get; set; } = CatalogValidationMode.Lenient;
}
