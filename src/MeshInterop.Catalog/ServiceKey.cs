namespace MeshInterop.Catalog;

/// <summary>
/// The key that identifies a service within one catalog: the Hamlet <c>name</c> (v1alpha2), the v1alpha1
/// <c>id</c> (or <c>fqdn</c> when <c>id</c> is empty), or a local name in the import view.
/// Keys compare and sort ordinally, so every catalog orders its entries the same way on every machine.
/// </summary>
public readonly struct ServiceKey : IEquatable<ServiceKey>, IComparable<ServiceKey>
{
    private readonly string? _name;

    /// <summary>Initializes a new instance of the <see cref="ServiceKey"/> struct.</summary>
    /// <param name="name">The key text. An empty key is representable so that validation can report it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    public ServiceKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _name = name;
    }

    /// <summary>Gets the key text.</summary>
    /// <value>The key; the empty string for <see langword="default"/>.</value>
    public string Name => _name ?? string.Empty;

    /// <summary>Gets a value indicating whether the key is empty (and therefore invalid in any catalog).</summary>
    public bool IsEmpty => string.IsNullOrEmpty(_name);

    /// <inheritdoc/>
    public bool Equals(ServiceKey other) => string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ServiceKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => string.GetHashCode(Name, StringComparison.Ordinal);

    /// <inheritdoc/>
    public int CompareTo(ServiceKey other) => string.CompareOrdinal(Name, other.Name);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Compares two keys ordinally for equality.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when the keys are ordinally equal.</returns>
    public static bool operator ==(ServiceKey left, ServiceKey right) => left.Equals(right);

    /// <summary>Compares two keys ordinally for inequality.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when the keys differ.</returns>
    public static bool operator !=(ServiceKey left, ServiceKey right) => !left.Equals(right);

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
    public static bool operator <(ServiceKey left, ServiceKey right) => left.CompareTo(right) < 0;

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first or the keys are equal.</returns>
    public static bool operator <=(ServiceKey left, ServiceKey right) => left.CompareTo(right) <= 0;

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
    public static bool operator >(ServiceKey left, ServiceKey right) => left.CompareTo(right) > 0;

    /// <summary>Orders two keys ordinally.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last or the keys are equal.</returns>
    public static bool operator >=(ServiceKey left, ServiceKey right) => left.CompareTo(right) >= 0;
}
