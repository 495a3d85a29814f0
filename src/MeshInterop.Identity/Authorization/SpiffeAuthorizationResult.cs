namespace MeshInterop.Identity.Authorization;

/// <summary>The outcome of authorizing a validated SPIFFE ID: allowed, or denied with a reason.</summary>
public readonly struct SpiffeAuthorizationResult : IEquatable<SpiffeAuthorizationResult>
{
    private SpiffeAuthorizationResult(string? reason) => Reason = reason;

    /// <summary>Gets the result that allows the peer.</summary>
    public static SpiffeAuthorizationResult Authorized => default;

    /// <summary>Gets a value indicating whether the peer is allowed.</summary>
    public bool IsAuthorized => Reason is null;

    /// <summary>Gets why the peer was denied, in the wording used across the SPIFFE ecosystem (for example <c>unexpected ID "spiffe://example.org/web"</c>).</summary>
    /// <value><see langword="null"/> when the peer is allowed.</value>
    public string? Reason { get; }

    /// <summary>Determines whether two results are equal.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns><see langword="true"/> when both allow, or both deny for the same reason.</returns>
    public static bool operator ==(SpiffeAuthorizationResult left, SpiffeAuthorizationResult right) => left.Equals(right);

    /// <summary>Determines whether two results differ.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(SpiffeAuthorizationResult left, SpiffeAuthorizationResult right) => !left.Equals(right);

    /// <summary>Creates a denial.</summary>
    /// <param name="reason">Why the peer is denied.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="reason"/> is null or empty.</exception>
    public static SpiffeAuthorizationResult Denied(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new SpiffeAuthorizationResult(reason);
    }

    /// <inheritdoc/>
    public bool Equals(SpiffeAuthorizationResult other) => string.Equals(Reason, other.Reason, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpiffeAuthorizationResult other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Reason is null ? 0 : string.GetHashCode(Reason, StringComparison.Ordinal);

    /// <summary>Describes the result.</summary>
    /// <returns><c>authorized</c>, or <c>denied: </c> followed by the reason.</returns>
    public override string ToString() => Reason is null ? "authorized" : "denied: " + Reason;
}
