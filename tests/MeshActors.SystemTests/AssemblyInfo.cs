// Every test builds namespaces with the same lab prefix and underlay addresses: one lab at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
