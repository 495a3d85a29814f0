using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.Logging.Testing;

namespace MeshInterop.Identity.Tests.Tls;

/// <summary>Real TLS handshakes between two SslStreams on 127.0.0.1.</summary>
public sealed class SpiffeTlsTests
{
    private static readonly TrustDomain Example = TrustDomain.Parse("example.org");
    private static readonly TrustDomain Peer = TrustDomain.Parse("peer.test");

    private readonly InMemoryBundleSource _bundles = new(BundleSet.Empty
        .With(new X509Bundle(Example, [TlsTestPki.ExampleRoot.Certificate]))
        .With(new X509Bundle(Peer, [TlsTestPki.PeerRoot.Certificate])));

    private readonly FakeLogger<SpiffeTls> _serverLog = new();

    [Fact]
    public async Task Handshake_RightPeers_BothSidesSeeTheOthersSpiffeId()
    {
        var (server, client) = CreatePair(SpiffeAuthorizer.MemberOf(Peer), SpiffeAuthorizer.Exact(SpiffeId.Parse("spiffe://example.org/server")));

        await using var connection = await TlsConnection.OpenAsync(server, client.CreateClientOptions("localhost"));

        Assert.True(server.TryGetPeer(connection.Server, out var clientPeer));
        Assert.Equal("spiffe://peer.test/client", clientPeer.SpiffeId.ToString());
        Assert.True(client.TryGetPeer(connection.Client, out var serverPeer));
        Assert.Equal("spiffe://example.org/server", serverPeer.SpiffeId.ToString());
        await connection.AssertEchoAsync();
    }

    [Fact]
    public async Task Handshake_ClientFromTrustDomainTheAuthorizerRefuses_IsRejected()
    {
        var (server, _) = CreatePair(SpiffeAuthorizer.MemberOf(Peer), SpiffeAuthorizer.Any);
        var wrong = TlsTestPki.ExampleIntermediate.IssueSvid("/not-a-peer");

        await AssertServerRejectsAsync(server, wrong, X509SvidFailure.Unauthorized);
    }

    [Fact]
    public async Task Handshake_ClientOfTrustDomainWithoutBundle_IsRejected()
    {
        var (server, _) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.Any);

        await AssertServerRejectsAsync(server, TlsTestPki.StrangerRoot.IssueSvid("/client"), X509SvidFailure.BundleNotFound);
    }

    [Fact]
    public async Task Handshake_ExpiredClientSvid_IsRejected()
    {
        var (server, _) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.Any);
        var expired = TlsTestPki.PeerRoot.Issue(new TestLeafOptions
        {
            UriSans = ["spiffe://peer.test/client"],
            NotBefore = TestCertificateAuthority.Now.AddDays(-3),
            NotAfter = TestCertificateAuthority.Now.AddDays(-1),
        });

        await AssertServerRejectsAsync(server, expired, X509SvidFailure.Expired);
    }

    [Fact]
    public async Task Handshake_ClientSignedByForeignCa_IsRejected()
    {
        var (server, _) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.Any);

        await AssertServerRejectsAsync(server, TlsTestPki.RoguePeerRoot.IssueSvid("/client"), X509SvidFailure.UntrustedChain);
    }

    [Fact]
    public async Task Handshake_CaCertificateUsedAsClientLeaf_IsRejected()
    {
        var (server, _) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.Any);
        var ca = TlsTestPki.PeerRoot.CreateIntermediate(new TestCaOptions { UriSans = ["spiffe://peer.test/client"] });

        await AssertServerRejectsAsync(server, new TestSvid(ca.Certificate, [], TlsTestPki.PeerRoot), X509SvidFailure.LeafIsCa);
    }

    [Fact]
    public async Task Handshake_ServerFromUnexpectedId_ClientRefuses()
    {
        var (server, client) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.Exact(SpiffeId.Parse("spiffe://example.org/someone-else")));

        await Assert.ThrowsAnyAsync<AuthenticationException>(() => TlsConnection.OpenAsync(server, client.CreateClientOptions("localhost")));
    }

    [Fact]
    public async Task Rotation_ServerSvidRotated_NewConnectionsGetNewSvidAndOldOnesKeepWorking()
    {
        var serverSvids = new InMemoryX509SvidSource(X509Svid.Create(TlsTestPki.ExampleIntermediate.IssueSvid("/server").Leaf, [TlsTestPki.ExampleIntermediate.Certificate]));
        var server = new SpiffeTls(serverSvids, new X509SvidValidator(_bundles), SpiffeAuthorizer.Any, _serverLog);
        var (_, client) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.MemberOf(Example));

        await using var before = await TlsConnection.OpenAsync(server, client.CreateClientOptions("localhost"));
        serverSvids.Set(X509Svid.Create(TlsTestPki.ExampleIntermediate.IssueSvid("/server-v2").Leaf, [TlsTestPki.ExampleIntermediate.Certificate]));
        await using var after = await TlsConnection.OpenAsync(server, client.CreateClientOptions("localhost"));

        Assert.True(client.TryGetPeer(after.Client, out var rotated));
        Assert.Equal("spiffe://example.org/server-v2", rotated.SpiffeId.ToString());
        Assert.True(client.TryGetPeer(before.Client, out var original));
        Assert.Equal("spiffe://example.org/server", original.SpiffeId.ToString());
        await before.AssertEchoAsync();
        await after.AssertEchoAsync();
    }

    [Fact]
    public async Task Rotation_PeerBundleReplaced_NewRootAcceptedOldRootRefusedOpenConnectionKept()
    {
        var (server, client) = CreatePair(SpiffeAuthorizer.MemberOf(Peer), SpiffeAuthorizer.Any);
        await using var established = await TlsConnection.OpenAsync(server, client.CreateClientOptions("localhost"));

        var newPeerRoot = TestCertificateAuthority.CreateRoot("peer.test");
        _bundles.Set(new X509Bundle(Peer, [newPeerRoot.Certificate]));

        await AssertServerRejectsAsync(server, TlsTestPki.PeerRoot.IssueSvid("/client"), X509SvidFailure.UntrustedChain);
        var newClient = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(newPeerRoot.IssueSvid("/client").Leaf)), new X509SvidValidator(_bundles), SpiffeAuthorizer.Any);
        await using var renewed = await TlsConnection.OpenAsync(server, newClient.CreateClientOptions("localhost"));
        Assert.True(server.TryGetPeer(renewed.Server, out _));
        await established.AssertEchoAsync();
    }

    [Fact]
    public async Task PooledStore_TwoTrustDomainsWithSameCaSubject_PeerWithoutAkiIsJudgedByItsOwnTrustDomain()
    {
        // CA subjects are often identical across trust domains; the single SslStream build sees both roots.
        const string subject = "CN=SPIFFE CA, O=SPIFFE";
        var alpha = TestCertificateAuthority.CreateRoot("alpha.test", new TestCaOptions { Subject = subject });
        var beta = TestCertificateAuthority.CreateRoot("beta.test", new TestCaOptions { Subject = subject });
        var bundles = new InMemoryBundleSource(BundleSet.Empty
            .With(new X509Bundle(TrustDomain.Parse("alpha.test"), [alpha.Certificate]))
            .With(new X509Bundle(TrustDomain.Parse("beta.test"), [beta.Certificate])));
        var server = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(alpha.IssueSvid("/server").Leaf)), new X509SvidValidator(bundles), SpiffeAuthorizer.Any, _serverLog);

        foreach (var (issuer, id) in new[] { (beta, "spiffe://beta.test/client"), (alpha, "spiffe://alpha.test/client") })
        {
            var leaf = issuer.Issue(new TestLeafOptions { UriSans = [id], IncludeAuthorityKeyIdentifier = false }).Leaf;
            var client = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(leaf)), new X509SvidValidator(bundles), SpiffeAuthorizer.Any);
            TlsConnection connection;
            try
            {
                connection = await TlsConnection.OpenAsync(server, client.CreateClientOptions("localhost"));
            }
            catch (Exception ex)
            {
                throw new InvalidOperationException(string.Join(" | ", _serverLog.Collector.GetSnapshot().Select(r => r.Message)), ex);
            }

            await using var _ = connection;
            Assert.True(server.TryGetPeer(connection.Server, out var peer));
            Assert.Equal(id, peer.SpiffeId.ToString());
            Assert.Equal(issuer.Certificate.RawData, peer.Chain[^1].RawData);
        }

        // beta's CA minting an alpha ID must fail even though a same-named alpha root sits in the pooled store.
        var forged = beta.Issue(new TestLeafOptions { UriSans = ["spiffe://alpha.test/admin"], IncludeAuthorityKeyIdentifier = false });
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificateContext = SslStreamCertificateContext.Create(forged.Leaf, [], offline: true),
#pragma warning disable CA5359 // only the server's verdict is under test
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        };
        await Assert.ThrowsAnyAsync<Exception>(() => TlsConnection.OpenAsync(server, options));
        var rejection = Assert.Single(_serverLog.Collector.GetSnapshot(), r => r.Id.Name == "PeerRejected");
        Assert.Contains("spiffe://alpha.test/admin", rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateServerOptions_RequiresClientCertificatesAndCustomTrustWithoutDownloads()
    {
        var (server, _) = CreatePair(SpiffeAuthorizer.Any, SpiffeAuthorizer.Any);

        var options = server.CreateServerOptions();

        Assert.True(options.ClientCertificateRequired);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, options.EnabledSslProtocols);
        var policy = options.CertificateChainPolicy!;
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust, policy.TrustMode);
        Assert.True(policy.DisableCertificateDownloads);
        Assert.Equal(System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck, policy.RevocationMode);
        Assert.Equal(2, policy.CustomTrustStore.Count);
        Assert.NotSame(policy, server.CreateServerOptions().CertificateChainPolicy);   // one policy per connection
    }

    [Fact]
    public void CreateServerOptions_AllowedTrustDomains_LimitTheTrustStore()
    {
        var validator = new X509SvidValidator(_bundles, new X509SvidValidatorOptions { AllowedTrustDomains = [Peer] });
        var server = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(TlsTestPki.ExampleRoot.IssueSvid("/server").Leaf)), validator, SpiffeAuthorizer.Any);

        var store = server.CreateServerOptions().CertificateChainPolicy!.CustomTrustStore;

        Assert.Equal(TlsTestPki.PeerRoot.Certificate.RawData, Assert.Single(store).RawData);
    }

    private (SpiffeTls Server, SpiffeTls Client) CreatePair(SpiffeAuthorizer serverAuthorizer, SpiffeAuthorizer clientAuthorizer)
    {
        var serverSvid = X509Svid.Create(TlsTestPki.ExampleIntermediate.IssueSvid("/server").Leaf, [TlsTestPki.ExampleIntermediate.Certificate]);
        var clientSvid = X509Svid.Create(TlsTestPki.PeerRoot.IssueSvid("/client").Leaf);
        return (
            new SpiffeTls(new InMemoryX509SvidSource(serverSvid), new X509SvidValidator(_bundles), serverAuthorizer, _serverLog),
            new SpiffeTls(new InMemoryX509SvidSource(clientSvid), new X509SvidValidator(_bundles), clientAuthorizer));
    }

    private async Task AssertServerRejectsAsync(SpiffeTls server, TestSvid clientCertificate, X509SvidFailure expected)
    {
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificateContext = SslStreamCertificateContext.Create(clientCertificate.Leaf, clientCertificate.IntermediateCollection, offline: true),
            // The misbehaving client does not care who the server is; only the server's verdict is under test.
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        };

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TlsConnection.OpenAsync(server, options));

        Assert.True(ex is AuthenticationException or IOException, ex.ToString());
        var rejection = Assert.Single(_serverLog.Collector.GetSnapshot(), r => r.Id.Name == "PeerRejected");
        Assert.Contains($": {expected}: ", rejection.Message, StringComparison.Ordinal);
    }
}

/// <summary>A server and a client SslStream connected over loopback TCP.</summary>
internal sealed class TlsConnection : IAsyncDisposable
{
    private readonly TcpClient _clientSocket;
    private readonly Socket _serverSocket;

    private TlsConnection(TcpClient clientSocket, Socket serverSocket, SslStream server, SslStream client)
    {
        _clientSocket = clientSocket;
        _serverSocket = serverSocket;
        Server = server;
        Client = client;
    }

    public SslStream Server { get; }

    public SslStream Client { get; }

    /// <summary>Handshakes both sides; throws the server's exception first, since the server judges the client.</summary>
    public static async Task<TlsConnection> OpenAsync(SpiffeTls server, SslClientAuthenticationOptions clientOptions)
    {
        var ct = TestContext.Current.CancellationToken;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var accept = listener.AcceptSocketAsync(ct).AsTask();
        var clientSocket = new TcpClient();
        await clientSocket.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port, ct);
        var serverSocket = await accept;
        var serverStream = new SslStream(new NetworkStream(serverSocket, ownsSocket: true));
        var clientStream = new SslStream(clientSocket.GetStream());
        var serverHandshake = serverStream.AuthenticateAsServerAsync(server.ServerOptionsSelectionCallback, null, ct);
        var clientHandshake = clientStream.AuthenticateAsClientAsync(clientOptions, ct);
        try
        {
            try
            {
                await serverHandshake;
            }
            finally
            {
                // With TLS 1.3 the client may finish before the server refuses it; make it notice.
                if (!serverHandshake.IsCompletedSuccessfully)
                    serverStream.Dispose();
            }

            await clientHandshake;
            return new TlsConnection(clientSocket, serverSocket, serverStream, clientStream);
        }
        catch
        {
            await serverStream.DisposeAsync();
            await clientStream.DisposeAsync();
            clientSocket.Dispose();
            await Task.WhenAll(serverHandshake, clientHandshake).ContinueWith(static _ => { }, TaskScheduler.Default);
            throw;
        }
    }

    public async Task AssertEchoAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        byte[] ping = [1, 2, 3, 4];
        await Client.WriteAsync(ping, ct);
        var buffer = new byte[4];
        await Server.ReadExactlyAsync(buffer, ct);
        await Server.WriteAsync(buffer, ct);
        var back = new byte[4];
        await Client.ReadExactlyAsync(back, ct);
        Assert.Equal(ping, back);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        _clientSocket.Dispose();
        _serverSocket.Dispose();
    }
}

/// <summary>CAs for the TLS tests.</summary>
internal static class TlsTestPki
{
    public static TestCertificateAuthority ExampleRoot { get; } = TestCertificateAuthority.CreateRoot("example.org");

    public static TestCertificateAuthority ExampleIntermediate { get; } = ExampleRoot.CreateIntermediate();

    public static TestCertificateAuthority PeerRoot { get; } = TestCertificateAuthority.CreateRoot("peer.test");

    public static TestCertificateAuthority RoguePeerRoot { get; } = TestCertificateAuthority.CreateRoot("peer.test");

    public static TestCertificateAuthority StrangerRoot { get; } = TestCertificateAuthority.CreateRoot("stranger.test");
}
