namespace MeshInterop.Identity.Federation;

/// <summary>Why a bundle retrieval failed.</summary>
public enum BundleEndpointFailure
{
    /// <summary>The connection failed or timed out.</summary>
    Transport = 1,

    /// <summary>The server's certificate was refused (wrong SPIFFE ID, untrusted, host-name mismatch).</summary>
    ServerRejected,

    /// <summary>There is no bundle to authenticate an <c>https_spiffe</c> endpoint with (neither the latest nor a bootstrap bundle).</summary>
    NoEndpointTrust,

    /// <summary>The server answered with a status other than 200; the body was not read.</summary>
    UnexpectedStatus,

    /// <summary>A redirect was not allowed, not to an <c>https</c> URL without userinfo, or went past the hop limit.</summary>
    InvalidRedirect,

    /// <summary>The body exceeded the configured size limit.</summary>
    ResponseTooLarge,

    /// <summary>The body is not a valid SPIFFE bundle document.</summary>
    InvalidDocument,
}
