using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.X509;

namespace MeshInterop.Identity.Internal;

/// <summary>
/// Builds and judges chains per trust domain (reference 2.3, 5.2): only that trust domain's authorities as roots,
/// only the presented intermediates as extras, no downloads, an explicit verification time, and a byte-exact anchor check.
/// </summary>
internal static class SvidChainVerifier
{
    private const X509ChainStatusFlags NameConstraintFlags =
        X509ChainStatusFlags.HasExcludedNameConstraint | X509ChainStatusFlags.HasNotDefinedNameConstraint
        | X509ChainStatusFlags.HasNotPermittedNameConstraint | X509ChainStatusFlags.HasNotSupportedNameConstraint
        | X509ChainStatusFlags.InvalidNameConstraints;

    private const X509ChainStatusFlags RetryWithSingleRootFlags =
        X509ChainStatusFlags.NotSignatureValid | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot;

    /// <summary>Creates the policy recipe of reference 5.2 for the given roots.</summary>
    public static X509ChainPolicy CreatePolicy(IEnumerable<X509Certificate2> roots, DateTimeOffset now, X509RevocationMode revocationMode)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            DisableCertificateDownloads = true,
            RevocationMode = revocationMode,
            RevocationFlag = X509RevocationFlag.ExcludeRoot,
            VerificationTime = now.UtcDateTime,
            VerificationTimeIgnored = false,
        };
        foreach (var root in roots)
            policy.CustomTrustStore.Add(root);
        return policy;
    }

    /// <summary>Builds the chain for <paramref name="leaf"/> and returns the verdict; retries per root for same-subject authorities.</summary>
    public static X509SvidValidationResult Build(
        X509Certificate2 leaf,
        ReadOnlySpan<X509Certificate2> intermediates,
        SpiffeId id,
        IReadOnlyList<X509Certificate2> authorities,
        DateTimeOffset now,
        X509RevocationMode revocationMode)
    {
        var first = BuildOnce(leaf, intermediates, id, authorities, authorities, now, revocationMode);
        if (first.IsValid || (first.ChainStatus & RetryWithSingleRootFlags) == 0)
            return first;

        return RetryPerRoot(leaf, intermediates, id, authorities, now, revocationMode) ?? first;
    }

    /// <summary>
    /// dotnet/runtime#85830: with two same-subject roots in CustomTrustStore, OpenSSL tries only one of them for a
    /// leaf (or intermediate) without an AKI. Builds once per same-subject candidate root (bounded by the bundle's
    /// size) and returns the first success, or null.
    /// </summary>
    public static X509SvidValidationResult? RetryPerRoot(
        X509Certificate2 leaf,
        ReadOnlySpan<X509Certificate2> intermediates,
        SpiffeId id,
        IReadOnlyList<X509Certificate2> authorities,
        DateTimeOffset now,
        X509RevocationMode revocationMode)
    {
        var candidates = SameSubjectCandidates(leaf, intermediates, authorities);
        if (candidates is null)
            return null;
        foreach (var root in candidates)
        {
            var retry = BuildOnce(leaf, intermediates, id, [root], authorities, now, revocationMode);
            if (retry.IsValid)
                return retry;
        }

        return null;
    }

    /// <summary>Judges a chain someone else built (SslStream's single build per handshake).</summary>
    public static X509SvidValidationResult Evaluate(X509Chain chain, X509Certificate2 leaf, SpiffeId id, IReadOnlyList<X509Certificate2> authorities, bool copyChain)
    {
        var flags = X509ChainStatusFlags.NoError;
        foreach (var status in chain.ChainStatus)
            flags |= status.Status;

        // The EKU policy owns usage decisions; SslStream adds the role's EKU to its policy, so drop the flag here.
        flags &= ~X509ChainStatusFlags.NotValidForUsage;
        var elements = chain.ChainElements;
        if (flags != X509ChainStatusFlags.NoError)
            return MapFailure(flags, elements, id, new DateTimeOffset(DateTime.SpecifyKind(chain.ChainPolicy.VerificationTime.ToUniversalTime(), DateTimeKind.Utc)));

        if (elements.Count == 0 || !elements[0].Certificate.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span))
            return X509SvidValidationResult.Fail(X509SvidFailure.AnchorNotInTrustDomain, $"the chain built for '{id}' does not start with the presented leaf", id, 0);

        var anchor = elements[^1].Certificate;
        if (!ContainsExactly(authorities, anchor))
        {
            return X509SvidValidationResult.Fail(
                X509SvidFailure.AnchorNotInTrustDomain,
                $"the chain of '{id}' ends at '{anchor.Subject}', which is not an authority of trust domain '{id.TrustDomain}'",
                id,
                elements.Count - 1);
        }

        var certificates = new X509Certificate2[elements.Count];
        var validUntil = DateTimeOffset.MaxValue;
        for (var i = 0; i < elements.Count; i++)
        {
            var certificate = elements[i].Certificate;
            var notAfter = new DateTimeOffset(certificate.NotAfter);
            if (notAfter < validUntil)
                validUntil = notAfter;

            // SslStream disposes its chain's certificates after the callback; a handle copy outlives that cheaply.
            certificates[i] = copyChain ? new X509Certificate2(certificate) : certificate;
        }

        return X509SvidValidationResult.Success(id, certificates, validUntil);
    }

    private static X509SvidValidationResult BuildOnce(
        X509Certificate2 leaf,
        ReadOnlySpan<X509Certificate2> intermediates,
        SpiffeId id,
        IReadOnlyList<X509Certificate2> roots,
        IReadOnlyList<X509Certificate2> authorities,
        DateTimeOffset now,
        X509RevocationMode revocationMode)
    {
        using var chain = new X509Chain { ChainPolicy = CreatePolicy(roots, now, revocationMode) };
        foreach (var intermediate in intermediates)
            chain.ChainPolicy.ExtraStore.Add(intermediate);
        var keep = false;
        try
        {
            chain.Build(leaf);
            var result = Evaluate(chain, leaf, id, authorities, copyChain: false);
            keep = result.IsValid;
            return result;
        }
        finally
        {
            if (!keep)
            {
                foreach (var element in chain.ChainElements)
                    element.Certificate.Dispose();
            }
        }
    }

    private static X509SvidValidationResult MapFailure(X509ChainStatusFlags flags, X509ChainElementCollection elements, SpiffeId id, DateTimeOffset verificationTime)
    {
        X509SvidFailure failure;
        X509ChainStatusFlags culprit;
        string what;
        if ((flags & (X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot)) != 0)
        {
            (failure, culprit, what) = (X509SvidFailure.UntrustedChain, flags & (X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.UntrustedRoot),
                $"no chain leads from '{id}' to an authority of trust domain '{id.TrustDomain}'");
        }
        else if ((flags & X509ChainStatusFlags.NotSignatureValid) != 0)
        {
            (failure, culprit, what) = (X509SvidFailure.SignatureInvalid, X509ChainStatusFlags.NotSignatureValid, "a signature on the chain does not verify");
        }
        else if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            culprit = X509ChainStatusFlags.NotTimeValid;
            failure = X509SvidFailure.Expired;
            what = "a certificate on the chain has expired";
            var index = IndexOf(elements, culprit);
            // The engine reports NotTimeValid in both directions; compare the culprit's window with the policy's time.
            if (index >= 0 && new DateTimeOffset(elements[index].Certificate.NotBefore) > verificationTime)
            {
                failure = X509SvidFailure.NotYetValid;
                what = "a certificate on the chain is not yet valid";
            }
        }
        else if ((flags & X509ChainStatusFlags.InvalidBasicConstraints) != 0)
        {
            (failure, culprit, what) = (X509SvidFailure.InvalidSigningCertificate, X509ChainStatusFlags.InvalidBasicConstraints, "a signing certificate on the chain may not sign certificates");
        }
        else if ((flags & NameConstraintFlags) != 0)
        {
            (failure, culprit, what) = (X509SvidFailure.NameConstraintViolation, flags & NameConstraintFlags, "the leaf violates a name constraint of its issuer");
        }
        else if ((flags & X509ChainStatusFlags.HasNotSupportedCriticalExtension) != 0)
        {
            (failure, culprit, what) = (X509SvidFailure.UnsupportedCriticalExtension, X509ChainStatusFlags.HasNotSupportedCriticalExtension, "a certificate on the chain has an unsupported critical extension");
        }
        else
        {
            (failure, culprit, what) = (X509SvidFailure.ChainInvalid, flags, $"the chain engine reported {flags}");
        }

        var at = IndexOf(elements, culprit);
        return X509SvidValidationResult.Fail(failure, $"{what} (SVID '{id}'{(at >= 0 ? $", certificate {at}" : string.Empty)})", id, at, chainStatus: flags);
    }

    private static int IndexOf(X509ChainElementCollection elements, X509ChainStatusFlags flags)
    {
        for (var i = 0; i < elements.Count; i++)
        {
            foreach (var status in elements[i].ChainElementStatus)
            {
                if ((status.Status & flags) != 0)
                    return i;
            }
        }

        return -1;
    }

    private static bool ContainsExactly(IReadOnlyList<X509Certificate2> authorities, X509Certificate2 certificate)
    {
        var raw = certificate.RawDataMemory.Span;
        foreach (var authority in authorities)
        {
            if (authority.RawDataMemory.Span.SequenceEqual(raw))
                return true;
        }

        return false;
    }

    /// <summary>Whether at least two roots in <paramref name="store"/> carry a subject the presented chain names as issuer.</summary>
    public static bool HasSameSubjectRoots(X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates, X509Certificate2Collection store)
    {
        var matches = 0;
        for (var i = 0; i < store.Count && matches < 2; i++)
        {
            if (Issues(leaf, intermediates, store[i]))
                matches++;
        }

        return matches >= 2;
    }

    private static bool Issues(X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates, X509Certificate2 authority)
    {
        var subject = authority.SubjectName.RawData.AsSpan();
        var issues = leaf.IssuerName.RawData.AsSpan().SequenceEqual(subject);
        foreach (var intermediate in intermediates)
            issues |= intermediate.IssuerName.RawData.AsSpan().SequenceEqual(subject);
        return issues;
    }

    private static List<X509Certificate2>? SameSubjectCandidates(X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates, IReadOnlyList<X509Certificate2> authorities)
    {
        List<X509Certificate2>? candidates = null;
        foreach (var authority in authorities)
        {
            if (Issues(leaf, intermediates, authority))
                (candidates ??= []).Add(authority);
        }

        return candidates is { Count: > 1 } ? candidates : null;
    }
}
