namespace CdsService.IntegrationTests.Attestation;

/// <summary>
/// A test that drives a real Chromium through Playwright. Playwright cannot download browsers here, so it uses
/// Debian's (<c>apt-get install chromium</c>, which <c>.ci/run</c> does when it is missing) or the one named by
/// <c>CHROMIUM_PATH</c>; the test is skipped, saying why, only when no Chromium executable exists.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium"];

    public ChromiumFactAttribute()
    {
        if (ExecutablePath is null)
        {
            Skip = $"No Chromium executable: set CHROMIUM_PATH or install Debian's chromium (looked at {string.Join(", ", Candidates)}).";
        }
    }

    public static string? ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : Candidates.FirstOrDefault(File.Exists);
}
