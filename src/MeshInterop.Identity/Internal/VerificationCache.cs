using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.X509;

namespace MeshInterop.Identity.Internal;

/// <summary>
/// The bucket of one presented chain under one bundle generation. It is built from the certificates' lengths and the
/// last 16 bytes of each DER (inside the signature, so effectively random for CA-signed certificates) and is only a
/// bucket: a hit also needs byte-for-byte equality with the stored DER, so no collision, crafted or not, can ever
/// return another chain's verdict. This replaces a SHA-256 key because three OpenSSL hash calls alone cost more
/// than the 1 µs budget of a cache hit.
/// </summary>
internal readonly record struct VerificationKey(int LeafLength, ulong LeafTail0, ulong LeafTail1, int Count, ulong ChainTail, long Generation)
{
    public static VerificationKey Create(X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates, long generation)
    {
        var der = leaf.RawDataMemory.Span;
        var chainTail = 0UL;
        foreach (var intermediate in intermediates)
        {
            var raw = intermediate.RawDataMemory.Span;
            chainTail = BitOperations.RotateLeft(chainTail, 17) ^ Tail(raw, 8) ^ (ulong)raw.Length;
        }

        return new VerificationKey(der.Length, Tail(der, 8), Tail(der, 16), intermediates.Length, chainTail, generation);
    }

    private static ulong Tail(ReadOnlySpan<byte> der, int fromEnd) =>
        der.Length >= fromEnd ? BinaryPrimitives.ReadUInt64LittleEndian(der[^fromEnd..]) : 0;
}

/// <summary>A cached positive result, the exact DER it was computed for, and the leaf facts per-call checks need again.</summary>
internal sealed class VerificationEntry(X509SvidValidationResult result, SvidProfile.LeafFacts facts, X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates)
{
    private readonly byte[] _leaf = leaf.RawDataMemory.ToArray();
    private readonly byte[][] _intermediates = CopyAll(intermediates);

    public X509SvidValidationResult Result { get; } = result;

    public SvidProfile.LeafFacts Facts { get; } = facts;

    /// <summary>Whether this entry was computed for exactly these bytes (copies: callers may dispose their certificates).</summary>
    public bool Matches(X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates)
    {
        if (intermediates.Length != _intermediates.Length || !leaf.RawDataMemory.Span.SequenceEqual(_leaf))
            return false;
        for (var i = 0; i < intermediates.Length; i++)
        {
            if (!intermediates[i].RawDataMemory.Span.SequenceEqual(_intermediates[i]))
                return false;
        }

        return true;
    }

    private static byte[][] CopyAll(ReadOnlySpan<X509Certificate2> certificates)
    {
        var copies = new byte[certificates.Length][];
        for (var i = 0; i < certificates.Length; i++)
            copies[i] = certificates[i].RawDataMemory.ToArray();
        return copies;
    }
}

/// <summary>
/// Bounded LRU of positive validation results. A bundle change produces a new generation, so old keys simply stop
/// matching; entries also die at the earliest NotAfter of their chain. Negative results are never cached.
/// </summary>
internal sealed class VerificationCache(int capacity)
{
    private readonly Dictionary<VerificationKey, LinkedListNode<(VerificationKey Key, VerificationEntry Entry)>> _map = new(Math.Min(capacity, 1024));
    private readonly LinkedList<(VerificationKey Key, VerificationEntry Entry)> _lru = new();
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
                return _map.Count;
        }
    }

    public bool TryGet(in VerificationKey key, X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates, DateTimeOffset now, out VerificationEntry? entry)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node) && node.Value.Entry.Matches(leaf, intermediates))
            {
                if (now < node.Value.Entry.Result.ValidUntil)
                {
                    if (node != _lru.First)
                    {
                        _lru.Remove(node);
                        _lru.AddFirst(node);
                    }

                    entry = node.Value.Entry;
                    return true;
                }

                _lru.Remove(node);
                _map.Remove(key);
            }
        }

        entry = null;
        return false;
    }

    public void Add(in VerificationKey key, VerificationEntry entry)
    {
        if (capacity <= 0)
            return;
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _lru.Remove(existing);
                _map.Remove(key);
            }

            while (_map.Count >= capacity && _lru.Last is { } oldest)
            {
                _map.Remove(oldest.Value.Key);
                _lru.RemoveLast();
            }

            _map[key] = _lru.AddFirst((key, entry));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _map.Clear();
            _lru.Clear();
        }
    }
}
