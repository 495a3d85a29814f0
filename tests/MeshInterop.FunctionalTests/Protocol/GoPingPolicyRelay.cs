using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// A TLS-terminating HTTP/2 relay in front of an owner that enforces the Go reference server's keepalive policy
/// (grpc-go <c>keepalive.EnforcementPolicy</c> with <c>PermitWithoutStream</c>, as the Hamlet reference server
/// configures it): a client PING that comes less than <c>MinTime</c> after the previous one is a strike unless the
/// server sent DATA or HEADERS in between, and after more than two strikes the relay sends
/// <c>GOAWAY ENHANCE_YOUR_CALM "too_many_pings"</c> and closes the connection. It presents the owner agent's SVID to
/// the consumer and the consumer agent's SVID to the owner, so both ends still authenticate each other's identities.
/// </summary>
internal sealed class GoPingPolicyRelay : IAsyncDisposable
{
    private const int MaxPingStrikes = 2;
    private const byte DataFrame = 0x0, HeadersFrame = 0x1, PingFrame = 0x6, GoAwayFrame = 0x7, AckFlag = 0x1;
    private const uint EnhanceYourCalm = 0xb;
    private static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly TimeSpan _minTime;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _pings;
    private int _goAways;

    public GoPingPolicyRelay(Uri upstream, TimeSpan minTime)
    {
        _upstream = upstream;
        _minTime = minTime;
        _listener.Start();
        Address = new Uri("https://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture));
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Gets how many client PINGs (not ACKs) passed through.</summary>
    public int PingsSeen => Volatile.Read(ref _pings);

    /// <summary>Gets how many <c>too_many_pings</c> GOAWAYs the relay sent.</summary>
    public int TooManyPingsGoAways => Volatile.Read(ref _goAways);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            lock (_connections)
            {
                _connections.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var connection = client;
        using var upstream = new TcpClient();
        try
        {
            var downstreamTls = new SslStream(client.GetStream());
            var serverOptions = MtlsGrpcHost.OwnerTls().CreateServerOptions();
            serverOptions.ApplicationProtocols = [SslApplicationProtocol.Http2];
            await downstreamTls.AuthenticateAsServerAsync(serverOptions, _stopping.Token);

            await upstream.ConnectAsync(IPAddress.Loopback, _upstream.Port, _stopping.Token);
            var upstreamTls = new SslStream(upstream.GetStream());
            var clientOptions = MtlsGrpcHost.ConsumerTls().CreateClientOptions("127.0.0.1");
            clientOptions.ApplicationProtocols = [SslApplicationProtocol.Http2];
            await upstreamTls.AuthenticateAsClientAsync(clientOptions, _stopping.Token);

            await using (downstreamTls)
            await using (upstreamTls)
            {
                var preface = new byte[Preface.Length];
                await downstreamTls.ReadExactlyAsync(preface, _stopping.Token);
                await upstreamTls.WriteAsync(preface, _stopping.Token);
                using var state = new PolicyState();
                using var ended = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                var up = ClientToServerAsync(downstreamTls, upstreamTls, state, ended.Token);
                var down = ServerToClientAsync(upstreamTls, downstreamTls, state, ended.Token);
                await Task.WhenAny(up, down);
                await ended.CancelAsync();
                await Task.WhenAll(up, down).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
        {
            // A peer went away; the relay only forwards.
        }
    }

    private async Task ClientToServerAsync(Stream client, Stream server, PolicyState state, CancellationToken cancellationToken)
    {
        while (await ReadFrameAsync(client, cancellationToken) is { } frame)
        {
            if (frame[3] == HeadersFrame)
            {
                state.LastStreamId = Math.Max(state.LastStreamId, BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(5)) & int.MaxValue);
            }

            if (frame[3] == PingFrame && (frame[4] & AckFlag) == 0)
            {
                Interlocked.Increment(ref _pings);
                if (state.Strike(_minTime))
                {
                    await state.WriteToClientAsync(client, GoAway(state.LastStreamId), cancellationToken);
                    Interlocked.Increment(ref _goAways);
                    return;
                }
            }

            await server.WriteAsync(frame, cancellationToken);
        }
    }

    private static async Task ServerToClientAsync(Stream server, Stream client, PolicyState state, CancellationToken cancellationToken)
    {
        while (await ReadFrameAsync(server, cancellationToken) is { } frame)
        {
            if (frame[3] is DataFrame or HeadersFrame)
            {
                state.ServerSentData();
            }

            await state.WriteToClientAsync(client, frame, cancellationToken);
        }
    }

    private static async Task<byte[]?> ReadFrameAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[9];
        if (await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken) < header.Length)
        {
            return null;
        }

        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var frame = new byte[header.Length + length];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(header.Length), cancellationToken);
        return frame;
    }

    private static byte[] GoAway(int lastStreamId)
    {
        var debug = Encoding.ASCII.GetBytes("too_many_pings");
        var frame = new byte[9 + 8 + debug.Length];
        var length = 8 + debug.Length;
        frame[0] = (byte)(length >> 16);
        frame[1] = (byte)(length >> 8);
        frame[2] = (byte)length;
        frame[3] = GoAwayFrame;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(9), lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(13), EnhanceYourCalm);
        debug.CopyTo(frame, 17);
        return frame;
    }

    /// <summary>The per-connection strike count, as grpc-go's <c>http2Server.handlePing</c> keeps it.</summary>
    private sealed class PolicyState : IDisposable
    {
        private readonly SemaphoreSlim _clientWrites = new(1, 1);
        private long? _lastPingAt;
        private int _strikes;
        private int _resetStrikes;

        public int LastStreamId { get; set; }

        public void Dispose() => _clientWrites.Dispose();

        public void ServerSentData() => Volatile.Write(ref _resetStrikes, 1);

        /// <returns>Whether the connection must be closed with <c>too_many_pings</c>.</returns>
        public bool Strike(TimeSpan minTime)
        {
            var now = TimeProvider.System.GetTimestamp();
            var previous = _lastPingAt;
            _lastPingAt = now;
            if (Interlocked.Exchange(ref _resetStrikes, 0) == 1)
            {
                _strikes = 0;
                return false;
            }

            if (previous is { } last && TimeProvider.System.GetElapsedTime(last, now) < minTime)
            {
                _strikes++;
            }

            return _strikes > MaxPingStrikes;
        }

        public async Task WriteToClientAsync(Stream client, byte[] frame, CancellationToken cancellationToken)
        {
            await _clientWrites.WaitAsync(cancellationToken);
            try
            {
                await client.WriteAsync(frame, cancellationToken);
            }
            finally
            {
                _clientWrites.Release();
            }
        }
    }
}
