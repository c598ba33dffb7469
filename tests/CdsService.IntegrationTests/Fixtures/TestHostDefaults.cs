using System.Runtime.CompilerServices;

namespace CdsService.IntegrationTests.Fixtures;

/// <summary>Settings every host these tests start shares, set once as environment variables before any host is built.</summary>
internal static class TestHostDefaults
{
    [ModuleInitializer]
    internal static void Apply()
    {
        // The second warm-up phase re-runs the hot path for up to 30 s in the background of every host: hundreds of
        // hosts would spend the suite's CPU on it. WarmUpTests runs it on purpose.
        if (Environment.GetEnvironmentVariable("WarmUp__TierUpBudget") is null)
        {
            Environment.SetEnvironmentVariable("WarmUp__TierUpBudget", "00:00:00");
        }
    }
}
