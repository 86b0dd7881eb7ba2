using MeshActors.Protocol.Routing;

namespace MeshActors.Routing;

/// <summary>Collects the actions of one call into the core; seqno requests to all neighbours share one batch.</summary>
internal sealed class ActionBuffer
{
    private List<RoutingAction>? _actions;
    private List<SeqnoRequest>? _broadcastRequests;

    public void Add(RoutingAction action) => (_actions ??= new List<RoutingAction>()).Add(action);

    public void BroadcastRequest(SeqnoRequest request) => (_broadcastRequests ??= new List<SeqnoRequest>()).Add(request);

    /// <summary>Hands the collected actions over and starts empty.</summary>
    public IReadOnlyList<RoutingAction> Drain()
    {
        if (_broadcastRequests is not null)
        {
            Add(new SendSeqnoRequests(null, _broadcastRequests));
            _broadcastRequests = null;
        }

        IReadOnlyList<RoutingAction> result = _actions is null ? Array.Empty<RoutingAction>() : _actions;
        _actions = null;
        return result;
    }
}
