using System.Text.Json;

namespace CdsService.Tests.Hosting;

/// <summary>
/// The runtime settings the service's speed figures were measured with (CdsService.csproj says why each is there). A
/// property dropped by an unrelated csproj edit changes nothing a functional test sees, only the CPU per request; one
/// was lost that way once, so the built service's runtimeconfig.json is checked here.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("System.GC.Server", "true")]
    [InlineData("System.GC.DynamicAdaptationMode", "0")]
    [InlineData("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", "0")]
    [InlineData("System.Runtime.TieredPGO", "true")]
    public void The_service_is_built_with_the_measured_runtime_settings(string name, string expected)
    {
        // The SDK copies a referenced executable's runtimeconfig.json next to the test assembly.
        var path = Path.Combine(AppContext.BaseDirectory, "CdsService.runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllBytes(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.TryGetProperty(name, out var value), $"{name} is missing from CdsService.runtimeconfig.json");
        Assert.Equal(expected, value.GetRawText());
    }
}
