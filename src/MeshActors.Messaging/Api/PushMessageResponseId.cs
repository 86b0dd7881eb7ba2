namespace MeshActors.Messaging.Api;

/// <summary>Answer to a push (201, or 408 when a reply wait timed out): the message id as 16 lowercase hex digits.</summary>
public sealed record PushMessageResponseId(string Id);
