using System.Runtime.InteropServices;

namespace MeshInterop.Catalog.Internal;

/// <summary>
/// A 64-bit hash over catalog content: multiply-xorshift mixing of 8-byte words, length-prefixed strings, and a
/// final avalanche. Entry hashes start from a random per-process key so that collisions cannot be steered.
/// </summary>
internal struct ContentHasher
{
    private const ulong Multiplier = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public ContentHasher(ulong seed) => _state = seed ^ 0xCBF29CE484222325UL;

    public void Add(int value) => Mix((ulong)(uint)value | 0x1_0000_0000UL);

    public void Add(ulong value) => Mix(value);

    public void Add(string value)
    {
        // Length first, so ("ab", "c") and ("a", "bc") differ.
        Mix((ulong)value.Length << 1);
        var bytes = MemoryMarshal.AsBytes(value.AsSpan());
        while (bytes.Length >= 8)
        {
            Mix(MemoryMarshal.Read<ulong>(bytes));
            bytes = bytes[8..];
        }

        if (!bytes.IsEmpty)
        {
            ulong tail = 0;
            for (var i = 0; i < bytes.Length; i++)
            {
                tail |= (ulong)bytes[i] << (8 * i);
            }

            Mix(tail);
        }
    }

    public readonly ulong Finish()
    {
        var h = _state;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    private void Mix(ulong value)
    {
        _state = (_state ^ value) * Multiplier;
        _state ^= _state >> 29;
    }
}
