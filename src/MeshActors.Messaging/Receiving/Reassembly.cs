using MeshActors.Messaging.Wire;

namespace MeshActors.Messaging.Receiving;

/// <summary>
/// One message being put back together. The buffer is allocated once at the announced total, which the caller has
/// checked against max-message-size and max-reassembly-bytes; chunk 0 brings the topic and reply-to id.
/// </summary>
internal sealed class Reassembly
{
    private readonly byte[] _buffer;
    private byte[] _topic = [];
    private ulong? _replyTo;

    public Reassembly(int count, int totalLength, DateTimeOffset now)
    {
        _buffer = totalLength == 0 ? [] : new byte[totalLength];
        Received = new ChunkBitmap(count);
        LastActivity = now;
    }

    public ChunkBitmap Received { get; }

    public int TotalLength => _buffer.Length;

    public DateTimeOffset LastActivity { get; private set; }

    public bool Matches(in ChunkFrame chunk) => chunk.Count == Received.Count && chunk.TotalLength == _buffer.Length;

    /// <summary>Stores the chunk; false when this index was already held.</summary>
    public bool Add(in ChunkFrame chunk, DateTimeOffset now)
    {
        if (!Received.Set(chunk.Index))
        {
            return false;
        }

        chunk.Payload.CopyTo(_buffer.AsSpan(chunk.Offset));
        if (chunk.Index == 0)
        {
            _topic = chunk.Topic.ToArray();
            _replyTo = chunk.IsReply ? chunk.ReplyTo : null;
        }

        LastActivity = now;
        return true;
    }

    /// <summary>The finished message; the buffer moves into it without a copy.</summary>
    public ReceivedMessage ToMessage(MessageKey key, DateTimeOffset now) => new(key.Sender, key.Id, _topic, _buffer, _replyTo, now);
}
