namespace MeshInterop.Protocol.Internal;

/// <summary>
/// The responses an owner has sent on one stream and not yet seen answered (R3; the window extension
/// allows more than one). Answers are matched by nonce; an empty nonce answers the oldest outstanding
/// response (the Go reference consumer echoes the empty nonces its owner sends), and a nonce matching
/// nothing is reported so the caller can count and ignore it (G2).
/// </summary>
internal sealed class InFlightWindow<TSent>
{
    private readonly LinkedList<OutstandingResponse<TSent>> _oldestFirst = new();
    private readonly Dictionary<string, LinkedListNode<OutstandingResponse<TSent>>> _byNonce = new(StringComparer.Ordinal);

    public InFlightWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count => _oldestFirst.Count;

    public bool HasCapacity => _oldestFirst.Count < Capacity;

    /// <summary>Gets the oldest outstanding response, whose age the ACK timeout measures (G12).</summary>
    public OutstandingResponse<TSent>? Oldest => _oldestFirst.First?.Value;

    public void Add(OutstandingResponse<TSent> response)
    {
        if (!HasCapacity)
        {
            throw new InvalidOperationException($"The window of {Capacity} outstanding responses is full.");
        }

        if (string.IsNullOrEmpty(response.Nonce))
        {
            throw new ArgumentException("An owner response needs a non-empty nonce.", nameof(response));
        }

        _byNonce.Add(response.Nonce, _oldestFirst.AddLast(response));
    }

    /// <summary>Matches an answer to the response it answers and frees that response's slot.</summary>
    public bool TryAnswer(string? nonce, out OutstandingResponse<TSent> answered)
    {
        LinkedListNode<OutstandingResponse<TSent>>? node;
        if (string.IsNullOrEmpty(nonce))
        {
            node = _oldestFirst.First;
        }
        else
        {
            _byNonce.TryGetValue(nonce, out node);
        }

        if (node is null)
        {
            answered = default;
            return false;
        }

        _oldestFirst.Remove(node);
        _byNonce.Remove(node.Value.Nonce);
        answered = node.Value;
        return true;
    }
}

/// <summary>One response awaiting its ACK or NACK.</summary>
/// <param name="Nonce">The response's nonce.</param>
/// <param name="Sent">What it carried, needed again when it is answered (for example to not resend NACKed content).</param>
/// <param name="SentTimestamp">When it was sent, from <see cref="TimeProvider.GetTimestamp"/>.</param>
internal readonly record struct OutstandingResponse<TSent>(string Nonce, TSent Sent, long SentTimestamp);
