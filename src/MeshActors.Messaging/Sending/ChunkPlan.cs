using MeshActors.Messaging.Wire;

namespace MeshActors.Messaging.Sending;

/// <summary>
/// How a message of <see cref="Length"/> bytes is cut into frames of at most the configured frame size: chunk 0
/// gives room to the topic and reply-to id, every later chunk carries a full frame of payload, the last the rest.
/// </summary>
internal readonly record struct ChunkPlan(int Length, int FirstChunkPayload, int LaterChunkPayload, int Count)
{
    public static ChunkPlan For(int length, int topicLength, bool isReply, int frameSize)
    {
        var first = Math.Min(length, frameSize - BusFrameLayout.ChunkHeaderSize - ChunkCodec.ChunkZeroMetadataSize(topicLength, isReply));
        var later = frameSize - BusFrameLayout.ChunkHeaderSize;
        var count = 1 + (int)(((long)length - first + later - 1) / later);
        return new ChunkPlan(length, first, later, count);
    }

    public int OffsetOf(int index) => index == 0 ? 0 : FirstChunkPayload + ((index - 1) * LaterChunkPayload);

    public int LengthOf(int index) => index == 0 ? FirstChunkPayload : Math.Min(LaterChunkPayload, Length - OffsetOf(index));
}
