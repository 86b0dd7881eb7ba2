namespace MeshActors.Messaging.Api;

/// <summary>
/// <c>GET /api/v1/messages/status/{id}</c>, Mycelium's field names: destination IP, state, Unix seconds of
/// creation and deadline, payload length. <c>abortReason</c> is our addition (omitted unless aborted):
/// <c>expired</c>, <c>refusedTooLarge</c> or <c>refusedInboxFull</c>; clients that do not know it ignore it.
/// </summary>
public sealed record MessageStatusResponse(
    string Dst,
    TransmissionStateDto State,
    long Created,
    long Deadline,
    int MsgLen,
    string? AbortReason = null);
