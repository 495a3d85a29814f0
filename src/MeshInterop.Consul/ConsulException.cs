namespace MeshInterop.Consul;

/// <summary>
/// A Consul HTTP API request failed. Each sealed subtype maps one row family of the Consul status table and says,
/// through <see cref="RetryClass"/>, what the caller should do next.
/// </summary>
public abstract class ConsulException : Exception
{
    private protected ConsulException(string message, string operation, int? statusCode, string? serverMessage,
        ConsulRetryClass retryClass, bool mayHaveBeenApplied, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
        ServerMessage = serverMessage;
        RetryClass = retryClass;
        MayHaveBeenApplied = mayHaveBeenApplied;
    }

    /// <summary>Gets the request that failed, as method and route without the query string (for example <c>PUT /v1/txn</c>).</summary>
    public string Operation { get; }

    /// <summary>Gets the HTTP status code Consul answered with, or <see langword="null"/> when no answer arrived.</summary>
    public int? StatusCode { get; }

    /// <summary>Gets the plain-text error body Consul sent, shortened and stripped of control characters, if any.</summary>
    public string? ServerMessage { get; }

    /// <summary>Gets what the caller should do next.</summary>
    public ConsulRetryClass RetryClass { get; }

    /// <summary>
    /// Gets a value indicating whether a write may have been applied although it failed (a 500 or a transport error on a write).
    /// Such a write may be retried only if it is idempotent or guarded by a compare-and-set index.
    /// </summary>
    public bool MayHaveBeenApplied { get; }
}

/// <summary>Consul rejected the request itself (HTTP 400, 404, 405 or 413): a bug in the caller; retrying cannot help.</summary>
public sealed class ConsulBadRequestException : ConsulException
{
    internal ConsulBadRequestException(string operation, int statusCode, string serverMessage)
        : base($"Consul rejected {operation} with HTTP {statusCode}: '{serverMessage}'. The request is invalid; do not retry it unchanged.",
            operation, statusCode, serverMessage, ConsulRetryClass.Bug, mayHaveBeenApplied: false)
    {
    }
}

/// <summary>
/// Consul rejected an Enterprise parameter (namespace or partition) because the server is Community Edition:
/// the edition changed since it was detected. Detect the edition again, then retry.
/// </summary>
public sealed class ConsulEditionMismatchException : ConsulException
{
    internal ConsulEditionMismatchException(string operation, string serverMessage)
        : base($"Consul rejected {operation} because it is not Enterprise: '{serverMessage}'. Detect the server edition again before retrying.",
            operation, 400, serverMessage, ConsulRetryClass.BackOff, mayHaveBeenApplied: false)
    {
    }
}

/// <summary>The ACL token lacks a permission, or is unknown (HTTP 403). Stop writing, raise an alert, and retry slowly: the token may be rotated.</summary>
public sealed class ConsulAccessDeniedException : ConsulException
{
    internal ConsulAccessDeniedException(string operation, string serverMessage, bool isTokenNotFound, string? permission, string? resource)
        : base(isTokenNotFound
                ? $"Consul does not know the ACL token used for {operation} ('ACL not found'); check that the token exists and has not expired."
                : $"The ACL token used for {operation} was denied{(permission is null ? string.Empty : $" '{permission}'")}{(resource is null ? string.Empty : $" on '{resource}'")}: '{serverMessage}'. Grant the permission in the token's policy.",
            operation, 403, serverMessage, ConsulRetryClass.StopAndAlert, mayHaveBeenApplied: false)
    {
        IsTokenNotFound = isTokenNotFound;
        Permission = permission;
        Resource = resource;
    }

    /// <summary>Gets a value indicating whether Consul answered <c>ACL not found</c>: the token is unknown, expired or deleted.</summary>
    public bool IsTokenNotFound { get; }

    /// <summary>Gets the missing permission (for example <c>service:write</c>) when Consul named it.</summary>
    public string? Permission { get; }

    /// <summary>Gets the resource the permission was missing on (for example a service name) when Consul named it.</summary>
    public string? Resource { get; }
}

/// <summary>Consul rate-limited the request: HTTP 429 for reads (another server may serve it) or 503 for writes on the leader (back off).</summary>
public sealed class ConsulRateLimitedException : ConsulException
{
    internal ConsulRateLimitedException(string operation, int statusCode, string serverMessage)
        : base($"Consul rate-limited {operation} (HTTP {statusCode}): '{serverMessage}'.",
            operation, statusCode, serverMessage,
            statusCode == 429 ? ConsulRetryClass.RetryElsewhere : ConsulRetryClass.BackOff, mayHaveBeenApplied: false)
    {
    }

    /// <summary>Gets a value indicating whether the limit is the leader's write limit (HTTP 503) rather than a server's read limit (HTTP 429).</summary>
    public bool IsLeaderLimit => StatusCode == 503;
}

/// <summary>Consul failed on the server side (HTTP 500), for example with no cluster leader. Back off; a write may have been applied.</summary>
public sealed class ConsulServerException : ConsulException
{
    internal ConsulServerException(string operation, int statusCode, string serverMessage, bool isWrite)
        : base($"Consul failed {operation} with HTTP {statusCode}: '{serverMessage}'.{(isWrite ? " The write may have been applied." : string.Empty)}",
            operation, statusCode, serverMessage, ConsulRetryClass.BackOff, mayHaveBeenApplied: isWrite)
    {
    }

    /// <summary>Gets a value indicating whether the server knew no cluster leader; stale reads may still succeed.</summary>
    public bool IsNoLeader => ServerMessage is { } text && text.Contains("No cluster leader", StringComparison.Ordinal);
}

/// <summary>
/// No usable answer arrived: the connection failed or dropped, the deadline passed, or the body was truncated or not valid JSON.
/// Back off; a write may have been applied.
/// </summary>
public sealed class ConsulUnavailableException : ConsulException
{
    internal ConsulUnavailableException(string operation, string reason, bool isWrite, int? statusCode = null, Exception? innerException = null)
        : base($"Consul did not answer {operation} usably: {reason}.{(isWrite ? " The write may have been applied." : string.Empty)}",
            operation, statusCode, serverMessage: null, ConsulRetryClass.BackOff, mayHaveBeenApplied: isWrite, innerException)
    {
    }
}

/// <summary>A response body exceeded <see cref="ConsulClientOptions.MaxResponseBytes"/>. Raise an alert: the limit or the data needs attention.</summary>
public sealed class ConsulResponseTooLargeException : ConsulException
{
    internal ConsulResponseTooLargeException(string operation, long limit)
        : base($"Consul's answer to {operation} is larger than {limit} bytes; raise MaxResponseBytes or reduce the data the query covers.",
            operation, 200, serverMessage: null, ConsulRetryClass.StopAndAlert, mayHaveBeenApplied: false)
    {
        Limit = limit;
    }

    /// <summary>Gets the limit in bytes that was exceeded.</summary>
    public long Limit { get; }
}

/// <summary>
/// A <c>/v1/txn</c> transaction was rolled back (HTTP 409): nothing was applied. Re-read, re-diff and retry;
/// when <see cref="IsAccessDenied"/> is set, handle it like an ACL denial instead.
/// </summary>
public sealed class ConsulTransactionConflictException : ConsulException
{
    internal ConsulTransactionConflictException(string operation, IReadOnlyList<ConsulTransactionError> errors)
        : base(FormatMessage(operation, errors), operation, 409, errors.Count == 0 ? null : errors[0].What,
            HasAccessDenial(errors) ? ConsulRetryClass.StopAndAlert : ConsulRetryClass.BackOff, mayHaveBeenApplied: false)
    {
        Errors = errors;
    }

    /// <summary>Gets the errors Consul reported, each naming the operation that failed.</summary>
    public IReadOnlyList<ConsulTransactionError> Errors { get; }

    /// <summary>Gets a value indicating whether an operation was denied by ACLs.</summary>
    public bool IsAccessDenied => HasAccessDenial(Errors);

    private static bool HasAccessDenial(IReadOnlyList<ConsulTransactionError> errors)
    {
        foreach (var error in errors)
        {
            if (error.What.Contains("Permission denied", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string FormatMessage(string operation, IReadOnlyList<ConsulTransactionError> errors) =>
        errors.Count == 0
            ? $"Consul rolled back {operation} without naming an error; nothing was applied."
            : $"Consul rolled back {operation}; nothing was applied. Operation {errors[0].OperationIndex} failed: '{errors[0].What}'"
              + (errors.Count > 1 ? $" (and {errors.Count - 1} more)." : ".");
}

/// <summary>One error of a rolled-back <c>/v1/txn</c> transaction.</summary>
public sealed class ConsulTransactionError
{
    internal ConsulTransactionError(int operationIndex, string what)
    {
        OperationIndex = operationIndex;
        What = what;
    }

    /// <summary>Gets the zero-based index of the failed operation in the transaction.</summary>
    public int OperationIndex { get; }

    /// <summary>Gets Consul's description of the failure; informational only, except that ACL denials contain <c>Permission denied</c>.</summary>
    public string What { get; }
}
