namespace CdsService.IntegrationTests.Fixtures;

/// <summary>
/// Tests whose hosts keep both cores busy for seconds (the start-up warm-up, over real HTTP and in-process). xUnit runs
/// a collection that disables parallelization alone, after the parallel ones, so these never starve a test that
/// measures a deadline (a hook deadline of 1 s missed by another section while four warm-ups ran beside it).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BusyHosts
{
    public const string Name = "Hosts that warm up for seconds";
}
