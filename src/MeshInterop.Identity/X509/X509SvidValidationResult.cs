using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Identity.X509;

/// <summary>The outcome of validating a peer's X.509-SVID: the SPIFFE ID when valid, otherwise the broken rule.</summary>
public sealed class X509SvidValidationResult
{
    private X509SvidValidationResult(
        X509SvidFailure failure,
        SpiffeId spiffeId,
        string reason,
        SpiffeIdError idError,
        int certificateIndex,
        X509ChainStatusFlags chainStatus,
        IReadOnlyList<X509Certificate2> chain,
        DateTimeOffset validUntil)
    {
        Failure = failure;
        SpiffeId = spiffeId;
        Reason = reason;
        IdError = idError;
        CertificateIndex = certificateIndex;
        ChainStatus = chainStatus;
        Chain = chain;
        ValidUntil = validUntil;
    }

    /// <summary>Gets a value indicating whether the SVID is valid (and authorized, where an authorizer ran).</summary>
    public bool IsValid => Failure == X509SvidFailure.None;

    /// <summary>Gets the peer's SPIFFE ID; empty when the URI SAN could not be read as one.</summary>
    public SpiffeId SpiffeId { get; }

    /// <summary>Gets the rule the SVID broke, or <see cref="X509SvidFailure.None"/>.</summary>
    public X509SvidFailure Failure { get; }

    /// <summary>Gets a human-readable explanation of the failure, or an empty string when valid.</summary>
    public string Reason { get; }

    /// <summary>Gets the SPIFFE ID parse error when <see cref="Failure"/> is <see cref="X509SvidFailure.InvalidSpiffeId"/>.</summary>
    public SpiffeIdError IdError { get; }

    /// <summary>Gets the index of the offending certificate (0 = leaf, then presented order or chain order), or -1.</summary>
    public int CertificateIndex { get; }

    /// <summary>Gets the chain status flags the chain engine reported, when the failure came from the chain build.</summary>
    public X509ChainStatusFlags ChainStatus { get; }

    /// <summary>Gets the verified chain, leaf first and the trust domain's authority last; empty when invalid.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    /// <summary>Gets the earliest NotAfter of the verified chain; <see cref="DateTimeOffset.MinValue"/> when invalid.</summary>
    public DateTimeOffset ValidUntil { get; }

    internal static X509SvidValidationResult Success(SpiffeId id, IReadOnlyList<X509Certificate2> chain, DateTimeOffset validUntil) =>
        new(X509SvidFailure.None, id, string.Empty, SpiffeIdError.None, -1, X509ChainStatusFlags.NoError, chain, validUntil);

    internal static X509SvidValidationResult Fail(
        X509SvidFailure failure,
        string reason,
        SpiffeId id = default,
        int certificateIndex = -1,
        SpiffeIdError idError = SpiffeIdError.None,
        X509ChainStatusFlags chainStatus = X509ChainStatusFlags.NoError) =>
        new(failure, id, reason, idError, certificateIndex, chainStatus, [], DateTimeOffset.MinValue);

    internal X509SvidValidationResult WithFailure(X509SvidFailure failure, string reason) =>
        new(failure, SpiffeId, reason, SpiffeIdError.None, -1, X509ChainStatusFlags.NoError, [], DateTimeOffset.MinValue);

    /// <inheritdoc/>
    public override string ToString() => IsValid ? $"valid X.509-SVID '{SpiffeId}'" : $"{Failure}: {Reason}";
}
