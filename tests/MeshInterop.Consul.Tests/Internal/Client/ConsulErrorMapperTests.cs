using MeshInterop.Consul.Internal.Client;

namespace MeshInterop.Consul.Tests.Internal.Client;

/// <summary>Pins every row of the reference's status table (§10) to its exception and retry class.</summary>
public sealed class ConsulErrorMapperTests
{
    public static TheoryData<int, string, bool, Type, ConsulRetryClass, bool> Rows() => new()
    {
        { 400, "Invalid wait time", false, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 400, "Invalid index", false, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 400, "Invalid value for ?passing", false, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 400, "Cannot specify ?stale with ?consistent, conflicting semantics.", false, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 400, "Bad request: Invalid query parameter: \"ns\" - Namespaces are a Consul Enterprise feature", false, typeof(ConsulEditionMismatchException), ConsulRetryClass.BackOff, false },
        { 400, "Invalid header: \"X-Consul-Partition\" - Partitions are a Consul Enterprise feature", false, typeof(ConsulEditionMismatchException), ConsulRetryClass.BackOff, false },
        { 400, "Bad request: Request decoding failed: 1 error occurred:\n\t* invalid config key \"Namespace\", namespaces are a consul enterprise feature", true, typeof(ConsulEditionMismatchException), ConsulRetryClass.BackOff, false },
        { 400, "Bad request: Request decoding failed: invalid config key \"Protocl\"", true, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 400, "Missing service name", false, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 403, "Permission denied: token with AccessorID '6a1253d2-1785-24fd-91c2-f8e78c745511' lacks permission 'service:write' on \"emea-orders\"", true, typeof(ConsulAccessDeniedException), ConsulRetryClass.StopAndAlert, false },
        { 403, "Permission denied", true, typeof(ConsulAccessDeniedException), ConsulRetryClass.StopAndAlert, false },
        { 403, "ACL not found", false, typeof(ConsulAccessDeniedException), ConsulRetryClass.StopAndAlert, false },
        { 405, "method PATCH not allowed", false, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 413, "Transaction contains too many operations (65 > 64)", true, typeof(ConsulBadRequestException), ConsulRetryClass.Bug, false },
        { 429, "rate limit exceeded, try again later or against a different server", false, typeof(ConsulRateLimitedException), ConsulRetryClass.RetryElsewhere, false },
        { 503, "rate limit exceeded for operation that can only be performed by the leader, try again later", true, typeof(ConsulRateLimitedException), ConsulRetryClass.BackOff, false },
        { 500, "No cluster leader", false, typeof(ConsulServerException), ConsulRetryClass.BackOff, false },
        { 500, "No cluster leader", true, typeof(ConsulServerException), ConsulRetryClass.BackOff, true },
        { 500, "Not ready to serve consistent reads", false, typeof(ConsulServerException), ConsulRetryClass.BackOff, false },
        { 500, "cannot register requests with PeerName in them", true, typeof(ConsulServerException), ConsulRetryClass.BackOff, true },
        { 503, "upstream connect error", false, typeof(ConsulServerException), ConsulRetryClass.BackOff, false },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Map_StatusTableRow_GivesTypedExceptionWithRetryClass(int status, string body, bool isWrite, Type expected, ConsulRetryClass retryClass, bool mayHaveBeenApplied)
    {
        var error = ConsulErrorMapper.Map("PUT /v1/catalog/register", status, body, isWrite);

        Assert.IsType(expected, error);
        Assert.Equal(retryClass, error.RetryClass);
        Assert.Equal(mayHaveBeenApplied, error.MayHaveBeenApplied);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("PUT /v1/catalog/register", error.Operation);
        Assert.Contains("PUT /v1/catalog/register", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_PermissionDenied_ExtractsPermissionAndResource()
    {
        var withAccessor = Assert.IsType<ConsulAccessDeniedException>(ConsulErrorMapper.Map("op", 403,
            "Permission denied: token with AccessorID 'abc' lacks permission 'node:write' on \"meshinterop-emea\"", isWrite: true));
        var anonymous = Assert.IsType<ConsulAccessDeniedException>(ConsulErrorMapper.Map("op", 403,
            "Permission denied: provided token lacks permission 'mesh:read' on \"\"", isWrite: false));
        var bare = Assert.IsType<ConsulAccessDeniedException>(ConsulErrorMapper.Map("op", 403, "Permission denied", isWrite: false));

        Assert.Equal(("node:write", "meshinterop-emea"), (withAccessor.Permission, withAccessor.Resource));
        Assert.Equal(("mesh:read", string.Empty), (anonymous.Permission, anonymous.Resource));
        Assert.Equal((null, null, false), (bare.Permission, bare.Resource, bare.IsTokenNotFound));
    }

    [Fact]
    public void Sanitize_HostileBody_IsShortenedAndStrippedOfControlCharacters()
    {
        var hostile = "No cluster leader\r\nFAKE LOG LINE\u001b[31m" + new string('x', 2000);

        var text = ConsulErrorMapper.Sanitize(hostile);

        Assert.Equal(ConsulErrorMapper.MaxErrorTextLength, text.Length);
        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\u001b', text);
        Assert.StartsWith("No cluster leader  FAKE LOG LINE", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TransactionConflict_WithoutAccessDenial_IsBackOffAndNamesTheOperation()
    {
        var conflict = new ConsulTransactionConflictException("PUT /v1/txn",
            [new ConsulTransactionError(2, "failed to set service: CAS failed"), new ConsulTransactionError(3, "other")]);

        Assert.False(conflict.IsAccessDenied);
        Assert.Equal(ConsulRetryClass.BackOff, conflict.RetryClass);
        Assert.Contains("Operation 2 failed", conflict.Message, StringComparison.Ordinal);
        Assert.Contains("(and 1 more)", conflict.Message, StringComparison.Ordinal);
    }
}
