namespace MeshActors.Messaging.Receiving;

/// <summary>
/// Delivered messages waiting for the application, oldest first. Bounded by max-inbox-messages and
/// max-inbox-bytes; when full it refuses the newcomer and never drops what it already holds (delivered means
/// the sender was told so). Small by construction, so topic filtering is a linear scan.
/// </summary>
internal sealed class Inbox(MessageBusSettings settings)
{
    private readonly List<ReceivedMessage> _messages = [];

    public int Count => _messages.Count;

    public long Bytes { get; private set; }

    /// <summary>The held messages, oldest first.</summary>
    public IReadOnlyList<ReceivedMessage> Messages => _messages;

    public bool HasRoomFor(int length) => _messages.Count < settings.MaxInboxMessages && Bytes + length <= settings.MaxInboxBytes;

    public bool TryAdd(ReceivedMessage message)
    {
        if (!HasRoomFor(message.Payload.Length))
        {
            return false;
        }

        _messages.Add(message);
        Bytes += message.Payload.Length;
        return true;
    }

    /// <summary>Oldest message whose topic starts with <paramref name="topicPrefix"/> (empty matches all), left in place.</summary>
    public ReceivedMessage? Peek(ReadOnlySpan<byte> topicPrefix)
    {
        var index = IndexOf(topicPrefix);
        return index < 0 ? null : _messages[index];
    }

    /// <summary>Like <see cref="Peek"/> but removes the message.</summary>
    public ReceivedMessage? Pop(ReadOnlySpan<byte> topicPrefix)
    {
        var index = IndexOf(topicPrefix);
        if (index < 0)
        {
            return null;
        }

        var message = _messages[index];
        _messages.RemoveAt(index);
        Bytes -= message.Payload.Length;
        return message;
    }

    private int IndexOf(ReadOnlySpan<byte> topicPrefix)
    {
        for (var i = 0; i < _messages.Count; i++)
        {
            if (_messages[i].Topic.AsSpan().StartsWith(topicPrefix))
            {
                return i;
            }
        }

        return -1;
    }
}
