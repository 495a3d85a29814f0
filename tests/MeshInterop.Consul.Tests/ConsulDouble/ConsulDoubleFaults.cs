namespace MeshInterop.Consul.Tests.ConsulDouble;

/// <summary>
/// The fault modes of the double (reference §13), switchable per test. One-shot faults match requests whose path starts
/// with a prefix (for example <c>/v1/health/service/orders</c>) and are consumed in the order they were added.
/// </summary>
public sealed class ConsulDoubleFaults
{
    private readonly object _gate = new();
    private readonly List<Rule> _rules = [];
    private readonly TimeProvider _timeProvider;
    private DateTimeOffset? _leaderLostAt;

    internal ConsulDoubleFaults(TimeProvider timeProvider) => _timeProvider = timeProvider;

    internal enum Kind
    {
        Fail,
        FailAfterApply,
        ZeroIndex,
        Delay,
        Drop,
        Truncate,
    }

    internal sealed record Rule(Kind Kind, string PathPrefix, int StatusCode, string Text, TimeSpan Delay)
    {
        public int Remaining { get; set; } = 1;
    }

    /// <summary>Gets a value indicating whether the cluster has no leader (fault c).</summary>
    public bool LeaderLost
    {
        get
        {
            lock (_gate)
            {
                return _leaderLostAt is not null;
            }
        }
    }

    /// <summary>Gets how long ago the serving server last heard from the leader (grows while the leader is lost).</summary>
    public TimeSpan LastContact
    {
        get
        {
            lock (_gate)
            {
                return _leaderLostAt is { } at ? _timeProvider.GetUtcNow() - at : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Fault c: default and consistent reads and every write get 500 <c>No cluster leader</c>; stale reads get 200 with KnownLeader false.</summary>
    public void LoseLeader()
    {
        lock (_gate)
        {
            _leaderLostAt ??= _timeProvider.GetUtcNow();
        }
    }

    public void RestoreLeader()
    {
        lock (_gate)
        {
            _leaderLostAt = null;
        }
    }

    /// <summary>Fault d (and any other status): the next <paramref name="count"/> matching requests fail with the status and plain text, unapplied.</summary>
    public void FailNext(string pathPrefix, int statusCode, string text, int count = 1) =>
        Add(new Rule(Kind.Fail, pathPrefix, statusCode, text, TimeSpan.Zero) { Remaining = count });

    /// <summary>Fault l: the next matching write is applied, then answered with 500.</summary>
    public void FailAfterApplyNext(string pathPrefix, string text = "rpc error making call: EOF") =>
        Add(new Rule(Kind.FailAfterApply, pathPrefix, 500, text, TimeSpan.Zero));

    /// <summary>Fault m: the next matching read answers <c>X-Consul-Index: 0</c>.</summary>
    public void ZeroIndexNext(string pathPrefix) => Add(new Rule(Kind.ZeroIndex, pathPrefix, 200, string.Empty, TimeSpan.Zero));

    /// <summary>Fault k: the next matching request is answered only after <paramref name="delay"/> on the double's clock.</summary>
    public void DelayNext(string pathPrefix, TimeSpan delay) => Add(new Rule(Kind.Delay, pathPrefix, 200, string.Empty, delay));

    /// <summary>Fault k: the next matching request loses its connection; a blocking query is dropped once it is parked (mid long poll).</summary>
    public void DropNext(string pathPrefix) => Add(new Rule(Kind.Drop, pathPrefix, 0, string.Empty, TimeSpan.Zero));

    /// <summary>Fault k: the next matching answer announces its full length but sends only half of the body, then closes the connection.</summary>
    public void TruncateNext(string pathPrefix) => Add(new Rule(Kind.Truncate, pathPrefix, 200, string.Empty, TimeSpan.Zero));

    internal Rule? Take(Kind kind, string path)
    {
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(r => r.Kind == kind && path.StartsWith(r.PathPrefix, StringComparison.Ordinal));
            if (rule is null)
            {
                return null;
            }

            if (--rule.Remaining <= 0)
            {
                _rules.Remove(rule);
            }

            return rule;
        }
    }

    private void Add(Rule rule)
    {
        lock (_gate)
        {
            _rules.Add(rule);
        }
    }
}
