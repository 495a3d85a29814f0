using System.ComponentModel.DataAnnotations;

namespace MeshInterop.Identity.Federation;

/// <summary>How <see cref="FederatedBundleRefresher"/> paces retrievals (reference 4.7).</summary>
public sealed class FederatedBundleRefresherOptions
{
    /// <summary>Gets or sets the interval used when a bundle has no (valid) <c>spiffe_refresh_hint</c>.</summary>
    /// <value>The default value is 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DefaultRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the shortest interval a refresh hint can ask for.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the longest interval a refresh hint can ask for.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets the relative jitter applied to every interval, so peers do not poll in lockstep.</summary>
    /// <value>The default value is 0.1 (±10 %).</value>
    [Range(0.0, 0.5)]
    public double Jitter { get; set; } = 0.1;

    /// <summary>Gets or sets the shortest time between two early refreshes of one trust domain (unknown authority).</summary>
    /// <value>The default value is 30 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan EarlyRefreshMinInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether a bundle with a lower <c>spiffe_sequence</c> than the stored one is applied anyway (operator override).</summary>
    /// <value>The default value is <see langword="false"/>: the stored bundle is kept and <see cref="FederatedBundleRefresher.SequenceRegressed"/> is raised.</value>
    public bool AcceptSequenceRegression { get; set; }

    internal void Validate()
    {
        var problems = new List<string>();
        if (MinRefreshInterval <= TimeSpan.Zero || MaxRefreshInterval < MinRefreshInterval)
            problems.Add("MinRefreshInterval must be positive and not above MaxRefreshInterval.");
        if (DefaultRefreshInterval <= TimeSpan.Zero)
            problems.Add("DefaultRefreshInterval must be positive.");
        if (Jitter is < 0 or > 0.5 || double.IsNaN(Jitter))
            problems.Add("Jitter must be between 0 and 0.5.");
        if (EarlyRefreshMinInterval < TimeSpan.Zero)
            problems.Add("EarlyRefreshMinInterval must not be negative.");
        if (problems.Count > 0)
            throw new ArgumentException($"Federated bundle refresher options are invalid: {string.Join(" ", problems)}");
    }
}
