namespace MeshInterop.Consul;

/// <summary>
/// What a caller should do after a failed Consul request, following the status table of the Consul adapter reference.
/// </summary>
public enum ConsulRetryClass
{
    /// <summary>The request may succeed at once against another server (a read rate limit, HTTP 429); back off if it fails again.</summary>
    RetryElsewhere,

    /// <summary>Retry after an exponential, jittered delay (no leader, leader rate limit, server or transport errors, CAS conflicts after a re-read).</summary>
    BackOff,

    /// <summary>Stop writing and raise a health alert; retry only slowly (ACL denials, oversized responses).</summary>
    StopAndAlert,

    /// <summary>The request itself is wrong; retrying cannot help (bad parameters, too many transaction operations, wrong route).</summary>
    Bug,
}
