namespace MeshActors.Node.Actors;

/// <summary>
/// Where the guardian reports the failure that stops the node (a <see cref="NodeConfigurationException"/> in a
/// child); the runtime turns it into the process's one-line error and exit code. The first report wins.
/// </summary>
public sealed class NodeFailure
{
    private readonly TaskCompletionSource<string> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the message when the node fails.</summary>
    public Task<string> Failed => _failed.Task;

    /// <summary>The message of the failure that stopped the node, or null while none did.</summary>
    public string? Message => _failed.Task.IsCompletedSuccessfully ? _failed.Task.Result : null;

    /// <summary>Records the failure; false when one was recorded before.</summary>
    public bool TryReport(string message) => _failed.TrySetResult(message);
}
