using MeshInterop.Identity.X509;

namespace MeshInterop.Identity.Tls;

/// <summary>
/// Sends through a <see cref="SocketsHttpHandler"/> configured for the current SVID and bundle generation, and
/// starts a new one when either changes. Retired handlers are not disposed at once: requests and streams already
/// running on them continue; their idle connections close after the pool's idle timeout.
/// </summary>
internal sealed class RotatingSpiffeHttpHandler(SpiffeTls tls, Action<SocketsHttpHandler>? configure) : HttpMessageHandler
{
    private const int MaxRetired = 8;
    private readonly Lock _gate = new();
    private readonly Queue<SocketsHttpHandler> _retired = new();
    private Inner? _current;
    private bool _disposed;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        GetInvoker().SendAsync(request, cancellationToken);

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        GetInvoker().Send(request, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            lock (_gate)
            {
                _disposed = true;
                _current?.Handler.Dispose();
                while (_retired.TryDequeue(out var handler))
                    handler.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private HttpMessageInvoker GetInvoker()
    {
        var svid = tls.Svids.Current;
        var snapshot = tls.Validator.Bundles.Current;
        var current = Volatile.Read(ref _current);
        if (current is not null && ReferenceEquals(current.Svid, svid) && current.Generation == snapshot.Generation)
            return current.Invoker;

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            current = _current;
            if (current is not null && ReferenceEquals(current.Svid, svid) && current.Generation == snapshot.Generation)
                return current.Invoker;

            var handler = new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) };
            configure?.Invoke(handler);
            tls.Configure(handler, svid, snapshot);
            var next = new Inner(svid, snapshot.Generation, handler, new HttpMessageInvoker(handler, disposeHandler: false));
            if (current is not null)
            {
                _retired.Enqueue(current.Handler);
                if (_retired.Count > MaxRetired)
                    _retired.Dequeue().Dispose();
            }

            Volatile.Write(ref _current, next);
            return next.Invoker;
        }
    }

    private sealed record Inner(X509Svid Svid, long Generation, SocketsHttpHandler Handler, HttpMessageInvoker Invoker);
}
