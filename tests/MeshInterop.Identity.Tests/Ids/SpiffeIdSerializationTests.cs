using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using MeshInterop.Identity.Serialization;
using Microsoft.Extensions.Configuration;

namespace MeshInterop.Identity.Tests.Ids;

public sealed class SpiffeIdSerializationTests
{
    [Fact]
    public void Json_SpiffeIdAndTrustDomain_RoundTripIncludingDictionaryKeys()
    {
        var value = new Peer
        {
            Id = SpiffeId.Parse("spiffe://example.org/web"),
            Domain = TrustDomain.Parse("example.org"),
            Weights = new Dictionary<SpiffeId, int> { [SpiffeId.Parse("spiffe://example.org/db")] = 3 },
            Aliases = new Dictionary<TrustDomain, string> { [TrustDomain.Parse("peer.example")] = "peer" },
        };

        var json = JsonSerializer.Serialize(value);
        var back = JsonSerializer.Deserialize<Peer>(json)!;

        Assert.Equal("""{"Id":"spiffe://example.org/web","Domain":"example.org","Weights":{"spiffe://example.org/db":3},"Aliases":{"peer.example":"peer"}}""", json);
        Assert.Equal(value.Id, back.Id);
        Assert.Equal(value.Domain, back.Domain);
        Assert.Equal(3, back.Weights[SpiffeId.Parse("spiffe://example.org/db")]);
        Assert.Equal("peer", back.Aliases[TrustDomain.Parse("peer.example")]);
    }

    [Theory]
    [InlineData("""{"Id":"spiffe://example.org/web/"}""")]
    [InlineData("""{"Id":"SPIFFE://example.org/web"}""")]
    [InlineData("""{"Id":42}""")]
    [InlineData("""{"Domain":"Example.org"}""")]
    public void Json_InvalidValue_ThrowsJsonExceptionNamingTheRule(string json)
        => Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Peer>(json));

    [Fact]
    public void Json_EscapedValue_ParsedAfterUnescaping()
        => Assert.Equal(SpiffeId.Parse("spiffe://example.org/web"), JsonSerializer.Deserialize<Peer>("""{"Id":"spiffe:\/\/example.org\/w\u0065b"}""")!.Id);

    [Fact]
    public void Json_EscapedPercent_StillRejected()
        => Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Peer>("""{"Id":"spiffe://example.org/\u0025\u0036\u0031dmin"}"""));

    [Fact]
    public void Json_DefaultValue_RefusedOnWrite()
        => Assert.Throws<ArgumentException>(() => JsonSerializer.Serialize(new Peer()));

    [Fact]
    public void TypeConverter_ConvertsBothWays()
    {
        var converter = TypeDescriptor.GetConverter(typeof(SpiffeId));

        Assert.IsType<SpiffeIdTypeConverter>(converter);
        Assert.Equal(SpiffeId.Parse("spiffe://example.org/x"), converter.ConvertFromInvariantString("spiffe://example.org/x"));
        Assert.Equal("spiffe://example.org/x", converter.ConvertTo(null, CultureInfo.InvariantCulture, SpiffeId.Parse("spiffe://example.org/x"), typeof(string)));
        Assert.Throws<SpiffeIdFormatException>(() => converter.ConvertFromInvariantString("spiffe://example.org/x/"));
        Assert.Throws<ArgumentException>(() => converter.ConvertTo(null, CultureInfo.InvariantCulture, default(SpiffeId), typeof(string)));
        Assert.Throws<SpiffeIdFormatException>(() => converter.ConvertFromInvariantString(string.Empty));
        var trustDomains = TypeDescriptor.GetConverter(typeof(TrustDomain));
        Assert.IsType<TrustDomainTypeConverter>(trustDomains);
        Assert.Equal(TrustDomain.Parse("example.org"), trustDomains.ConvertFromInvariantString("spiffe://example.org/x"));
        Assert.Throws<ArgumentException>(() => trustDomains.ConvertTo(null, CultureInfo.InvariantCulture, default(TrustDomain), typeof(string)));
    }

    [Fact]
    public void Configuration_BindsIdsAndTrustDomains()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Peer:Id"] = "spiffe://example.org/web",
            ["Peer:Domain"] = "spiffe://partner.example",
            ["Peer:Allowed:0"] = "spiffe://example.org/a",
            ["Peer:Allowed:1"] = "spiffe://example.org/b",
        }).Build();

        var options = configuration.GetSection("Peer").Get<PeerOptions>()!;

        Assert.Equal(SpiffeId.Parse("spiffe://example.org/web"), options.Id);
        Assert.Equal(TrustDomain.Parse("partner.example"), options.Domain);
        Assert.Equal([SpiffeId.Parse("spiffe://example.org/a"), SpiffeId.Parse("spiffe://example.org/b")], options.Allowed);
    }

    [Fact]
    public void Configuration_InvalidId_FailsNamingTheProblem()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Peer:Id"] = "spiffe://example.org/%61dmin",
        }).Build();

        var exception = Assert.Throws<InvalidOperationException>(() => configuration.GetSection("Peer").Get<PeerOptions>());

        Assert.Contains("Peer:Id", exception.Message, StringComparison.Ordinal);
        var inner = Assert.IsType<SpiffeIdFormatException>(exception.InnerException);
        Assert.Equal(SpiffeIdError.BadPathSegmentChar, inner.Error);
    }

    public sealed class Peer
    {
        public SpiffeId Id { get; set; }

        public TrustDomain Domain { get; set; }

        public Dictionary<SpiffeId, int> Weights { get; set; } = [];

        public Dictionary<TrustDomain, string> Aliases { get; set; } = [];
    }

    public sealed class PeerOptions
    {
        public SpiffeId Id { get; set; }

        public TrustDomain Domain { get; set; }

        public List<SpiffeId> Allowed { get; set; } = [];
    }
}
