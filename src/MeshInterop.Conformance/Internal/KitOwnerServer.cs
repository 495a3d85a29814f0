using System.Net;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// The kit's scripted Hamlet owner for the consumer role: Kestrel on the configured loopback endpoint, HTTP/2 over TLS
/// (SPIFFE mTLS with the kit's identity, or a deliberately wrong certificate), both envelope paths. Every stream a
/// consumer target opens is handed to the case, which scripts it; connection attempts are counted before TLS.
/// </summary>
internal sealed class KitOwnerServer : IAsyncDisposable
{
    private readonly CaseContext _context;
    private readonly KitDial _dial;
    private readonly Channel<KitServerStream> _incoming = Channel.CreateUnbounded<KitServerStream>();
    private readonly List<KitServerStream> _open = [];
    private WebApplication? _app;
    private Http2PingRecorder? _pings;
    private int _connections;
    private int _streams;

    private KitOwnerServer(CaseContext context, KitDial dial)
    {
        _context = context;
        _dial = dial;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Gets how many TCP connections reached the server, before any TLS handshake.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Gets when the consumer sent HTTP/2 PINGs (not acknowledgements), as timestamps of the case's clock.</summary>
    public IReadOnlyList<ClientPing> ClientPings => _pings?.Pings ?? [];

    /// <summary>Gets how many streams reached the server.</summary>
    public int Streams => Volatile.Read(ref _streams);

    public static async Task<KitOwnerServer> StartAsync(CaseContext context, KitDial dial = KitDial.Default)
    {
        var server = new KitOwnerServer(context, dial);
        await server.StartCoreAsync(context.Options.Listen).ConfigureAwait(false);
        return server;
    }

    /// <summary>Waits for the next stream a consumer opens; <see langword="null"/> when none arrives within <paramref name="within"/>.</summary>
    public async Task<KitServerStream?> AcceptAsync(TimeSpan within)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(_context.Cancellation);
        bound.CancelAfter(within);
        try
        {
            return await _incoming.Reader.ReadAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_context.Cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Stops the server as a process stop would: open streams end, the port is released.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            _context.Note("kit owner stops");
            lock (_open)
            {
                // A graceful stop: open streams end with Unavailable, so Kestrel has nothing left to drain.
                foreach (var stream in _open)
                {
                    stream.End(StatusCode.Unavailable, "The kit's owner is stopping.");
                }

                _open.Clear();
            }

            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(bound.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Starts the server again on the same port.</summary>
    public Task RestartAsync()
    {
        _context.Note("kit owner starts again on the same port");
        return StartCoreAsync(new IPEndPoint(IPAddress.Parse(Address.Host), Address.Port));
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    internal async Task ServeAsync(KitServerStream stream, Func<Task> readLoop, CancellationToken callAborted)
    {
        Interlocked.Increment(ref _streams);
        lock (_open)
        {
            _open.Add(stream);
        }

        _context.Note($"{stream.Label} opened by the target");
        _incoming.Writer.TryWrite(stream);
        // The read loop catches everything and ends when the call does; it is not awaited, since the call ends only
        // once this method returns.
        _ = readLoop();
        var aborted = Task.Delay(Timeout.Infinite, callAborted);
        await Task.WhenAny(stream.Ended, aborted).ConfigureAwait(false);
        lock (_open)
        {
            _open.Remove(stream);
        }

        if (stream.Ended.IsCompleted && await stream.Ended.ConfigureAwait(false) is { StatusCode: not StatusCode.OK } status)
        {
            throw new RpcException(status);
        }
    }

    private async Task StartCoreAsync(IPEndPoint endpoint)
    {
        var tls = _context.KitTls.Spiffe(_dial);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        _pings ??= new Http2PingRecorder(_context.Time);
        builder.Logging.AddProvider(_pings);
        builder.Logging.AddFilter<Http2PingRecorder>(Http2PingRecorder.KestrelCategory, LogLevel.Trace);
        builder.Logging.AddFilter<Http2PingRecorder>((category, _) => category?.StartsWith(Http2PingRecorder.KestrelCategory, StringComparison.Ordinal) == true);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref _connections);
                return next(connection);
            });
            listen.UseSpiffeMtls(tls);
        }));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        var app = builder.Build();
        app.MapGrpcService<V1Service>();
        app.MapGrpcService<V2Service>();
        await app.StartAsync(_context.Cancellation).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        _app = app;
        _context.Note($"kit owner listening at {Address}" + (_dial == KitDial.Default ? string.Empty : $" presenting {_dial}"));
    }

    private string NextLabel() => "stream#" + Streams.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal sealed class V1Service(KitOwnerServer server) : V1.DiscoveryService.DiscoveryServiceBase
    {
        public override Task EstablishStream(IAsyncStreamReader<V1.StreamRequest> requestStream, IServerStreamWriter<V1.StreamResponse> responseStream, ServerCallContext context)
        {
            var stream = new KitServerStream.V1Stream(server._context, context, responseStream, server.NextLabel() + " (v1alpha1)");
            return server.ServeAsync(stream, () => ReadAsync(stream, requestStream, context.CancellationToken), context.CancellationToken);
        }

        private static async Task ReadAsync(KitServerStream stream, IAsyncStreamReader<V1.StreamRequest> requests, CancellationToken cancellationToken)
        {
            try
            {
                while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    var r = requests.Current;
                    stream.Accept(new KitAnswer(r.ResourceUrl, r.ResponseNonce, r.Status, string.Empty));
                }

                stream.Complete(null);
            }
            catch (Exception ex)
            {
                stream.Complete(ex);
            }
        }
    }

    internal sealed class V2Service(KitOwnerServer server) : V2.DiscoveryService.DiscoveryServiceBase
    {
        public override Task EstablishStream(IAsyncStreamReader<V2.BidirectionalStream> requestStream, IServerStreamWriter<V2.BidirectionalStream> responseStream, ServerCallContext context)
        {
            var stream = new KitServerStream.V2Stream(server._context, context, responseStream, server.NextLabel() + " (v1alpha2)");
            return server.ServeAsync(stream, () => ReadAsync(stream, requestStream, context.CancellationToken), context.CancellationToken);
        }

        private static async Task ReadAsync(KitServerStream.V2Stream stream, IAsyncStreamReader<V2.BidirectionalStream> requests, CancellationToken cancellationToken)
        {
            try
            {
                while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    if (requests.Current.Request is not { } r)
                    {
                        continue;
                    }

                    // Every response echoes the context of the subscription.
                    if (r.Status is null && r.ResponseNonce.Length == 0 && stream.StreamContext.Length == 0)
                    {
                        stream.StreamContext = r.Context;
                    }

                    stream.Accept(new KitAnswer(r.ResourceUrl, r.ResponseNonce, r.Status, r.Context));
                }

                stream.Complete(null);
            }
            catch (Exception ex)
            {
                stream.Complete(ex);
            }
        }
    }
}
