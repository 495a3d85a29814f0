using System.Collections;
using System.Diagnostics.CodeAnalysis;
using MeshInterop.Catalog.Internal;

namespace MeshInterop.Catalog;

/// <summary>
/// An immutable string-to-string map kept as one array of pairs sorted ordinally by key: compact (no per-map
/// hash table), compared by content, and enumerated in the same order everywhere. Used for labels and
/// instance metadata. <see langword="default"/> is the empty map.
/// </summary>
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after the proto map<string, string> it carries.")]
public readonly struct StringMap : IReadOnlyDictionary<string, string>, IEquatable<StringMap>
{
    private readonly KeyValuePair<string, string>[]? _items;

    private StringMap(KeyValuePair<string, string>[] items) => _items = items.Length == 0 ? null : items;

    /// <summary>Gets the empty map.</summary>
    public static StringMap Empty => default;

    /// <inheritdoc/>
    public int Count => _items?.Length ?? 0;

    /// <summary>Gets a value indicating whether the map has no pairs.</summary>
    public bool IsEmpty => _items is null;

    /// <summary>Gets the pairs, sorted ordinally by key.</summary>
    public ReadOnlySpan<KeyValuePair<string, string>> Pairs => _items;

    /// <inheritdoc/>
    public IEnumerable<string> Keys => (_items ?? []).Select(p => p.Key);

    /// <inheritdoc/>
    public IEnumerable<string> Values => (_items ?? []).Select(p => p.Value);

    /// <inheritdoc/>
    /// <exception cref="KeyNotFoundException">The key is not in the map.</exception>
    public string this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The map has no key '{key}'.");

    /// <summary>Creates a map from pairs.</summary>
    /// <param name="pairs">The pairs, in any order.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentNullException">A key or value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key appears twice (ordinally).</exception>
    public static StringMap Create(params ReadOnlySpan<KeyValuePair<string, string>> pairs) => FromArray(pairs.ToArray(), nameof(pairs));

    /// <summary>Creates a map from pairs.</summary>
    /// <param name="pairs">The pairs, in any order, for example a dictionary.</param>
    /// <returns>The map.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pairs"/>, a key or a value is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A key appears twice (ordinally).</exception>
    public static StringMap Create(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return pairs is StringMap map ? map : FromArray(pairs.ToArray(), nameof(pairs));
    }

    /// <summary>Returns a map with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>The new map.</returns>
    public StringMap SetItem(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var items = _items ?? [];
        var index = IndexOf(items, key);
        if (index >= 0)
        {
            if (string.Equals(items[index].Value, value, StringComparison.Ordinal))
            {
                return this;
            }

            var copy = (KeyValuePair<string, string>[])items.Clone();
            copy[index] = new(key, value);
            return new StringMap(copy);
        }

        var insertAt = ~index;
        var grown = new KeyValuePair<string, string>[items.Length + 1];
        Array.Copy(items, grown, insertAt);
        grown[insertAt] = new(key, value);
        Array.Copy(items, insertAt, grown, insertAt + 1, items.Length - insertAt);
        return new StringMap(grown);
    }

    /// <summary>Returns a map without <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The new map, or this map when the key is absent.</returns>
    public StringMap Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var items = _items ?? [];
        var index = IndexOf(items, key);
        if (index < 0)
        {
            return this;
        }

        var shrunk = new KeyValuePair<string, string>[items.Length - 1];
        Array.Copy(items, shrunk, index);
        Array.Copy(items, index + 1, shrunk, index, items.Length - index - 1);
        return new StringMap(shrunk);
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => TryGetValue(key, out _);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var items = _items ?? [];
        var index = IndexOf(items, key);
        if (index >= 0)
        {
            value = items[index].Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Gets an enumerator over the pairs in key order.</summary>
    /// <returns>The enumerator.</returns>
    public ReadOnlySpan<KeyValuePair<string, string>>.Enumerator GetEnumerator() => Pairs.GetEnumerator();

    IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() =>
        ((IEnumerable<KeyValuePair<string, string>>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => (_items ?? []).GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(StringMap other)
    {
        if (ReferenceEquals(_items, other._items))
        {
            return true;
        }

        var left = Pairs;
        var right = other.Pairs;
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!string.Equals(left[i].Key, right[i].Key, StringComparison.Ordinal)
                || !string.Equals(left[i].Value, right[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StringMap other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hasher = new ContentHasher(0);
        AddTo(ref hasher);
        return unchecked((int)hasher.Finish());
    }

    /// <inheritdoc/>
    public override string ToString() =>
        "{" + string.Join(", ", (_items ?? []).Select(p => p.Key + "=" + p.Value)) + "}";

    /// <summary>Compares two maps by content.</summary>
    /// <param name="left">The first map.</param>
    /// <param name="right">The second map.</param>
    /// <returns><see langword="true"/> when both hold the same pairs.</returns>
    public static bool operator ==(StringMap left, StringMap right) => left.Equals(right);

    /// <summary>Compares two maps by content.</summary>
    /// <param name="left">The first map.</param>
    /// <param name="right">The second map.</param>
    /// <returns><see langword="true"/> when the maps differ.</returns>
    public static bool operator !=(StringMap left, StringMap right) => !left.Equals(right);

    internal void AddTo(ref ContentHasher hasher)
    {
        hasher.Add(Count);
        foreach (var pair in Pairs)
        {
            hasher.Add(pair.Key);
            hasher.Add(pair.Value);
        }
    }

    internal int CompareTo(StringMap other)
    {
        var left = Pairs;
        var right = other.Pairs;
        var common = Math.Min(left.Length, right.Length);
        for (var i = 0; i < common; i++)
        {
            var c = string.CompareOrdinal(left[i].Key, right[i].Key);
            if (c == 0)
            {
                c = string.CompareOrdinal(left[i].Value, right[i].Value);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    private static StringMap FromArray(KeyValuePair<string, string>[] items, string paramName)
    {
        var sorted = true;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i].Key is null || items[i].Value is null)
            {
                throw new ArgumentNullException(paramName, "A map key or value is null.");
            }

            if (i > 0 && string.CompareOrdinal(items[i - 1].Key, items[i].Key) >= 0)
            {
                sorted = false;
            }
        }

        if (!sorted)
        {
            Array.Sort(items, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            for (var i = 1; i < items.Length; i++)
            {
                if (string.Equals(items[i - 1].Key, items[i].Key, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"The key '{items[i].Key}' appears more than once.", paramName);
                }
            }
        }

        return new StringMap(items);
    }

    private static int IndexOf(KeyValuePair<string, string>[] items, string key)
    {
        int lo = 0, hi = items.Length - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = string.CompareOrdinal(items[mid].Key, key);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }
}
