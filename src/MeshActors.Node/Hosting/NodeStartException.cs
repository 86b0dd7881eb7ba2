namespace MeshActors.Node.Hosting;

/// <summary>The node could not start for a reason the operator can fix (the message says which and how).</summary>
public sealed class NodeStartException(string message, Exception? inner = null) : Exception(message, inner);
