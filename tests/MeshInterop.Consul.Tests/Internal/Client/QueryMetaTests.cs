using MeshInterop.Consul.Internal.Client;

namespace MeshInterop.Consul.Tests.Internal.Client;

public sealed class QueryMetaTests
{
    [Fact]
    public void Parse_AllConsulHeaders_FillsEveryField()
    {
        using var response = new HttpResponseMessage();
        response.Headers.Add("X-Consul-Index", "20417");
        response.Headers.Add("X-Consul-KnownLeader", "false");
        response.Headers.Add("X-Consul-LastContact", "12500");
        response.Headers.Add("X-Consul-Effective-Consistency", "stale");
        response.Headers.Add("X-Consul-Results-Filtered-By-ACLs", "true");
        response.Headers.Add("X-Consul-Default-ACL-Policy", "deny");
        response.Headers.Add("X-Consul-Query-Backend", "streaming");
        response.Headers.Add("X-Consul-Translate-Addresses", "true");
        response.Headers.Add("X-Cache", "HIT");
        response.Headers.Add("Age", "7");
        response.Headers.Add("X-Consul-ContentHash", "8c5e9f7a");

        var meta = QueryMeta.Parse(response.Headers);

        Assert.Equal(new QueryMeta
        {
            LastIndex = 20417,
            KnownLeader = false,
            LastContact = TimeSpan.FromMilliseconds(12500),
            EffectiveConsistency = "stale",
            ResultsFilteredByAcls = true,
            DefaultAclPolicy = "deny",
            QueryBackend = "streaming",
            AddressTranslationEnabled = true,
            CacheHit = true,
            CacheAge = TimeSpan.FromSeconds(7),
            ContentHash = "8c5e9f7a",
        }, meta);
    }

    [Fact]
    public void Parse_MissingOrMalformedHeaders_GivesSafeDefaults()
    {
        using var response = new HttpResponseMessage();
        response.Headers.Add("X-Consul-Index", "-3");
        response.Headers.Add("X-Consul-KnownLeader", "maybe");

        var meta = QueryMeta.Parse(response.Headers);

        Assert.Equal(0UL, meta.LastIndex);
        Assert.Null(meta.KnownLeader);
        Assert.Null(meta.LastContact);
        Assert.False(meta.ResultsFilteredByAcls);
    }

    [Theory]
    [InlineData(300_000, "300s")]
    [InlineData(1_500, "1500ms")]
    [InlineData(0, "0s")]
    public void GoDuration_Format_IsParsableByConsul(int milliseconds, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
