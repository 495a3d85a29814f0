namespace MeshInterop.Identity.X509;

/// <summary>An <see cref="IX509SvidSource"/> whose SVID the application sets (for example from a Workload API client).</summary>
public sealed class InMemoryX509SvidSource : IX509SvidSource
{
    private X509Svid _current;

    /// <summary>Initializes a new instance of the <see cref="InMemoryX509SvidSource"/> class.</summary>
    /// <param name="initial">The first SVID.</param>
    /// <exception cref="ArgumentNullException"><paramref name="initial"/> is <see langword="null"/>.</exception>
    public InMemoryX509SvidSource(X509Svid initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _current = initial;
    }

    /// <inheritdoc/>
    public X509Svid Current => Volatile.Read(ref _current);

    /// <inheritdoc/>
    public event EventHandler? Changed;

    /// <summary>Replaces the SVID. The previous one is not disposed: established connections may still use it.</summary>
    /// <param name="svid">The new SVID.</param>
    /// <exception cref="ArgumentNullException"><paramref name="svid"/> is <see langword="null"/>.</exception>
    public void Set(X509Svid svid)
    {
        ArgumentNullException.ThrowIfNull(svid);
        if (ReferenceEquals(Interlocked.Exchange(ref _current, svid), svid))
            return;
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
