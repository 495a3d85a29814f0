using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Istio.Leadership;

/// <summary>
/// How the agent's replicas elect a leader through a <c>coordination.k8s.io/v1</c> Lease. Bound from
/// <see cref="SectionName"/> and validated at start-up: <see cref="RetryPeriod"/> &lt; <see cref="RenewDeadline"/>
/// &lt; <see cref="LeaseDuration"/>.
/// </summary>
public sealed class IstioLeaderElectionOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "MeshInterop:Istio:LeaderElection";

    /// <summary>Gets or sets the Lease name.</summary>
    /// <value>The default value is <c>meshinterop-agent</c>.</value>
    [Required]
    [StringLength(253)]
    public string LeaseName { get; set; } = "meshinterop-agent";

    /// <summary>Gets or sets the namespace of the Lease (the agent's own).</summary>
    /// <value>The default value is <c>mesh-federation</c>.</value>
    [Required]
    [StringLength(63)]
    public string LeaseNamespace { get; set; } = "mesh-federation";

    /// <summary>Gets or sets this replica's identity in the Lease (its pod name).</summary>
    /// <value>The default value is the host name, which in a pod is the pod name.</value>
    [Required]
    public string Identity { get; set; } = Environment.MachineName;

    /// <summary>Gets or sets how long other replicas wait, after the last renewal they saw, before taking the Lease over.</summary>
    /// <value>The default value is 15 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets how long the leader keeps leading without a successful renewal before it steps down.</summary>
    /// <value>The default value is 10 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RenewDeadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how often the Lease is renewed, and how often a follower tries to take it.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromSeconds(2);
}
