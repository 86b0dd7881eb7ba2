using System.Net;
using MeshActors.Messaging.Receiving;
using MeshActors.Messaging.Sending;
using MeshActors.Protocol.Routing;

namespace MeshActors.Messaging.Api;

/// <summary>
/// Core values → API DTOs. Overlay addresses come from the caller (deriving them from keys is the Crypto
/// project's job, which this project does not reference).
/// </summary>
public static class MessageApiMapping
{
    public static InboundMessageDto ToDto(ReceivedMessage message, IPAddress senderAddress, RouterId self, IPAddress selfAddress) => new(
        MessageApiValidation.FormatId(message.Id),
        senderAddress.ToString(),
        MessageApiValidation.FormatKey(message.Sender),
        selfAddress.ToString(),
        MessageApiValidation.FormatKey(self),
        message.Topic.Length == 0 ? null : message.Topic,
        message.Payload);

    public static MessageStatusResponse ToDto(MessageStatus status, IPAddress destinationAddress) => new(
        destinationAddress.ToString(),
        ToState(status),
        status.Created.ToUnixTimeSeconds(),
        status.Deadline.ToUnixTimeSeconds(),
        status.Length,
        status.State == MessageState.Aborted ? ToReasonName(status.Reason) : null);

    private static TransmissionStateDto ToState(MessageStatus status) => status.State switch
    {
        MessageState.Pending => new TransmissionStateDto(TransmissionStateDto.Pending),
        MessageState.Sending => new TransmissionStateDto(
            TransmissionStateDto.SendingName,
            new SendingProgressDto(status.ChunkCount - status.ChunksSent, status.ChunksSent, status.ChunksAcked)),
        MessageState.Delivered => new TransmissionStateDto(TransmissionStateDto.Received),
        MessageState.Read => new TransmissionStateDto(TransmissionStateDto.Read),
        _ => new TransmissionStateDto(TransmissionStateDto.Aborted),
    };

    private static string ToReasonName(AbortReason reason) => reason switch
    {
        AbortReason.Expired => "expired",
        AbortReason.RefusedTooLarge => "refusedTooLarge",
        _ => "refusedInboxFull",
    };
}
