using Akka.Event;

namespace MeshActors.Node.State;

/// <summary>
/// One section of the <see cref="SnapshotStore"/> as its owning actor sees it: load once at start (a refused file is
/// logged as a warning and the section starts clean), save on change. A failed save is logged and reported, never
/// thrown: the node keeps running, only without the durability of that save.
/// </summary>
public sealed class SectionStore<T>(SnapshotStore store, SnapshotSection<T> section)
    where T : class
{
    public SnapshotSection<T> Section => section;

    public T? Load(ILoggingAdapter log)
    {
        SnapshotLoad<T> load;
        try
        {
            load = store.Load(section);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning("cannot read {0} ({1}); starting without it", store.PathOf(section), e.Message);
            return null;
        }

        if (load.Problem is not null)
        {
            log.Warning("snapshot {0} is unusable ({1}); moved it to {2} and starting this state clean", store.PathOf(section), load.Problem, load.MovedTo);
        }

        return load.State;
    }

    public bool TrySave(T state, ILoggingAdapter log)
    {
        try
        {
            store.Save(section, state);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error("cannot save {0}: {1}", store.PathOf(section), e.Message);
            return false;
        }
    }
}
