using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.X509;

namespace MeshInterop.Identity.Internal;

/// <summary>The identity of one presented chain under one bundle generation: SHA-256 over the certificates' DER.</summary>
internal readonly record struct VerificationKey(ulong H0, ulong H1, ulong H2, ulong H3, long Generation)
{
    private const int MaxStackCertificates = 16;

    /// <summary>Hashes the leaf, then each presented intermediate in order, without allocating.</summary>
    public static VerificationKey Create(X509Certificate2 leaf, ReadOnlySpan<X509Certificate2> intermediates, long generation)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        if (intermediates.IsEmpty)
        {
            SHA256.HashData(leaf.RawDataMemory.Span, digest);
        }
        else
        {
            // Hash of hashes keeps the key fixed-size and stack-only; callers cap the count before this point.
            var count = Math.Min(intermediates.Length, MaxStackCertificates - 1) + 1;
            Span<byte> hashes = stackalloc byte[MaxStackCertificates * SHA256.HashSizeInBytes];
            SHA256.HashData(leaf.RawDataMemory.Span, hashes[..SHA256.HashSizeInBytes]);
            for (var i = 1; i < count; i++)
                SHA256.HashData(intermediates[i - 1].RawDataMemory.Span, hashes.Slice(i * SHA256.HashSizeInBytes, SHA256.HashSizeInBytes));
            SHA256.HashData(hashes[..(count * SHA256.HashSizeInBytes)], digest);
        }

        return new VerificationKey(
            BinaryPrimitives.ReadUInt64LittleEndian(digest),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(digest[24..]),
            generation);
    }
}

/// <summary>A cached positive result and the leaf facts the per-call checks (EKU role) need again.</summary>
internal sealed record VerificationEntry(X509SvidValidationResult Result, SvidProfile.LeafFacts Facts);

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

    public bool TryGet(in VerificationKey key, DateTimeOffset now, out VerificationEntry? entry)
    {
        lock (_gate)
        {
            if (_map.TryGetValue(key, out var node))
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
