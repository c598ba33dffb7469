using System.ComponentModel.DataAnnotations;

namespace CdsService.Hosting;

/// <summary>Configuration section <c>WarmUp</c>: how long a fresh instance may spend reaching steady speed before it says it is ready.</summary>
internal sealed class WarmUpOptions
{
    public const string SectionName = "WarmUp";

    /// <summary>
    /// The most the second warm-up phase may take, after the server listens and before <c>/health/ready</c> answers
    /// Healthy: the hot path runs in rounds until the runtime has stopped re-compiling it. Zero skips the phase (the
    /// instance is ready after the first, 40-run phase), as the tests do.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan TierUpBudget { get; set; } = TimeSpan.FromSeconds(30);
}
