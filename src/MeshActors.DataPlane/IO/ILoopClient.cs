namespace MeshActors.DataPlane.IO;

/// <summary>Something an <see cref="EventLoop"/> serves (a link). Every call runs on the loop's thread.</summary>
internal interface ILoopClient
{
    /// <summary>The descriptor it watches for this client is readable (or reports an error or hang-up).</summary>
    void OnReadable(EventLoop loop);

    /// <summary>The client asked for service (<see cref="EventLoop.Request"/>) or its descriptor became writable.</summary>
    void OnService(EventLoop loop);

    /// <summary>Once per maintenance interval (rekey and expiry checks, overdue closes).</summary>
    void OnTick(EventLoop loop);
}
