using MeshActors.Messaging.Api;

namespace MeshActors.Node.Messaging;

// What the HTTP API asks the MessageBus actor, and its answers.

/// <summary>Send a message; with <paramref name="ReplyTimeout"/> the answer waits for the reply (or the timeout).</summary>
public sealed record SendBusMessage(MessageTarget Target, byte[] Topic, byte[] Payload, ulong? ReplyTo, TimeSpan? ReplyTimeout);

public abstract record SendAnswer;

/// <summary>Accepted for delivery; no reply was asked for.</summary>
public sealed record SendAccepted(ulong Id) : SendAnswer;

/// <summary>Refused before anything was sent: <paramref name="StatusCode"/> is the HTTP status to answer with.</summary>
public sealed record SendRefused(int StatusCode, string Field, string Problem) : SendAnswer;

public sealed record SendReplied(ulong Id, InboundMessageDto Reply) : SendAnswer;

/// <summary>The reply did not come within the reply timeout (the message itself may still be delivered).</summary>
public sealed record SendReplyTimedOut(ulong Id) : SendAnswer;

/// <summary>Take (or peek at) the oldest inbox message whose topic starts with the prefix; never waits.</summary>
public sealed record TakeBusMessage(byte[] TopicPrefix, bool Peek);

public sealed record TakeAnswer(InboundMessageDto? Message);

/// <summary>
/// Park until a message with the topic prefix is in the inbox or <paramref name="Timeout"/> passes. The answer only
/// says "look now": the API then takes the message with <see cref="TakeBusMessage"/>, so a long-poll whose HTTP
/// client went away never swallows a message.
/// </summary>
public sealed record WaitForBusMessage(byte[] TopicPrefix, TimeSpan Timeout);

public enum WaitResult
{
    Ready,
    TimedOut,

    /// <summary>Too many long-polls are parked already.</summary>
    Busy,
}

public sealed record WaitAnswer(WaitResult Result);

public sealed record GetBusStatus(ulong Id);

public sealed record StatusAnswer(MessageStatusResponse? Status);

public sealed record GetBusCounters
{
    public static readonly GetBusCounters Instance = new();
}

/// <summary>The bus's counters and gauges for <c>/metrics</c>.</summary>
public sealed record BusCounters(
    long FramesReceived,
    long FramesDroppedAtInlet,
    long FramesSent,
    long FramesDroppedBySink,
    long MessagesAccepted,
    long SendsRefused,
    int InFlight,
    int InboxMessages,
    long InboxBytes,
    int Reassemblies,
    long ReassemblyBytes,
    int ParkedReceivers,
    int ReplyWaiters,
    IReadOnlyDictionary<string, long> Outbound,
    IReadOnlyDictionary<string, long> Inbound);

/// <summary>Who sent received message <paramref name="Id"/> (it must have been handed out by receive); for replies without <c>dst</c>.</summary>
public sealed record GetSenderOf(ulong Id);

/// <summary>The sender's public key as 64 hex characters, or null when this node does not know the message.</summary>
public sealed record SenderOfAnswer(string? PublicKey);

/// <summary>A bus that hands every delivered message to one actor instead of keeping an inbox for API clients: the
/// tunnel bus. <paramref name="Inner"/> is the inner type its frames travel as; <paramref name="Consumer"/> the
/// registry key of the actor that gets each message as <see cref="BusDelivered"/>.</summary>
public sealed record BusHandOver(Protocol.Data.InnerType Inner, Type Consumer);

/// <summary>Bus → its <see cref="BusHandOver.Consumer"/>: one delivered message.</summary>
public sealed record BusDelivered(Protocol.Routing.RouterId Sender, byte[] Payload);
