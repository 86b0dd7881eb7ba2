namespace MeshActors.Node.Actors;

/// <summary>
/// A failure no restart can fix: the configuration asks for something this host refuses (a TUN device without the
/// driver or the privilege, a taken or invalid interface name). The guardian stops the node with <see cref="Exception.Message"/>,
/// one line that says what to change, instead of restarting the child.
/// </summary>
public sealed class NodeConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
